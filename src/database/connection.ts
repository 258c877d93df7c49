import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type LogEvent } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config/config.js';
import { explainConnectionError } from './connection-errors.js';
import { namedStatements } from './named-statements.js';
import { openReader } from './reader.js';
import { cachingStatements } from './sqlite-statements.js';
import { prepareSqliteFile } from './sqlite-file.js';
import { flavors, type SqlFlavor } from './sql-flavor.js';
import type { Tables } from './tables.js';

export interface QueryEvent {
  sql: string;
  parameters: readonly unknown[];
  durationMs: number;
}

export interface DatabaseOptions {
  /** Called after every statement: SQL echo (LOG_SQL) and the tests' statement counts use it. */
  onQuery?: (event: QueryEvent) => void;
  /** PostgreSQL pool size. */
  poolSize?: number;
}

export interface Database {
  db: Kysely<Tables>;
  flavor: SqlFlavor;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const SQLITE_BUSY_TIMEOUT_MS = 5000;

function openSqlite(file: string) {
  if (file !== ':memory:') prepareSqliteFile(file);
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  return new SqliteDialect({ database: cachingStatements(db) });
}

function openPostgres(url: string, poolSize: number) {
  // A server that does not answer fails the request (and /health) within seconds instead of hanging it.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
  // An idle client's error (the server restarting, say) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return new PostgresDialect({ pool: namedStatements(pool) });
}

/**
 * Opens the database `config` names. SQLite opens its file here, so a file that cannot be used fails
 * here, saying which and why; PostgreSQL connects on the first statement.
 */
export function openDatabase(config: DatabaseConfig, options: DatabaseOptions = {}): Database {
  let dialect;
  try {
    dialect = config.kind === 'sqlite' ? openSqlite(config.path) : openPostgres(config.url, options.poolSize ?? 10);
  } catch (error) {
    throw explainConnectionError(config, error) ?? error;
  }
  const onQuery = options.onQuery;
  const db = new Kysely<Tables>({
    dialect,
    log: onQuery
      ? (event: LogEvent) =>
          onQuery({
            sql: event.query.sql,
            parameters: event.query.parameters,
            durationMs: event.queryDurationMillis,
          })
      : undefined,
  });
  // An in-memory database exists only on its one connection, so it has no reader.
  const closeReader =
    config.kind === 'sqlite' && config.path !== ':memory:' ? openReader(db, config.path, onQuery) : undefined;
  return {
    db,
    flavor: flavors[config.kind],
    ping: async () => {
      await sql`SELECT 1`.execute(db);
    },
    close: async () => {
      closeReader?.();
      await db.destroy();
    },
  };
}
