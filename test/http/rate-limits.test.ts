import { Sqlite as BetterSqlite3 } from '../../src/database/sqlite-driver.js';
import pg from 'pg';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { databaseRateLimits, type Hits } from '../../src/http/rate-limits.js';
import { useTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';

/** A sign-in attempt from a client address, without a token. */
const attempt = (t: TestApp, remoteAddress: string) =>
  t.app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress,
    payload: { username: 'nobody', password: 'guess' },
    headers: { authorization: undefined },
  });

/** Holds the database's lock on the rate-limit row of `key` (PostgreSQL) or its write lock (SQLite) until released. */
async function holdLock(t: TestApp, key: string): Promise<() => Promise<void>> {
  const { config } = t.testDatabase;
  if (config.kind === 'sqlite') {
    const outside = new BetterSqlite3(config.path);
    outside.exec('BEGIN IMMEDIATE');
    return async () => {
      outside.exec('ROLLBACK');
      outside.close();
    };
  }
  const outside = new pg.Client({ connectionString: config.url });
  await outside.connect();
  await outside.query('BEGIN');
  await outside.query('SELECT key FROM rate_limits WHERE key = $1 FOR UPDATE', [key]);
  return async () => {
    await outside.query('ROLLBACK');
    await outside.end();
  };
}

describe.each(BACKENDS)('the sign-in rate limit counted in the database on %s', (backend) => {
  const t = useTestApp(backend, { authRateLimit: 2 });
  const limits = () => databaseRateLimits(t.database);
  const row = (key: string) => t.database.db.selectFrom('rate_limits').selectAll().where('key', '=', key).executeTakeFirst();

  /** Counts a hit on `key` with the plugin's store interface. */
  const hit = (store: InstanceType<ReturnType<typeof limits>['Store']>, key: string, windowMs: number) =>
    new Promise<Hits>((resolve, reject) => store.incr(key, (error, hits) => (error ? reject(error) : resolve(hits!)), windowMs));

  it('keeps one row per route and client address: its hits, and when its minute ends', async () => {
    const before = Date.now();
    for (let i = 0; i < 3; i++) await attempt(t, '198.51.100.10');
    const counted = await row('POST /login 198.51.100.10');
    expect(counted?.hits).toBe(3);
    expect(Number(counted?.resets_at)).toBeGreaterThan(before + 59_000);
    expect(Number(counted?.resets_at)).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it('runs one statement per limited request, a refused one included', async () => {
    const address = '198.51.100.11';
    for (let i = 0; i < 2; i++) await attempt(t, address);
    const before = t.statements();
    const refused = await attempt(t, address);
    expect(refused.statusCode).toBe(429);
    expect(t.statements() - before).toBe(1);
  });

  it('starts a new window when the last has ended, as the in-memory store did', async () => {
    const store = new (limits().Store)();
    expect((await hit(store, 'window', 300)).current).toBe(1);
    const second = await hit(store, 'window', 300);
    expect(second.current).toBe(2);
    expect(second.ttl).toBeGreaterThan(0);
    expect(second.ttl).toBeLessThanOrEqual(300);
    await delay(350);
    const next = await hit(store, 'window', 300);
    expect(next).toEqual({ current: 1, ttl: 300 });
  });

  it('counts hits that arrive at once exactly once each', async () => {
    const store = new (limits().Store)();
    const counts = await Promise.all(Array.from({ length: 40 }, () => hit(store, 'together', 60_000)));
    expect(counts.map((c) => c.current).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect((await row('together'))?.hits).toBe(40);
  });

  it('counts each route apart', async () => {
    const store = new (limits().Store)();
    const login = store.child({ routeInfo: { method: 'POST', url: '/login' } });
    const register = store.child({ routeInfo: { method: 'POST', url: '/register' } });
    await hit(login, '198.51.100.12', 60_000);
    expect((await hit(register, '198.51.100.12', 60_000)).current).toBe(1);
  });

  it('purges the windows that have ended, and keeps the others', async () => {
    const now = Date.now();
    await t.database.db
      .insertInto('rate_limits')
      .values([
        { key: 'ended long ago', hits: 5, resets_at: now - 3_600_000 },
        { key: 'ended just now', hits: 5, resets_at: now },
        { key: 'still counting', hits: 5, resets_at: now + 30_000 },
      ])
      .execute();
    await limits().purge(now);
    expect(await row('ended long ago')).toBeUndefined();
    expect(await row('ended just now')).toBeUndefined();
    expect((await row('still counting'))?.hits).toBe(5);
  });

  it('answers 503 with Retry-After, in the envelope, when the database cannot count in time (neither 500 nor unlimited)', async () => {
    const address = '198.51.100.13';
    await attempt(t, address);
    const release = await holdLock(t, `POST /login ${address}`);
    try {
      const started = Date.now();
      const refused = await attempt(t, address);
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json()).toEqual({ code: 503, status: 'Service Unavailable', message: expect.any(String) });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await release();
    }
    expect((await attempt(t, address)).statusCode).toBe(401);
  });
});
