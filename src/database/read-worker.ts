import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { Sqlite as BetterSqlite3 } from './sqlite-driver.js';
import { cachingStatements } from './sqlite-statements.js';

/**
 * One SELECT to run. With `jsonArray`, the rows' `body` column (each a JSON text) is answered as one
 * JSON array, in UTF-8 bytes.
 */
export interface Read {
  sql: string;
  parameters: unknown[];
  jsonArray?: boolean;
}

/** What the pool sends: SELECTs to run one after the other (a page and its count: one round trip). */
export interface ReadRequest {
  id: number;
  reads: Read[];
}

/** A read's rows, or its JSON array's bytes. */
export type ReadResult = unknown[] | Uint8Array;

/** What a read worker answers: each read's result in order, or the first error with its SQLite code. */
export type ReadAnswer = { id: number; results: ReadResult[] } | { id: number; error: { message: string; code?: string } };

const encoder = new TextEncoder();

/**
 * A read worker: a read-only connection of its own to the SQLite file (WAL: it sees the last committed
 * state and waits for no writer), running the SELECTs it is sent one after the other, off the main thread.
 */
const connection = new BetterSqlite3((workerData as { file: string }).file, { readonly: true });
connection.pragma('busy_timeout = 100');
const statements = cachingStatements(connection);

/**
 * The rows' `body` texts as one JSON array, encoded straight into one buffer: a page of big rows (100
 * stores, 4.9 MB) is not also joined into one string first, which would double the garbage of every page.
 */
function jsonArrayOf(rows: { body?: unknown }[]): Uint8Array {
  const bodies = rows.map((row) => String(row.body));
  const size = bodies.reduce((total, body) => total + Buffer.byteLength(body), 2 + Math.max(0, bodies.length - 1));
  const bytes = new Uint8Array(size);
  let at = 0;
  bytes[at++] = 0x5b; // [
  for (const [i, body] of bodies.entries()) {
    if (i > 0) bytes[at++] = 0x2c; // ,
    at += encoder.encodeInto(body, bytes.subarray(at)).written;
  }
  bytes[at] = 0x5d; // ]
  return bytes;
}

const run = ({ sql, parameters, jsonArray }: Read): ReadResult => {
  const rows = statements.prepare(sql).all(parameters) as { body?: unknown }[];
  // Encoded here, and handed over without a copy: the main thread only sends the bytes.
  return jsonArray ? jsonArrayOf(rows) : rows;
};

const answer = ({ id, reads }: ReadRequest) => {
  try {
    const results = reads.map(run);
    const buffers = results.flatMap((result) => (result instanceof Uint8Array ? [result.buffer as ArrayBuffer] : []));
    parentPort?.postMessage({ id, results } satisfies ReadAnswer, buffers);
  } catch (error) {
    const { message, code } = error as { message: string; code?: string };
    parentPort?.postMessage({ id, error: { message, code } } satisfies ReadAnswer);
  }
};

const begin = connection.prepare('BEGIN');
const commit = connection.prepare('COMMIT');

/**
 * What has queued up meanwhile is answered in one read transaction. A read on its own finds the file
 * changed by the writer since the last one, and SQLite then starts it from an empty page cache; in one
 * transaction, the reads after the first find their pages cached. Each sees every write committed before
 * it was asked for, as alone: the transaction's snapshot is taken when its first read starts.
 */
parentPort?.on('message', (first: ReadRequest) => {
  const requests = [first];
  for (let next = receiveMessageOnPort(parentPort!); next; next = receiveMessageOnPort(parentPort!)) {
    requests.push(next.message as ReadRequest);
  }
  if (requests.length === 1) return answer(first);
  try {
    begin.run();
  } catch {
    // Answered one by one, as they would be alone.
  }
  try {
    for (const request of requests) answer(request);
  } finally {
    if (connection.inTransaction) commit.run();
  }
});
