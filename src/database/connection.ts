import { availableParallelism } from 'node:os';
import { Kysely, PostgresDialect, sql, type LogEvent } from 'kysely';
import type { DatabaseConfig } from '../config/config.js';
import { explainConnectionError } from './connection-errors.js';
import { openPostgres } from './postgres.js';
import { openReader, type Reader } from './reader.js';
import { openSqlite } from './sqlite.js';
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
  /** Told of every PostgreSQL connection that breaks; the pool replaces it. */
  onConnectionError?: (error: Error) => void;
  /** PostgreSQL pool size (else the config's, else 10). */
  poolSize?: number;
  /** How long a request waits for the database (SQLite's write lock, a pooled PostgreSQL connection). */
  waitMs?: number;
  /** How long one PostgreSQL statement may run. */
  statementTimeoutMs?: number;
  /** SQLite: threads that run the reads of unbounded size (pages of lists). */
  readWorkers?: number;
  /** SQLite: the free space beside the file below which it takes no writes (readiness); 16 MB by default. */
  minFreeBytes?: number;
}

export interface Database {
  db: Kysely<Tables>;
  flavor: SqlFlavor;
  /** A SQLite file's reads outside transactions: a read-only connection and read workers (see `prepared`). */
  reader?: Reader;
  /** Resolves when the database answers a trivial query, whatever the requests are doing. */
  ping(): Promise<void>;
  /** Resolves when the database takes writes now (its write lock can be had, its disk has room). */
  writable(): Promise<void>;
  close(): Promise<void>;
  /** The connection pool's counts, where there is one (PostgreSQL). */
  poolCounts?(): { total: number; idle: number; waiting: number };
}

/** Bounds every wait on the database well inside the 2 s in which a request is answered 503 at worst. */
const WAIT_MS = 1000;
const STATEMENT_TIMEOUT_MS = 1500;
/** One core is left to the thread that answers requests; the others read. */
const READ_WORKERS = Math.max(1, Math.min(4, availableParallelism() - 1));

/**
 * Opens the database `config` names. SQLite opens its file here, so a file that cannot be used fails
 * here, saying which and why; PostgreSQL connects on the first statement.
 */
export function openDatabase(config: DatabaseConfig, options: DatabaseOptions = {}): Database {
  const { onQuery, waitMs = WAIT_MS } = options;
  const log = onQuery
    ? (event: LogEvent) => onQuery({ sql: event.query.sql, parameters: event.query.parameters, durationMs: event.queryDurationMillis })
    : undefined;
  try {
    if (config.kind === 'sqlite') {
      const sqlite = openSqlite(config.path, waitMs, options.minFreeBytes);
      const db = new Kysely<Tables>({ dialect: sqlite.dialect, log });
      // An in-memory database exists only on its one connection, so it has no reader.
      const workers = options.readWorkers ?? READ_WORKERS;
      const reader = config.path === ':memory:' ? undefined : openReader(config.path, workers, onQuery);
      return {
        db,
        flavor: flavors.sqlite,
        ...(reader ? { reader: reader.reader } : {}),
        ping: async () => {
          if (reader) reader.ping();
          else await sql`SELECT 1`.execute(db);
        },
        writable: () => sqlite.writable(db),
        close: async () => {
          await reader?.close();
          await sqlite.close();
          await db.destroy();
        },
      };
    }
    const postgres = openPostgres(config.url, {
      poolSize: options.poolSize ?? config.poolSize ?? 10,
      preparedStatements: config.preparedStatements ?? true,
      waitMs,
      statementTimeoutMs: options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS,
      onConnectionError: options.onConnectionError ?? (() => undefined),
    });
    const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: postgres.pool }), log });
    return {
      db,
      flavor: flavors.postgres,
      ping: postgres.ping,
      writable: postgres.writable,
      poolCounts: postgres.counts,
      close: async () => {
        await postgres.close();
        await db.destroy();
      },
    };
  } catch (error) {
    throw explainConnectionError(config, error) ?? error;
  }
}
