import type { CheckpointWork } from './checkpoint-worker.js';
import { startWorkerThread } from './worker-thread.js';

/** How often the WAL is copied back into the database file. */
const EVERY_MS = 500;
/** How long closing waits for a last checkpoint. */
const CLOSE_WAIT_MS = 2000;

/**
 * SQLite copies its WAL back into the database file in a checkpoint, which it runs inside the COMMIT
 * that takes the WAL past `wal_autocheckpoint` pages: on the writer, so on the event loop, with the
 * file's sync — hundreds of milliseconds under a stream of writes, during which no request is answered.
 * Here a worker thread checkpoints every `everyMs` instead (`checkpoint-worker.ts`), and the writer's own
 * checkpoints only start past a larger WAL (`BACKSTOP_PAGES`), should the worker fall behind or stop.
 */
export function walCheckpoints(file: string, everyMs = EVERY_MS) {
  const worker = startWorkerThread('checkpoint-worker', { file, everyMs } satisfies CheckpointWork);
  worker.unref();
  let running = true;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  void exited.then(() => {
    running = false;
  });
  // A checkpoint that fails (an I/O error) stops the worker; the writer's backstop checkpoints take over.
  worker.on('error', () => undefined);
  return {
    /** Stops the worker after a last checkpoint. */
    async close(): Promise<void> {
      if (!running) return;
      // Held now, so that a process with nothing else to do waits for the last checkpoint.
      worker.ref();
      worker.postMessage('stop');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
      clearTimeout(timer);
      if (running) await worker.terminate();
    },
  };
}

/** The writer's own automatic checkpoints start past this many WAL pages (16 MiB of 4 KiB pages). */
export const BACKSTOP_PAGES = 4096;
