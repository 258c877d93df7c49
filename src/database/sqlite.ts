import fs from 'node:fs';
import path from 'node:path';
import { Sqlite as BetterSqlite3 } from './sqlite-driver.js';
import { sql, type Kysely } from 'kysely';
import { sqliteBusy } from './errors.js';
import { prepareSqliteFile } from './sqlite-file.js';
import { cachingStatements } from './sqlite-statements.js';
import { sqliteWriter } from './sqlite-writer.js';
import { DatabaseUnavailable } from './unavailable.js';
import { BACKSTOP_PAGES, walCheckpoints } from './wal-checkpoints.js';

/** Below this much free space beside the file, the service says it is not ready for writes. */
const MIN_FREE_BYTES = 16 * 1024 * 1024;

/** How long opening a file waits for other processes that open it at the same moment. */
const OPEN_WAIT_MS = 10_000;

/**
 * Puts the file in WAL mode. Processes that do so at the same moment on a new file (instances or
 * workers starting together) each want the other's lock, and SQLite fails one of them at once rather
 * than deadlock: that one tries again after a pause. The pause blocks, but nothing is served yet.
 */
function enterWal(raw: BetterSqlite3): void {
  const deadline = Date.now() + OPEN_WAIT_MS;
  for (;;) {
    try {
      raw.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if (!sqliteBusy(error) || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

/**
 * A SQLite file (or `:memory:`): WAL, copied back into the file by a worker thread (`walCheckpoints`),
 * foreign keys on, and a writer that never waits on the event loop (see `sqliteWriter`). The reads of the latest committed state go through a read-only
 * connection of their own (`openReader`), which the caller opens once Kysely is there.
 */
export function openSqlite(file: string, waitMs: number, minFreeBytes = MIN_FREE_BYTES) {
  if (file !== ':memory:') prepareSqliteFile(file);
  const raw = new BetterSqlite3(file);
  enterWal(raw);
  raw.pragma('busy_timeout = 0');
  raw.pragma('foreign_keys = ON');
  raw.pragma('synchronous = NORMAL');
  const folder = path.dirname(path.resolve(file));
  const checkpoints = file === ':memory:' ? undefined : walCheckpoints(file);
  if (checkpoints) raw.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  return {
    dialect: sqliteWriter(raw, cachingStatements(raw), waitMs),
    /** Stops the checkpoint worker (the writer's close then checkpoints what is left). */
    close: async () => checkpoints?.close(),
    /** Takes the write lock and lets it go, and checks that the disk has room. */
    async writable<T>(db: Kysely<T>): Promise<void> {
      if (file !== ':memory:') {
        const { bavail, bsize } = await fs.promises.statfs(folder);
        if (bavail * bsize < minFreeBytes) throw new DatabaseUnavailable(`the disk of ${folder} is full`);
      }
      await db.transaction().execute(async (trx) => {
        await sql`SELECT 1`.execute(trx);
      });
    },
  };
}
