import fs from 'node:fs';
import path from 'node:path';
import { Sqlite as BetterSqlite3 } from '../database/sqlite-driver.js';

export class BackupError extends Error {
  override name = 'BackupError';
}

export interface BackupResult {
  source: string;
  destination: string;
  pages: number;
  bytes: number;
}

/** The copy's `PRAGMA integrity_check`, which answers the single row `ok` when nothing is wrong. */
function integrityProblems(file: string): string[] {
  const copy = new BetterSqlite3(file, { fileMustExist: true });
  try {
    // A copy is one file: no -wal beside it to lose.
    copy.pragma('journal_mode = DELETE');
    const rows = copy.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((row) => row.integrity_check).filter((line) => line !== 'ok');
  } finally {
    copy.close();
  }
}

/**
 * A consistent copy of the SQLite database `source` while the service may be writing to it: SQLite's
 * online backup (better-sqlite3's `backup`), in one step, so that it reads one snapshot (in WAL mode the
 * writer goes on meanwhile) and is never restarted by a write. The copy goes to a new file beside
 * `destination`, owner-only (0600), is checked with `PRAGMA integrity_check`, and only then takes the name
 * `destination`: a failed backup leaves nothing that looks like one. An existing `destination` is
 * replaced only with `overwrite`.
 */
export async function backupSqlite(source: string, destination: string, { overwrite = false } = {}): Promise<BackupResult> {
  if (source === ':memory:') throw new BackupError('an in-memory database has nothing to back up');
  const target = path.resolve(destination);
  if (path.resolve(source) === target) throw new BackupError('the backup cannot be the database itself');
  if (!overwrite && fs.existsSync(target)) throw new BackupError(`${target} exists: choose another file, or pass --overwrite`);
  let database: BetterSqlite3;
  try {
    database = new BetterSqlite3(source, { fileMustExist: true });
  } catch (error) {
    throw new BackupError(`cannot open the database ${path.resolve(source)}: ${(error as Error).message}`);
  }
  const partial = `${target}.partial-${process.pid}`;
  try {
    // A service holding the write lock for a moment (a checkpoint) is waited for, not failed on.
    database.pragma('busy_timeout = 5000');
    fs.writeFileSync(partial, '', { mode: 0o600, flag: 'wx' });
    const { totalPages } = await database.backup(partial, { progress: () => 0x7fffffff });
    const problems = integrityProblems(partial);
    if (problems.length > 0) throw new BackupError(`the copy failed its integrity check: ${problems.slice(0, 5).join('; ')}`);
    fs.renameSync(partial, target);
    return { source: path.resolve(source), destination: target, pages: totalPages, bytes: fs.statSync(target).size };
  } catch (error) {
    fs.rmSync(partial, { force: true });
    if (error instanceof BackupError) throw error;
    throw new BackupError(`the backup failed: ${(error as Error).message}`);
  } finally {
    database.close();
  }
}

/**
 * What to run instead on PostgreSQL: pg_dump of the same database (its custom format, which
 * pg_restore reads), with the connection's password left out of the command (pg_dump asks for it, or
 * takes it from PGPASSWORD or ~/.pgpass).
 */
export function pgDumpCommand(url: string, destination: string): string {
  const withoutPassword = new URL(url);
  withoutPassword.password = '';
  const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
  return `pg_dump --format=custom --file=${quote(destination)} ${quote(withoutPassword.href)}`;
}
