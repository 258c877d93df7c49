import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/database/connection.js';
import { migrations } from '../src/database/migrations/index.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from './helpers/databases.js';
import { startService, type Running } from './helpers/process.js';

/**
 * Two instances of the service on one database (on one machine: one SQLite file, or one PostgreSQL
 * database), behind a proxy at 127.0.0.1 that says who the client is. Requests alternate between them.
 */
describe.each(BACKENDS)('two instances on one %s database behave as one service', (backend) => {
  let database: TestDatabase;
  let instances: [Running, Running];
  let token: string;
  beforeAll(async () => {
    database = await createTestDatabase(backend);
    const env = { DATABASE_URL: database.url, AUTH_RATE_LIMIT: '3', TRUST_PROXY: '127.0.0.1' };
    // Both start at the same moment, on an empty database.
    instances = await Promise.all([startService(env), startService(env)]);
    token = await instances[0].adminToken();
  }, 60_000);
  afterAll(async () => {
    for (const instance of instances ?? []) expect(await instance.stop()).toBe(0);
    await database.drop();
  });

  /** A request to the `n`th instance, as the admin unless the headers say otherwise. */
  async function send(n: number, method: string, path: string, body?: object, headers: Record<string, string> = {}) {
    const response = await fetch(`${instances[n % 2]!.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: await response.json() };
  }

  it('migrated the empty database once, though both started at once', async () => {
    const opened = openDatabase(database.config);
    try {
      const { rows } = await sql<{ name: string; times: number }>`
        SELECT name, COUNT(*) AS times FROM kysely_migration GROUP BY name ORDER BY name`.execute(opened.db);
      expect(rows.map((row) => [row.name, Number(row.times)])).toEqual(Object.keys(migrations).map((name) => [name, 1]));
    } finally {
      await opened.close();
    }
    for (const instance of instances) expect(instance.output()).not.toMatch(/"level":50/);
  });

  it('refuses on one instance a token logged out on the other', async () => {
    const login = async (n: number) =>
      (await send(n, 'POST', '/login', { username: 'admin', password: 'admin password' }, { 'x-forwarded-for': '192.0.2.1' })).body
        .access_token as string;
    const access = await login(0);
    const as = { authorization: `Bearer ${access}` };
    expect((await send(1, 'POST', '/store', { name: 'Before logout' }, as)).status).toBe(201);
    expect((await send(0, 'POST', '/logout', undefined, as)).status).toBe(200);
    const refused = await send(1, 'POST', '/store', { name: 'After logout' }, as);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'token_revoked' });
  });

  it('counts the sign-in rate limit across both, per forwarded client address', async () => {
    const attempt = (n: number, client: string) =>
      send(n, 'POST', '/login', { username: 'nobody', password: 'guess' }, { authorization: '', 'x-forwarded-for': client });
    for (let n = 0; n < 3; n++) expect((await attempt(n, '198.51.100.60')).status).toBe(401);
    const refused = await attempt(3, '198.51.100.60');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 429, status: 'Too Many Requests' });
    expect((await attempt(0, '198.51.100.60')).status).toBe(429);
    expect((await attempt(1, '198.51.100.61')).status).toBe(401);
  });

  it('shows a link made on one instance on the other at once, and its removal too', async () => {
    const store = (await send(0, 'POST', '/store', { name: 'Shared' })).body;
    const item = (await send(1, 'POST', '/item', { name: 'Chair', price: 10, store_id: store.id })).body;
    const tag = (await send(0, 'POST', `/store/${store.id}/tag`, { name: 'wood' })).body;
    expect((await send(1, 'POST', `/item/${item.id}/tag/${tag.id}`)).status).toBe(201);
    expect((await send(0, 'GET', `/item/${item.id}`)).body.tags).toEqual([{ id: tag.id, name: 'wood' }]);
    expect((await send(0, 'DELETE', `/item/${item.id}/tag/${tag.id}`)).status).toBe(200);
    expect((await send(1, 'GET', `/item/${item.id}`)).body.tags).toEqual([]);
  });
});
