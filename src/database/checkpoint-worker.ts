import { parentPort, workerData } from 'node:worker_threads';
import { sqliteBusy } from './errors.js';
import { Sqlite as BetterSqlite3 } from './sqlite-driver.js';

/** What the checkpoint worker is given: the file, and how often to copy its WAL back. */
export interface CheckpointWork {
  file: string;
  everyMs: number;
}

/**
 * The checkpoint worker: a connection of its own that copies the WAL's committed pages into the
 * database file, PASSIVE (it waits for no reader or writer, and none waits for it; what it cannot copy
 * now it copies next time). A checkpoint writes and syncs the file: here, not in a writer's COMMIT on the
 * event loop.
 */
const { file, everyMs } = workerData as CheckpointWork;
const connection = new BetterSqlite3(file);
connection.pragma('busy_timeout = 0');
const checkpoint = () => {
  try {
    connection.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    // Another connection's checkpoint is under way (SQLITE_BUSY): this one's turn comes next time.
    if (!sqliteBusy(error)) throw error;
  }
};
const timer = setInterval(checkpoint, everyMs);
parentPort?.on('message', (message: 'stop') => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  connection.close();
  parentPort?.close();
});
