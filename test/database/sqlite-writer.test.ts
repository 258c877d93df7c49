import { Sqlite as BetterSqlite3 } from '../../src/database/sqlite-driver.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openDatabase, type Database } from '../../src/database/connection.js';
import type { App } from '../../src/http/app-types.js';
import { startTestApp, stopTestApp, TEST_SECRET, type TestApp } from '../helpers/app.js';
import { call } from '../helpers/requests.js';
import { longestStall } from '../helpers/event-loop.js';

describe('a SQLite file locked from outside', () => {
  let t: TestApp;
  let outside: BetterSqlite3;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
    outside = new BetterSqlite3(t.testDatabase.config.kind === 'sqlite' ? t.testDatabase.config.path : '');
  });
  afterAll(async () => {
    outside.close();
    await stopTestApp(t);
  });

  it('reads and /health go on at once, writes answer 503 within 2 s, and nothing waits on the event loop', async () => {
    const store = (await call(t.app, 'POST', '/store', { name: 'Held' })).body;
    outside.exec('BEGIN IMMEDIATE');
    try {
      const stall = await longestStall(async () => {
        const started = Date.now();
        const writes = Promise.all([
          call(t.app, 'POST', '/store', { name: 'Blocked' }),
          call(t.app, 'DELETE', `/store/${store.id}`),
          call(t.app, 'POST', '/heroes', { name: 'Blocked', secret_name: 'Hero' }),
        ]);
        for (let i = 0; i < 20; i++) {
          const readStarted = performance.now();
          expect((await call(t.app, 'GET', `/store/${store.id}`)).status).toBe(200);
          expect((await call(t.app, 'GET', '/health')).status).toBe(200);
          // Loose bounds: what they rule out is a wait for the lock, which would last until the ROLLBACK.
          expect(performance.now() - readStarted).toBeLessThan(500);
        }
        for (const reply of await writes) {
          expect(reply.status).toBe(503);
          expect(reply.headers['retry-after']).toBe('1');
          expect(reply.body).toEqual({ code: 503, status: 'Service Unavailable', message: expect.any(String) });
        }
        expect(Date.now() - started).toBeLessThan(2000);
      });
      expect(stall).toBeLessThan(500);
    } finally {
      outside.exec('ROLLBACK');
    }
    // Nothing half-done, and writes work again once the lock is gone.
    expect((await call(t.app, 'GET', '/store')).body.map((s: { name: string }) => s.name)).toEqual(['Held']);
    expect((await call(t.app, 'POST', '/store', { name: 'After' })).status).toBe(201);
  });

  it('is live but not ready while the lock is held, and ready again once it goes', async () => {
    outside.exec('BEGIN IMMEDIATE');
    try {
      expect((await call(t.app, 'GET', '/health/live')).status).toBe(200);
      const ready = await call(t.app, 'GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.headers['retry-after']).toBe('1');
      expect(ready.body).toEqual({ code: 503, status: 'Service Unavailable', message: 'The database takes no writes.' });
    } finally {
      outside.exec('ROLLBACK');
    }
    expect((await call(t.app, 'GET', '/health/ready')).status).toBe(200);
  });

  it('a write waits its turn while the lock is held briefly, and then succeeds', async () => {
    outside.exec('BEGIN IMMEDIATE');
    const released = new Promise((resolve) => setTimeout(resolve, 300)).then(() => outside.exec('ROLLBACK'));
    const reply = await call(t.app, 'POST', '/store', { name: 'Patient' });
    await released;
    expect(reply.status).toBe(201);
  });
});

describe('two instances on one SQLite file', () => {
  let first: TestApp;
  let second: { app: App; database: Database };
  beforeAll(async () => {
    first = await startTestApp('sqlite');
    const database = openDatabase(first.testDatabase.config);
    const app = await buildApp({ database, secret: TEST_SECRET });
    second = { app, database };
  });
  afterAll(async () => {
    await second.app.close();
    await second.database.close();
    await stopTestApp(first);
  });

  it('conflicting writes from both take turns and all succeed: none fails at once with "database is locked"', async () => {
    const apps = [first.app, second.app];
    const stores = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(apps[i % 2]!, 'POST', '/store', { name: `Shared ${i}` }, { token: first.admin.access })),
    );
    expect(stores.map((reply) => reply.status)).toEqual(Array(20).fill(201));
    // Store deletes are transactions that write: they begin IMMEDIATE, so none upgrades a read and fails.
    const deletes = await Promise.all(
      stores.map((reply, i) => call(apps[(i + 1) % 2]!, 'DELETE', `/store/${reply.body.id}`, undefined, { token: first.admin.access })),
    );
    expect(deletes.map((reply) => reply.status)).toEqual(Array(20).fill(200));
    expect((await call(second.app, 'GET', '/store')).body).toEqual([]);
  });
});
