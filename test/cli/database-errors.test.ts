import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, POSTGRES_ADMIN_URL } from '../helpers/databases.js';
import { finished, runTs, SERVICE_ENV } from '../helpers/process.js';

const run = (entry: string, args: string[], url: string, options?: { uid?: number; gid?: number }) =>
  finished(runTs(entry, args, { ...SERVICE_ENV, DATABASE_URL: url, HOME: os.tmpdir() }, options));
const migrate = (url: string, options?: { uid?: number; gid?: number }) => run('src/cli/main.ts', ['migrate'], url, options);

/** The commands that open the database first, and the service's own entry point. */
const STARTS: [string, string, string[]][] = [
  ['junction migrate', 'src/cli/main.ts', ['migrate']],
  ['junction serve', 'src/cli/main.ts', ['serve']],
  ['junction seed', 'src/cli/main.ts', ['seed']],
  ['npm start', 'src/server.ts', []],
];

/** Fails unless the process stopped with exit code 1 and one line of error that matches `message`. */
function expectRefusal(result: { code: number | null; stderr: string }, message: string | RegExp) {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stderr.trimEnd().split('\n'), result.stderr).toHaveLength(1);
  expect(result.stderr).toMatch(message);
}

describe.each(STARTS)('%s with a PostgreSQL that cannot be reached', (_, entry, args) => {
  it('says where (never the password) and why, instead of a failed migration', async () => {
    const result = await run(entry, args, 'postgres://junction:hunter2@127.0.0.1:1/catalog');
    expectRefusal(result, 'junction: PostgreSQL at 127.0.0.1:1/catalog could not be reached: connection refused (ECONNREFUSED)');
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).not.toContain('migration');
  });
});

describe('junction migrate with a PostgreSQL host that does not exist', () => {
  it('says there is no such host', async () => {
    expectRefusal(
      await migrate('postgres://junction@no-such-host.invalid/catalog'),
      'junction: PostgreSQL at no-such-host.invalid:5432/catalog could not be reached: no such host (ENOTFOUND)',
    );
  });
});

describe.runIf(BACKENDS.includes('postgres'))('junction migrate with a PostgreSQL that turns the connection away', () => {
  const server = new URL(POSTGRES_ADMIN_URL);
  const target = `${server.hostname}:${server.port || 5432}`;

  it('names a database that does not exist', async () => {
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = '/junction_no_such_database';
    expectRefusal(
      await migrate(url.toString()),
      `junction: PostgreSQL at ${target}/junction_no_such_database could not be reached: ` +
        'database "junction_no_such_database" does not exist (SQLSTATE 3D000)',
    );
  });

  it('says that authentication failed, for a user the server does not know', async () => {
    const url = new URL(POSTGRES_ADMIN_URL);
    url.username = 'junction_no_such_role';
    url.password = 'hunter2';
    const result = await migrate(url.toString());
    expectRefusal(
      result,
      new RegExp(`PostgreSQL at ${target}/\\S+ could not be reached: authentication failed: .*"junction_no_such_role"`),
    );
    expect(result.stderr).not.toContain('hunter2');
  });
});

describe('a SQLite path that cannot work', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'junction-paths-'));
    // The ordinary user below must be able to reach the folder it may not write in.
    fs.chmodSync(dir, 0o755);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a database, and not a folder either\n');
    fs.mkdirSync(path.join(dir, 'read-only'), { mode: 0o555 });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(STARTS)('%s names the path and the reason: a regular file where a folder should be', async (_, entry, args) => {
    const file = path.join(dir, 'notes.txt', 'junction.db');
    expectRefusal(
      await run(entry, args, `sqlite:${file}`),
      `junction: the SQLite database ${file} cannot be opened: ${dir}/notes.txt is not a folder`,
    );
  });

  it("names the folder that cannot be made, and stops (Node's recursive mkdir never returns under /proc)", async () => {
    expectRefusal(
      await migrate('sqlite:/proc/junction/junction.db'),
      'junction: the SQLite database /proc/junction/junction.db cannot be opened: ' +
        'cannot create the folder /proc/junction: no such file or directory (ENOENT)',
    );
  });

  it('says a folder is a folder, and a file that is not a database is not one', async () => {
    expectRefusal(await migrate(`sqlite:${dir}`), `junction: the SQLite database ${dir} cannot be opened: it is a folder`);
    expectRefusal(
      await migrate(`sqlite:${dir}/notes.txt`),
      `junction: the SQLite database ${dir}/notes.txt cannot be used: file is not a database (SQLITE_NOTADB)`,
    );
  });

  it('names a folder the user may not write in (WAL keeps its files beside the database)', async () => {
    // Root writes anywhere: the command then runs as an ordinary user.
    const ordinary = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
    const readOnly = path.join(dir, 'read-only');
    expectRefusal(
      await migrate(`sqlite:${readOnly}/junction.db`, ordinary),
      `junction: the SQLite database ${readOnly}/junction.db cannot be opened: ` +
        `the folder ${readOnly} is not writable: permission denied (EACCES)`,
    );
    expectRefusal(
      await migrate(`sqlite:${readOnly}/more/junction.db`, ordinary),
      `cannot create the folder ${readOnly}/more: permission denied (EACCES)`,
    );
  });
});
