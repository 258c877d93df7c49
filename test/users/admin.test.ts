import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openDatabase, type Database } from '../../src/database/connection.js';
import { migrateToLatest } from '../../src/database/migrate.js';
import type { App } from '../../src/http/app-types.js';
import { ensureAdmin } from '../../src/users/admin.js';
import { TEST_SECRET } from '../helpers/app.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { finished, runTs, startServer, type Running } from '../helpers/process.js';

/** POSTs JSON to a running service, with a token when given; the status and parsed body. */
async function post(server: Running, url: string, body?: object, token?: string) {
  const response = await fetch(`${server.url}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const login = (server: Running, username: string, password: string) => post(server, '/login', { username, password });

/** One request to an app built here (not the test helpers' app, which always sends a token). */
async function send(app: App, method: string, url: string, payload?: object, token?: string) {
  const response = await app.inject({
    method: method as 'POST',
    url,
    ...(payload === undefined ? {} : { payload }),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.statusCode, body: response.json() };
}

/** The app on a database as it is (no users made by the test helpers), for in-process checks. */
async function appOn(testDatabase: TestDatabase): Promise<{ app: App; database: Database; close(): Promise<void> }> {
  const database = openDatabase(testDatabase.config);
  await migrateToLatest(database.db);
  const app = await buildApp({ database, secret: TEST_SECRET, authRateLimit: 10_000 });
  await app.ready();
  return {
    app,
    database,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

describe.each(BACKENDS)('the admin from ADMIN_USERNAME/ADMIN_PASSWORD on %s', (backend) => {
  let testDatabase: TestDatabase;
  beforeAll(async () => {
    testDatabase = await createTestDatabase(backend);
  });
  afterAll(() => testDatabase.drop());

  const admin = { ADMIN_USERNAME: 'chief', ADMIN_PASSWORD: 'the chief password' };

  it('exists after start, signs in with an is_admin token, and may delete a hero a user may not', async () => {
    const server = await startServer({ DATABASE_URL: testDatabase.url, ...admin });
    try {
      const signedIn = await login(server, 'chief', 'the chief password');
      expect(signedIn.status).toBe(200);
      expect(decodeJwt(signedIn.body.access_token)).toMatchObject({ is_admin: true, type: 'access', fresh: true });
      const token = signedIn.body.access_token;

      expect((await post(server, '/register', { username: 'plain', password: 'plain password' })).status).toBe(201);
      const plain = (await login(server, 'plain', 'plain password')).body.access_token;
      expect(decodeJwt(plain).is_admin).toBe(false);

      const hero = await post(server, '/heroes', { name: 'Deletable', secret_name: 'x' }, plain);
      expect(hero.status).toBe(201);
      const asPlain = await fetch(`${server.url}/heroes/${hero.body.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${plain}` },
      });
      expect(asPlain.status).toBe(403);
      const asAdmin = await fetch(`${server.url}/heroes/${hero.body.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(asAdmin.status).toBe(200);
      expect(await asAdmin.json()).toEqual({ message: 'Hero deleted.' });
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('is made sure of on every start: still one user, and a changed ADMIN_PASSWORD replaces the old one', async () => {
    const server = await startServer({ DATABASE_URL: testDatabase.url, ...admin, ADMIN_PASSWORD: 'a rotated password' });
    try {
      expect((await login(server, 'chief', 'the chief password')).status).toBe(401);
      const signedIn = await login(server, 'chief', 'a rotated password');
      expect(signedIn.status).toBe(200);
      expect(decodeJwt(signedIn.body.access_token).is_admin).toBe(true);
    } finally {
      await server.stop();
    }
    const database = openDatabase(testDatabase.config);
    try {
      const rows = await database.db.selectFrom('users').select('id').where('username', '=', 'chief').execute();
      expect(rows).toHaveLength(1);
    } finally {
      await database.close();
    }
  });

  it('makes an existing user named ADMIN_USERNAME an admin, with the configured password', async () => {
    const first = await startServer({ DATABASE_URL: testDatabase.url, ...admin });
    try {
      expect((await post(first, '/register', { username: 'promoted', password: 'their own password' })).status).toBe(201);
      const before = await login(first, 'promoted', 'their own password');
      expect(decodeJwt(before.body.access_token).is_admin).toBe(false);
    } finally {
      await first.stop();
    }
    const second = await startServer({ DATABASE_URL: testDatabase.url, ADMIN_USERNAME: 'promoted', ADMIN_PASSWORD: 'set by the operator' });
    try {
      expect((await login(second, 'promoted', 'their own password')).status).toBe(401);
      const after = await login(second, 'promoted', 'set by the operator');
      expect(after.status).toBe(200);
      expect(decodeJwt(after.body.access_token).is_admin).toBe(true);
    } finally {
      await second.stop();
    }
  });
});

describe.each(BACKENDS)('the admin made sure of by instances starting at once on %s', (backend) => {
  it('is made once, and no instance fails for it', async () => {
    const testDatabase = await createTestDatabase(backend);
    const instances = [openDatabase(testDatabase.config), openDatabase(testDatabase.config), openDatabase(testDatabase.config)];
    try {
      await migrateToLatest(instances[0]!.db);
      await Promise.all(instances.map((database) => ensureAdmin(database, { username: 'chief', password: 'the chief password' })));
      const rows = await instances[0]!.db.selectFrom('users').select('is_admin').where('username', '=', 'chief').execute();
      expect(rows.map((row) => Boolean(row.is_admin))).toEqual([true]);
    } finally {
      for (const database of instances) await database.close();
      await testDatabase.drop();
    }
  });
});

describe.each(BACKENDS)('junction create-admin, then the API, on %s', (backend) => {
  let testDatabase: TestDatabase;
  beforeAll(async () => {
    testDatabase = await createTestDatabase(backend);
  });
  afterAll(() => testDatabase.drop());

  it('makes an admin who signs in through the API with an is_admin token and may delete a hero', async () => {
    const { code, stdout, stderr } = await finished(
      runTs('src/cli/main.ts', ['create-admin', '--username', 'made-by-cli'], {
        DATABASE_URL: testDatabase.url,
        ADMIN_PASSWORD: 'cli admin password',
      }),
    );
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('made-by-cli');
    expect(stdout + stderr).not.toContain('cli admin password');

    const { app, close } = await appOn(testDatabase);
    try {
      const signedIn = await send(app, 'POST', '/login', { username: 'made-by-cli', password: 'cli admin password' });
      expect(signedIn.status).toBe(200);
      const token = signedIn.body.access_token;
      expect(decodeJwt(token).is_admin).toBe(true);
      const hero = await send(app, 'POST', '/heroes', { name: 'Short-lived', secret_name: 'x' }, token);
      expect(hero.status).toBe(201);
      expect((await send(app, 'DELETE', `/heroes/${hero.body.id}`, undefined, token)).status).toBe(200);
    } finally {
      await close();
    }
  });

  it('makes a registered user an admin', async () => {
    const { app, close } = await appOn(testDatabase);
    try {
      expect((await send(app, 'POST', '/register', { username: 'raised', password: 'pw' })).status).toBe(201);
      const { code } = await finished(
        runTs('src/cli/main.ts', ['create-admin', '--username', 'raised'], { DATABASE_URL: testDatabase.url, ADMIN_PASSWORD: 'new pw' }),
      );
      expect(code).toBe(0);
      const signedIn = await send(app, 'POST', '/login', { username: 'raised', password: 'new pw' });
      expect(signedIn.status).toBe(200);
      expect(decodeJwt(signedIn.body.access_token).is_admin).toBe(true);
    } finally {
      await close();
    }
  });
});

describe.each(BACKENDS)('the first user to register on %s', (backend) => {
  let testDatabase: TestDatabase;
  let service: Awaited<ReturnType<typeof appOn>>;
  beforeAll(async () => {
    testDatabase = await createTestDatabase(backend);
    service = await appOn(testDatabase);
  });
  afterAll(async () => {
    await service.close();
    await testDatabase.drop();
  });

  it('is not an admin, on a database with no users at all', async () => {
    const users = await service.database.db.selectFrom('users').select('id').execute();
    expect(users).toEqual([]);

    const registered = await send(service.app, 'POST', '/register', { username: 'first', password: 'first password' });
    expect(registered.status).toBe(201);
    const signedIn = await send(service.app, 'POST', '/login', { username: 'first', password: 'first password' });
    const token = signedIn.body.access_token;
    expect(decodeJwt(token).is_admin).toBe(false);
    const row = await service.database.db.selectFrom('users').select('is_admin').where('username', '=', 'first').executeTakeFirstOrThrow();
    expect(Boolean(row.is_admin)).toBe(false);

    const hero = await send(service.app, 'POST', '/heroes', { name: 'Kept', secret_name: 'x' }, token);
    expect(hero.status).toBe(201);
    const refused = await send(service.app, 'DELETE', `/heroes/${hero.body.id}`, undefined, token);
    expect(refused).toMatchObject({ status: 403, body: { code: 403, status: 'Forbidden' } });
  });
});
