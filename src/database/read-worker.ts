import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { cachingStatements } from './sqlite-statements.js';

/**
 * What the pool sends: a compiled SELECT to run. With `jsonArray`, the rows' `body` column (each a JSON
 * text) is answered as one JSON array, in UTF-8 bytes.
 */
export interface ReadRequest {
  id: number;
  sql: string;
  parameters: unknown[];
  jsonArray?: boolean;
}

/** What a read worker answers: the rows, the JSON array's bytes, or the error with its SQLite code. */
export type ReadAnswer =
  | { id: number; rows: unknown[] }
  | { id: number; json: Uint8Array }
  | { id: number; error: { message: string; code?: string } };

const encoder = new TextEncoder();

/**
 * A read worker: a read-only connection of its own to the SQLite file (WAL: it sees the last committed
 * state and waits for no writer), running the SELECTs it is sent one after the other, off the main thread.
 */
const connection = new BetterSqlite3((workerData as { file: string }).file, { readonly: true });
connection.pragma('busy_timeout = 100');
const statements = cachingStatements(connection);

parentPort?.on('message', ({ id, sql, parameters, jsonArray }: ReadRequest) => {
  try {
    const rows = statements.prepare(sql).all(parameters) as { body?: unknown }[];
    if (!jsonArray) return parentPort?.postMessage({ id, rows } satisfies ReadAnswer);
    // Joined and encoded here, and handed over without a copy: the main thread only sends the bytes.
    const json = encoder.encode(`[${rows.map((row) => row.body).join(',')}]`);
    parentPort?.postMessage({ id, json } satisfies ReadAnswer, [json.buffer]);
  } catch (error) {
    const { message, code } = error as { message: string; code?: string };
    parentPort?.postMessage({ id, error: { message, code } } satisfies ReadAnswer);
  }
});
