import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, stopTestApp, type TestApp } from '../helpers/app.js';
import { REDIS_ANSWERS, TEST_REDIS_URL } from '../helpers/redis.js';

/** A client address no other run of these tests uses (Redis is shared): its own IPv6 /64. */
const newAddress = () => `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::1`;

const attempt = (t: TestApp, remoteAddress: string) =>
  t.app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress,
    payload: { username: 'nobody', password: 'guess' },
    headers: { authorization: undefined },
  });

(REDIS_ANSWERS ? describe : describe.skip)('the sign-in rate limit counted in Redis (REDIS_URL)', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await startTestApp('sqlite', { authRateLimit: 2, redisUrl: TEST_REDIS_URL });
    second = await startTestApp('sqlite', { authRateLimit: 2, redisUrl: TEST_REDIS_URL });
  });
  afterAll(async () => {
    await stopTestApp(first);
    await stopTestApp(second);
  });

  it('counts across every instance that uses it, and refuses past the limit with 429 and Retry-After', async () => {
    const address = newAddress();
    expect((await attempt(first, address)).statusCode).toBe(401);
    expect((await attempt(second, address)).statusCode).toBe(401);
    const refused = await attempt(first, address);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({ code: 429, status: 'Too Many Requests', message: expect.any(String) });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await attempt(second, newAddress())).statusCode).toBe(401);
  });

  it('writes nothing to the database for the count', async () => {
    const address = newAddress();
    for (let i = 0; i < 2; i++) await attempt(first, address);
    const before = first.statements();
    expect((await attempt(first, address)).statusCode).toBe(429);
    expect(first.statements() - before).toBe(0);
    expect(await first.database.db.selectFrom('rate_limits').selectAll().execute()).toEqual([]);
  });
});

describe('the sign-in rate limit when Redis does not answer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { authRateLimit: 2, redisUrl: 'redis://127.0.0.1:1' });
  });
  afterAll(() => stopTestApp(t));

  it('answers 503 with Retry-After within 2 s, in the envelope: the limited routes are not left unlimited', async () => {
    const started = Date.now();
    const refused = await attempt(t, newAddress());
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toEqual({ code: 503, status: 'Service Unavailable', message: expect.any(String) });
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await t.app.inject({ method: 'GET', url: '/store' })).statusCode).toBe(200);
  });
});
