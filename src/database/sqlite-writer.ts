import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type SqliteDatabase,
} from 'kysely';
import { sqliteBusy } from './errors.js';
import { DatabaseUnavailable } from './unavailable.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The one connection that writes to a SQLite file. better-sqlite3 is synchronous, so SQLite's own
 * busy timeout would wait for another connection's write lock (a second instance, a backup, a sqlite3
 * shell) on the event loop, stalling every request. Here SQLite never waits (busy_timeout 0): a
 * statement that finds the file locked before it has changed anything — an autocommit statement, or
 * the BEGIN of a transaction — is tried again after a pause in which other requests run, until
 * `waitMs` after the request asked for the connection; then it fails with `DatabaseUnavailable` (503).
 * Transactions begin IMMEDIATE, taking the write lock first, so none fails half-way for want of it.
 */
class Connection implements DatabaseConnection {
  constructor(
    private readonly raw: BetterSqlite3.Database,
    private readonly statements: SqliteDatabase,
    private readonly deadline: number,
  ) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    for (let pause = 1; ; pause = Math.min(pause * 2, 25)) {
      try {
        return this.run<R>(compiled);
      } catch (error) {
        if (!sqliteBusy(error)) throw error;
        if (this.raw.inTransaction || Date.now() + pause > this.deadline) {
          throw new DatabaseUnavailable('the SQLite file is locked by another connection', { cause: error });
        }
        await sleep(pause);
      }
    }
  }

  private run<R>({ sql, parameters }: CompiledQuery): QueryResult<R> {
    const statement = this.statements.prepare(sql);
    if (statement.reader) return { rows: statement.all(parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiled.query)) throw new Error('SQLite streams SELECT queries only');
    for (const row of this.statements.prepare(compiled.sql).iterate(compiled.parameters)) yield { rows: [row as R] };
  }
}

class WriterDriver implements Driver {
  #waiting: (() => void)[] = [];
  #held = false;

  constructor(
    private readonly raw: BetterSqlite3.Database,
    private readonly statements: SqliteDatabase,
    private readonly waitMs: number,
  ) {}

  async init(): Promise<void> {}

  /** The connection, once the request before has released it: within `waitMs`, or `DatabaseUnavailable`. */
  async acquireConnection(): Promise<DatabaseConnection> {
    const deadline = Date.now() + this.waitMs;
    if (this.#held) {
      await new Promise<void>((resolve, reject) => {
        const turn = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          this.#waiting.splice(this.#waiting.indexOf(turn), 1);
          reject(new DatabaseUnavailable('the SQLite writer is busy'));
        }, this.waitMs);
        this.#waiting.push(turn);
      });
    }
    this.#held = true;
    return new Connection(this.raw, this.statements, deadline);
  }

  async releaseConnection(): Promise<void> {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#held = false;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('BEGIN IMMEDIATE'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // A statement that failed may have ended the transaction already.
    if (this.raw.inTransaction) await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }

  async destroy(): Promise<void> {
    this.raw.close();
  }
}

/** Kysely's SQLite dialect over the writer above. */
export function sqliteWriter(raw: BetterSqlite3.Database, statements: SqliteDatabase, waitMs: number): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new WriterDriver(raw, statements, waitMs),
    createQueryCompiler: () => new SqliteQueryCompiler(),
    createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
  };
}
