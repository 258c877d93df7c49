import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sqlite as BetterSqlite3 } from '../../src/database/sqlite-driver.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupSqlite, BackupError } from '../../src/cli/backup.js';
import { BACKENDS, createTestDatabase } from '../helpers/databases.js';
import { finished, runTs, startServer } from '../helpers/process.js';

const junction = (args: string[], env: Record<string, string>) => finished(runTs('src/cli/main.ts', args, env));

/** The stores' ids in a SQLite file, read as a fresh program would read that file. */
function storeIds(file: string): number[] {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT id FROM stores ORDER BY id').all() as { id: number }[]).map((row) => row.id);
  } finally {
    db.close();
  }
}

describe('junction backup', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'junction-backup-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('copies the database of a running service while it writes: consistent, verified, owner-only, one file', async () => {
    const file = path.join(dir, 'junction.db');
    const env = { DATABASE_URL: `sqlite:${file}` };
    const server = await startServer(env);
    try {
      const token = await server.adminToken();
      const create = async (name: string) => {
        const response = await fetch(`${server.url}/store`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ name }),
        });
        expect(response.status).toBe(201);
        return ((await response.json()) as { id: number }).id;
      };
      const before: number[] = [];
      for (let i = 0; i < 20; i++) before.push(await create(`before ${i}`));

      // Writes go on while the backup runs.
      let writing = true;
      const writer = (async () => {
        for (let i = 0; writing; i++) await create(`during ${i}`);
      })();
      const backup = path.join(dir, 'copy.db');
      const { code, stdout, stderr } = await junction(['backup', backup], env);
      writing = false;
      await writer;

      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(new RegExp(`^backed up ${file} to ${backup}: \\d+ pages, \\d+ bytes; integrity check: ok\\n$`));
      expect(fs.statSync(backup).mode & 0o777).toBe(0o600);
      expect(fs.readdirSync(dir).filter((name) => name.startsWith('copy.db'))).toEqual(['copy.db']);
      const copied = storeIds(backup);
      // Everything written before it began, and a consistent prefix of what came during it.
      expect(copied.slice(0, before.length)).toEqual(before);
      const live = storeIds(file);
      expect(live.slice(0, copied.length)).toEqual(copied);
      const db = new BetterSqlite3(backup, { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
      db.close();

      // A copy of the .db file alone is no backup: the latest writes are still in the -wal file. First
      // every write so far is copied into the file, so that the service's checkpoints (every 500 ms) have
      // nothing to copy while the file is copied, which would tear the copy; then a read held open from
      // before the newest write keeps them from copying that one, as any reader may.
      const checkpoint = new BetterSqlite3(file, { timeout: 5000 });
      const [done] = checkpoint.pragma('wal_checkpoint(FULL)') as { busy: number; log: number; checkpointed: number }[];
      checkpoint.close();
      expect(done).toEqual({ busy: 0, log: done!.checkpointed, checkpointed: done!.checkpointed });
      const snapshot = new BetterSqlite3(file, { readonly: true });
      snapshot.exec('BEGIN');
      snapshot.prepare('SELECT count(*) FROM stores').get();
      const newest = await create('the newest');
      const plain = path.join(dir, 'plain-copy.db');
      fs.copyFileSync(file, plain);
      snapshot.exec('COMMIT');
      snapshot.close();
      expect(storeIds(file)).toContain(newest);
      expect(storeIds(plain)).not.toContain(newest);
    } finally {
      await server.stop();
    }
  });

  it('never replaces an existing file unless told to', async () => {
    const file = path.join(dir, 'junction.db');
    expect((await junction(['migrate'], { DATABASE_URL: `sqlite:${file}` })).code).toBe(0);
    const backup = path.join(dir, 'copy.db');
    fs.writeFileSync(backup, 'an older backup');
    const refused = await junction(['backup', backup], { DATABASE_URL: `sqlite:${file}` });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${backup} exists: choose another file, or pass --overwrite`);
    expect(fs.readFileSync(backup, 'utf8')).toBe('an older backup');
    expect((await junction(['backup', backup, '--overwrite'], { DATABASE_URL: `sqlite:${file}` })).code).toBe(0);
    expect(storeIds(backup)).toEqual([]);
  });

  it('reports a copy that fails its integrity check as a failure, and leaves no file', async () => {
    const file = path.join(dir, 'damaged.db');
    const db = new BetterSqlite3(file);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); CREATE INDEX t_name ON t (name);');
    const insert = db.prepare('INSERT INTO t (name) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(`row ${i} ${'x'.repeat(50)}`);
    })();
    db.close();
    // Scribble over the middle of one page of the table: its cells no longer add up.
    const pageSize = 4096;
    const bytes = fs.readFileSync(file);
    bytes.fill(0xab, 3 * pageSize + 100, 3 * pageSize + 1000);
    fs.writeFileSync(file, bytes);

    const backup = path.join(dir, 'copy.db');
    await expect(backupSqlite(file, backup)).rejects.toThrow(/integrity check/);
    await expect(backupSqlite(file, backup)).rejects.toBeInstanceOf(BackupError);
    expect(fs.readdirSync(dir)).toEqual(['damaged.db']);
  });

  it('makes no database where there is none', async () => {
    const missing = path.join(dir, 'nothing-here.db');
    const { code, stderr } = await junction(['backup', path.join(dir, 'copy.db')], { DATABASE_URL: `sqlite:${missing}` });
    expect(code).toBe(1);
    expect(stderr).toContain(`cannot open the database ${missing}`);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it.runIf(BACKENDS.includes('postgres'))('on PostgreSQL, says to use pg_dump and shows the command, without the password', async () => {
    const testDatabase = await createTestDatabase('postgres');
    try {
      const url = new URL(testDatabase.url);
      url.password = 'hunter2';
      const { code, stdout, stderr } = await junction(['backup', 'nightly.dump'], { DATABASE_URL: url.href });
      expect(code).toBe(1);
      url.password = '';
      expect(stderr).toContain(`pg_dump --format=custom --file='nightly.dump' '${url.href}'`);
      expect(stdout + stderr).not.toContain('hunter2');
      expect(fs.existsSync('nightly.dump')).toBe(false);
    } finally {
      await testDatabase.drop();
    }
  });
});
