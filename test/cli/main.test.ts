import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { finished, runTs } from '../helpers/process.js';
import { openDatabase } from '../../src/database/connection.js';
import { verifyPassword } from '../../src/users/passwords.js';
import { userRepository } from '../../src/users/repository.js';

const junction = (args: string[], env: Record<string, string> = {}) => finished(runTs('src/cli/main.ts', args, env));

describe('junction --help', () => {
  it('lists the commands and explains each', async () => {
    const { code, stdout } = await junction(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/serve \[options\]\s+Apply pending migrations, then serve the API/);
    const serve = await junction(['serve', '--help']);
    expect(serve.stdout).toMatch(/--workers <n>\s+processes that share the port/);
    expect(stdout).toMatch(/migrate\s+Bring the database/);
    const migrate = await junction(['migrate', '--help']);
    expect(migrate.stdout).toContain('Usage: junction migrate');
  });
});

describe.each(BACKENDS)('junction migrate on %s', (backend) => {
  let testDatabase: TestDatabase;
  beforeAll(async () => {
    testDatabase = await createTestDatabase(backend);
  });
  afterAll(() => testDatabase.drop());

  it('applies the migrations once, then has nothing to apply', async () => {
    const first = await junction(['migrate'], { DATABASE_URL: testDatabase.url });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('applied 001_stores_items_tags');
    const second = await junction(['migrate'], { DATABASE_URL: testDatabase.url });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('nothing to apply');
  });

  it('shows the CREATE TABLE statements with LOG_SQL=1 on an empty database', async () => {
    const fresh = await createTestDatabase(backend);
    try {
      const { code, stdout } = await junction(['migrate'], { DATABASE_URL: fresh.url, LOG_SQL: '1' });
      expect(code).toBe(0);
      for (const table of ['stores', 'items', 'tags', 'items_tags']) {
        expect(stdout).toMatch(new RegExp(`create table \\\\"${table}\\\\"`, 'i'));
      }
    } finally {
      await fresh.drop();
    }
  });
});

(BACKENDS.includes('postgres') ? describe : describe.skip)('junction migrate on a busy PostgreSQL', () => {
  it('waits for a server that takes 1.5 s to take a connection, which a request would not (1 s)', async () => {
    const testDatabase = await createTestDatabase('postgres');
    const target = new URL(testDatabase.url);
    const sockets = new Set<net.Socket>();
    // Every new connection reaches the server only after 1.5 s, as on a machine under heavy load.
    const slow = net.createServer((client) => {
      sockets.add(client);
      client.on('error', () => undefined).pause();
      setTimeout(() => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        sockets.add(upstream);
        upstream.on('error', () => undefined);
        client.pipe(upstream).pipe(client);
        client.resume();
      }, 1500);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const viaSlow = new URL(testDatabase.url);
    viaSlow.host = `127.0.0.1:${(slow.address() as net.AddressInfo).port}`;
    try {
      const { code, stdout, stderr } = await junction(['migrate'], { DATABASE_URL: viaSlow.toString() });
      expect(code, stderr).toBe(0);
      expect(stdout).toContain('applied 001_stores_items_tags');
    } finally {
      for (const socket of sockets) socket.destroy();
      slow.close();
      await testDatabase.drop();
    }
  });
});

describe.each(BACKENDS)('junction create-admin on %s', (backend) => {
  let testDatabase: TestDatabase;
  beforeAll(async () => {
    testDatabase = await createTestDatabase(backend);
  });
  afterAll(() => testDatabase.drop());

  it('makes an admin who can then sign in, with the password from ADMIN_PASSWORD', async () => {
    const { code, stdout } = await junction(['create-admin', '--username', 'boss'], {
      DATABASE_URL: testDatabase.url,
      ADMIN_PASSWORD: 'a long admin password',
    });
    expect(code).toBe(0);
    expect(stdout).toContain('boss is an admin');
    const database = openDatabase(testDatabase.config);
    try {
      const account = await userRepository(database).account('boss');
      expect(account?.isAdmin).toBe(true);
      expect(await verifyPassword('a long admin password', account?.passwordHash)).toBe(true);
    } finally {
      await database.close();
    }
  });

  it('refuses without a password, and never takes one on the command line', async () => {
    const { code, stderr } = await junction(['create-admin', '--username', 'nopass'], { DATABASE_URL: testDatabase.url });
    expect(code).toBe(1);
    expect(stderr).toContain('needs --username');
    const help = await junction(['create-admin', '--help']);
    expect(help.stdout).not.toMatch(/--password/);
  });
});
