import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { cachingStatements } from './sqlite-statements.js';

/** What the pool sends: a compiled SELECT to run. */
export interface ReadRequest {
  id: number;
  sql: string;
  parameters: unknown[];
}

/** What a read worker answers: the rows, or the error with its SQLite code. */
export type ReadAnswer = { id: number; rows: unknown[] } | { id: number; error: { message: string; code?: string } };

/**
 * A read worker: a read-only connection of its own to the SQLite file (WAL: it sees the last committed
 * state and waits for no writer), running the SELECTs it is sent one after the other, off the main thread.
 */
const connection = new BetterSqlite3((workerData as { file: string }).file, { readonly: true });
connection.pragma('busy_timeout = 100');
const statements = cachingStatements(connection);

parentPort?.on('message', ({ id, sql, parameters }: ReadRequest) => {
  let answer: ReadAnswer;
  try {
    answer = { id, rows: statements.prepare(sql).all(parameters) as unknown[] };
  } catch (error) {
    const { message, code } = error as { message: string; code?: string };
    answer = { id, error: { message, code } };
  }
  parentPort?.postMessage(answer);
});
