import { Sqlite as BetterSqlite3 } from './sqlite-driver.js';
import type { QueryEvent } from './connection.js';
import { openReadWorkers } from './read-workers.js';
import { cachingStatements } from './sqlite-statements.js';

/** Runs compiled SELECTs against the last committed state of a SQLite file, outside any transaction. */
export interface Reader {
  /** At once, on this thread: for reads of a bounded size (a row and what it nests). */
  now(sql: string, parameters: readonly unknown[]): unknown[];
  /** On a read worker: for reads whose size has no bound (a page of rows with their nested rows). */
  later(sql: string, parameters: readonly unknown[]): Promise<unknown[]>;
  /**
   * On a read worker, in one round trip: `page`'s rows' `body` JSON as one JSON array in UTF-8 bytes,
   * and `count`'s rows (a list).
   */
  laterPage(page: CompiledRead, count: CompiledRead): Promise<[Uint8Array, unknown[]]>;
}

export interface CompiledRead {
  sql: string;
  parameters: readonly unknown[];
}

const READER_BUSY_TIMEOUT_MS = 100;

/**
 * The reads of a SQLite file: a read-only connection of its own on this thread, and read workers
 * (`openReadWorkers`). WAL lets them read the last committed state while the writer works, so a read
 * never sees another request's unfinished transaction, and none queues behind the writer's connection.
 */
export function openReader(file: string, workers: number, onQuery?: (event: QueryEvent) => void) {
  const connection = new BetterSqlite3(file, { readonly: true });
  // In WAL mode a reader waits for no writer; only rare moments (another connection recovering the
  // WAL) make it wait at all, and then briefly, since it waits on the event loop.
  connection.pragma(`busy_timeout = ${READER_BUSY_TIMEOUT_MS}`);
  const statements = cachingStatements(connection);
  const pool = openReadWorkers(file, workers);
  const timed = <T>(sql: string, parameters: readonly unknown[], started: number, rows: T) => {
    onQuery?.({ sql, parameters, durationMs: performance.now() - started });
    return rows;
  };
  const reader: Reader = {
    now: (sql, parameters) => timed(sql, parameters, performance.now(), statements.prepare(sql).all(parameters as unknown[])),
    later: async (sql, parameters) => {
      const started = performance.now();
      return timed(sql, parameters, started, await pool.read(sql, parameters));
    },
    laterPage: async (page, count) => {
      const started = performance.now();
      const [json, rows] = await pool.readAll([
        { sql: page.sql, parameters: [...page.parameters], jsonArray: true },
        { sql: count.sql, parameters: [...count.parameters] },
      ]);
      // Both take the round trip's time: the log's durations are what a request waited.
      timed(page.sql, page.parameters, started, json);
      timed(count.sql, count.parameters, started, rows);
      return [json as Uint8Array, rows as unknown[]];
    },
  };
  const ping = connection.prepare('SELECT 1');
  return {
    reader,
    ping: () => void ping.get(),
    close: async () => {
      await pool.close();
      connection.close();
    },
  };
}
