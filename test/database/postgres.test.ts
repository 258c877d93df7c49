import net from 'node:net';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/database/connection.js';
import { migrateToLatest } from '../../src/database/migrate.js';
import { prepared } from '../../src/database/prepared.js';
import { startTestApp, stopTestApp, TEST_SECRET, type TestApp } from '../helpers/app.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { call } from '../helpers/requests.js';

const onPostgres = BACKENDS.includes('postgres') ? describe : describe.skip;

/** A client of the test database of its own: the "other session" that holds locks or ends backends. */
async function outsideSession(database: TestDatabase) {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  return client;
}

const expect503 = (reply: { status: number; headers: Record<string, unknown>; body: unknown }, label = '') => {
  expect(reply.status, label).toBe(503);
  expect(reply.headers['retry-after'], label).toBe('1');
  expect(reply.body, label).toEqual({ code: 503, status: 'Service Unavailable', message: expect.any(String) });
};

onPostgres('PostgreSQL faults', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('postgres');
  });
  afterAll(async () => {
    await stopTestApp(t);
  });

  it('a connection ended by the server while requests use it: those answer 503, the process lives, the next succeed', async () => {
    const store = (await call(t.app, 'POST', '/store', { name: 'Terminated' })).body;
    const outside = await outsideSession(t.testDatabase);
    try {
      // Requests in flight on every pooled connection while the server ends them all.
      const inFlight = Array.from({ length: 40 }, () => call(t.app, 'GET', `/store/${store.id}`));
      await outside.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      for (const reply of await Promise.all(inFlight)) {
        if (reply.status !== 200) expect503(reply, 'in flight');
      }
      // Idle pooled connections were ended too: the pool replaces them at once.
      const started = Date.now();
      let reply = await call(t.app, 'GET', `/store/${store.id}`);
      while (reply.status !== 200 && Date.now() - started < 1000) reply = await call(t.app, 'GET', `/store/${store.id}`);
      expect(reply.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1000);
      expect((await call(t.app, 'GET', '/health')).status).toBe(200);
    } finally {
      await outside.end();
    }
  });

  it('a row lock held by another session: the write waiting for it answers 503 within 2 s, unrelated requests go on', async () => {
    const store = (await call(t.app, 'POST', '/store', { name: 'Locked' })).body;
    const other = (await call(t.app, 'POST', '/store', { name: 'Unrelated' })).body;
    const outside = await outsideSession(t.testDatabase);
    try {
      await outside.query('BEGIN');
      await outside.query('SELECT id FROM stores WHERE id = $1 FOR UPDATE', [store.id]);
      const started = Date.now();
      const blocked = call(t.app, 'DELETE', `/store/${store.id}`);
      expect((await call(t.app, 'GET', `/store/${other.id}`)).status).toBe(200);
      expect((await call(t.app, 'GET', '/health')).status).toBe(200);
      expect503(await blocked);
      expect(Date.now() - started).toBeLessThan(2000);
      await outside.query('ROLLBACK');
      expect((await call(t.app, 'DELETE', `/store/${store.id}`)).status).toBe(200);
    } finally {
      await outside.end();
    }
  });
});

onPostgres('PostgreSQL saturated and stopped', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const migrating = openDatabase(database.config);
    await migrateToLatest(migrating.db);
    await migrating.close();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('a statement past its timeout answers 503; a full pool makes the next request 503 within 2 s, and /health stays 200', async () => {
    const opened = openDatabase(database.config, { poolSize: 1, statementTimeoutMs: 300, waitMs: 500 });
    const app = await buildApp({ database: opened, secret: TEST_SECRET });
    const outside = await outsideSession(database);
    try {
      await outside.query(`INSERT INTO users (username, password_hash, is_admin) VALUES ('x', 'x', false)`);
      await outside.query(`INSERT INTO stores (name, owner_id) VALUES ('Slow', 1)`);
      await outside.query('BEGIN');
      await outside.query('LOCK TABLE stores IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      // The one pooled connection waits on the lock; the second request waits for the connection.
      const [first, second] = await Promise.all([call(app, 'GET', '/store/1'), call(app, 'GET', '/heroes/1')]);
      expect503(first, 'lock wait past the timeout');
      expect([503, 404]).toContain(second.status);
      expect(Date.now() - started).toBeLessThan(2000);
      expect((await call(app, 'GET', '/health')).status).toBe(200);
      await outside.query('ROLLBACK');
      expect((await call(app, 'GET', '/store/1')).status).toBe(200);
    } finally {
      await outside.end();
      await app.close();
      await opened.close();
    }
  });

  it('a server that stops answering: 503 within 2 s and /health 503; once it is back, requests succeed within a second', async () => {
    // The service reaches PostgreSQL through a port that this test closes and opens again.
    const target = new URL(database.url);
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('error', () => undefined).on('close', () => sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as net.AddressInfo).port;
    const viaProxy = new URL(database.url);
    viaProxy.host = `127.0.0.1:${port}`;
    const opened = openDatabase({ kind: 'postgres', url: viaProxy.toString() });
    const app = await buildApp({ database: opened, secret: TEST_SECRET });
    try {
      expect((await call(app, 'GET', '/heroes')).status).toBe(200);

      await new Promise<void>((resolve) => {
        proxy.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      for (const url of ['/heroes', '/store/1', '/health', '/health/ready']) {
        const started = Date.now();
        expect503(await call(app, 'GET', url), url);
        expect(Date.now() - started, url).toBeLessThan(2000);
      }

      await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
      const back = Date.now();
      let reply = await call(app, 'GET', '/heroes');
      while (reply.status !== 200 && Date.now() - back < 1000) reply = await call(app, 'GET', '/heroes');
      expect(reply.status).toBe(200);
      expect((await call(app, 'GET', '/health')).status).toBe(200);
      expect((await call(app, 'GET', '/health/ready')).status).toBe(200);
    } finally {
      await app.close();
      await opened.close();
      for (const socket of sockets) socket.destroy();
      proxy.close();
    }
  });
});

onPostgres('the PostgreSQL pool as configured (DATABASE_POOL_SIZE, DATABASE_PREPARED_STATEMENTS)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const migrating = openDatabase(database.config);
    await migrateToLatest(migrating.db);
    await migrating.close();
  });
  afterAll(() => database.drop());

  /** The statements prepared by name on the pool's one connection, after a compile-once query ran on it. */
  async function namedAfterAQuery(preparedStatements: boolean): Promise<string[]> {
    if (database.config.kind !== 'postgres') throw new Error('a PostgreSQL database');
    const opened = openDatabase({ ...database.config, poolSize: 1, preparedStatements });
    try {
      const { db } = opened;
      const byName = prepared(opened, (name: string) => db.selectFrom('stores').select('id').where('name', '=', name));
      await byName('anything');
      const { rows } = await sql<{ name: string }>`SELECT name FROM pg_prepared_statements`.execute(db);
      return rows.map((row) => row.name);
    } finally {
      await opened.close();
    }
  }

  it('prepares the compile-once queries by name, unless told not to (a pooler in transaction mode)', async () => {
    expect(await namedAfterAQuery(true)).toEqual([expect.stringMatching(/^junction_\d+$/)]);
    expect(await namedAfterAQuery(false)).toEqual([]);
  });

  it('opens at most the configured number of connections for requests', async () => {
    if (database.config.kind !== 'postgres') throw new Error('a PostgreSQL database');
    const opened = openDatabase({ ...database.config, poolSize: 2 });
    try {
      const backends = await Promise.all(
        Array.from({ length: 6 }, async () => {
          const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid, pg_sleep(0.1)`.execute(opened.db);
          return rows[0]!.pid;
        }),
      );
      expect(new Set(backends).size).toBe(2);
    } finally {
      await opened.close();
    }
  });
});
