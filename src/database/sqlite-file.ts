import fs from 'node:fs';
import path from 'node:path';
import { DatabaseConnectionError, systemReason } from './connection-errors.js';

const cannotOpen = (file: string, reason: string) => new DatabaseConnectionError(`the SQLite database ${file} cannot be opened: ${reason}`);

/** The nearest of `folder` and its parents that exists, its kind, and the folders below it that do not, top first. */
function existingAncestor(file: string, folder: string) {
  const missing: string[] = [];
  for (let current = folder; ; current = path.dirname(current)) {
    try {
      return { existing: current, isFolder: fs.statSync(current).isDirectory(), missing };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: the path runs through a regular file, which the walk up then finds.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw cannotOpen(file, `${current}: ${systemReason(error as NodeJS.ErrnoException)}`);
      missing.unshift(current);
    }
  }
}

/**
 * Makes the folder of `file` one level at a time: Node's recursive mkdir never returns when a parent
 * exists but cannot hold folders (anything under /proc), and this way the failing folder is named.
 * Folders it makes are its owner's only: they hold the data.
 */
function makeFolder(file: string, folder: string): void {
  const { existing, isFolder, missing } = existingAncestor(file, folder);
  if (!isFolder) throw cannotOpen(file, `${existing} is not a folder`);
  for (const child of missing) {
    try {
      fs.mkdirSync(child, { mode: 0o700 });
    } catch (error) {
      // Another process starting at the same time may have made it first.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(child).isDirectory()) continue;
      throw cannotOpen(file, `cannot create the folder ${child}: ${systemReason(error as NodeJS.ErrnoException)}`);
    }
  }
}

/**
 * Makes sure SQLite can use `file`: its folder exists (made if need be) and takes new files (WAL keeps
 * two beside the database), and the file opens for writing (made empty if new, which SQLite reads as
 * an empty database). A path that cannot work fails here, naming the path and the reason, instead of
 * SQLite's bare "unable to open database file". A new file is its owner's only (0600), and so are the
 * `-wal` and `-shm` files SQLite makes beside it, which take the database file's permissions.
 */
export function prepareSqliteFile(file: string): void {
  const folder = path.dirname(path.resolve(file));
  makeFolder(file, folder);
  try {
    fs.accessSync(folder, fs.constants.W_OK);
  } catch (error) {
    throw cannotOpen(file, `the folder ${folder} is not writable: ${systemReason(error as NodeJS.ErrnoException)}`);
  }
  try {
    fs.closeSync(fs.openSync(file, 'a', 0o600));
  } catch (error) {
    const problem = error as NodeJS.ErrnoException;
    if (problem.code === 'EISDIR') throw cannotOpen(file, 'it is a folder');
    throw cannotOpen(file, `${fs.existsSync(file) ? 'cannot write it' : 'cannot create it'}: ${systemReason(problem)}`);
  }
}
