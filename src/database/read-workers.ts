import type { Worker } from 'node:worker_threads';
import type { Read, ReadAnswer, ReadRequest, ReadResult } from './read-worker.js';
import { DatabaseUnavailable } from './unavailable.js';
import { startWorkerThread } from './worker-thread.js';

interface Pending {
  resolve(results: ReadResult[]): void;
  reject(error: Error): void;
}

/** Starts a read worker (`read-worker.ts`). */
const startWorker = (file: string): Worker => startWorkerThread('read-worker', { file });

/** How long closing waits for a worker still inside a statement (SQLite cannot be interrupted from here). */
const CLOSE_WAIT_MS = 2000;

/** An error as the worker described it, with its SQLite code (so a busy file is still a 503). */
function rebuilt({ message, code }: { message: string; code?: string }): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}

/**
 * Worker threads that run the SELECTs whose answers have no bound on their size (a page of rows with
 * all their nested rows): better-sqlite3 runs a statement on the thread that calls it, and such a
 * statement on the main thread would hold up every other request. Each worker has its own read-only
 * connection; a read goes to the worker with the fewest reads under way. Workers start on the first
 * read (`start` makes one), and one that dies is replaced (its reads fail with a 503). Their heap is
 * not capped: a worker that runs out of it can take the process down while it is torn down (Node 20),
 * and a page's size is bounded by `page_size` anyway.
 */
export function openReadWorkers(file: string, count: number, start: (file: string) => Worker = startWorker) {
  const slots: { worker?: Worker; pending: Map<number, Pending> }[] = Array.from({ length: count }, () => ({
    pending: new Map(),
  }));
  let nextId = 0;
  let closed = false;

  const run = (slot: (typeof slots)[number]) => {
    const worker = start(file);
    worker.unref();
    worker.on('message', (answer: ReadAnswer) => {
      const pending = slot.pending.get(answer.id);
      slot.pending.delete(answer.id);
      if ('error' in answer) pending?.reject(rebuilt(answer.error));
      else pending?.resolve(answer.results);
    });
    const fail = (error: Error) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      for (const pending of slot.pending.values()) pending.reject(new DatabaseUnavailable('a read worker stopped', { cause: error }));
      slot.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`read worker exited with code ${code}`)));
    slot.worker = worker;
    return worker;
  };

  const send = (reads: Read[]): Promise<ReadResult[]> => {
    if (closed) return Promise.reject(new DatabaseUnavailable('the database is closed'));
    const slot = slots.reduce((least, each) => (each.pending.size < least.pending.size ? each : least));
    const worker = slot.worker ?? run(slot);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      worker.postMessage({ id, reads } satisfies ReadRequest);
    });
  };

  return {
    /** The rows of a SELECT. */
    read: async (sql: string, parameters: readonly unknown[]) => (await send([{ sql, parameters: [...parameters] }]))[0] as unknown[],
    /** Several SELECTs on one worker, one after the other, in one round trip: each one's result, in order. */
    readAll: send,
    async close(): Promise<void> {
      closed = true;
      const stopped = Promise.all(slots.map((slot) => slot.worker?.terminate()));
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
    },
  };
}
