import BetterSqlite3 from 'better-sqlite3';
import type { QueryEvent } from './connection.js';
import { cachingStatements } from './sqlite-statements.js';

/** Runs a compiled SELECT at once, returning its rows. */
export type Reader = (sql: string, parameters: readonly unknown[]) => unknown[];

const READER_BUSY_TIMEOUT_MS = 100;

const readers = new WeakMap<object, Reader>();

/** The reader of a database (its Kysely instance), if it has one. */
export const readerOf = (db: object): Reader | undefined => readers.get(db);

/**
 * A read-only SQLite connection of its own for the compile-once SELECTs that run outside a
 * transaction. WAL lets it read the last committed state while the writer works, so a read never
 * sees another request's unfinished transaction, and it runs synchronously: none of the queueing
 * behind the writer's connection that Kysely's single SQLite connection needs.
 */
export function openReader(db: object, file: string, onQuery?: (event: QueryEvent) => void) {
  const connection = new BetterSqlite3(file, { readonly: true });
  // In WAL mode a reader waits for no writer; only rare moments (another connection recovering the
  // WAL) make it wait at all, and then briefly, since it waits on the event loop.
  connection.pragma(`busy_timeout = ${READER_BUSY_TIMEOUT_MS}`);
  const statements = cachingStatements(connection);
  readers.set(db, (sql, parameters) => {
    const started = performance.now();
    const rows = statements.prepare(sql).all(parameters as unknown[]);
    onQuery?.({ sql, parameters, durationMs: performance.now() - started });
    return rows;
  });
  const ping = connection.prepare('SELECT 1');
  return { ping: () => void ping.get(), close: () => connection.close() };
}
