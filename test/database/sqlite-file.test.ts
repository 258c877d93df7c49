import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMigrated } from '../../src/database/migrate.js';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('a new SQLite database', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'junction-file-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('is readable by its owner only, with its -wal and -shm files, in folders only its owner may enter', async () => {
    const file = path.join(root, 'data', 'nested', 'junction.db');
    // Whatever the process's umask lets through otherwise.
    const umask = process.umask(0o002);
    try {
      const { database } = await openMigrated({ kind: 'sqlite', path: file });
      try {
        expect(fs.existsSync(`${file}-wal`)).toBe(true);
        for (const each of [file, `${file}-wal`, `${file}-shm`]) expect(mode(each), each).toBe(0o600);
        expect(mode(path.join(root, 'data'))).toBe(0o700);
        expect(mode(path.dirname(file))).toBe(0o700);
      } finally {
        await database.close();
      }
    } finally {
      process.umask(umask);
    }
  });

  it('leaves an existing file and folder as their owner set them', async () => {
    const file = path.join(root, 'shared.db');
    fs.writeFileSync(file, '', { mode: 0o640 });
    fs.chmodSync(file, 0o640);
    const { database } = await openMigrated({ kind: 'sqlite', path: file });
    await database.close();
    expect(mode(file)).toBe(0o640);
  });
});
