import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRET, useTestApp, type SignedIn } from '../helpers/app.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startServer, SERVICE_ENV, type Running } from '../helpers/process.js';
import { call, makeStore } from '../helpers/requests.js';

const unauthorized = (error: string) => ({ code: 401, status: 'Unauthorized', error, message: expect.any(String) });

const base64url = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** The claims the service puts in an access token, for a user, valid now for 15 minutes. */
function claimsOf(userId: number, extra: Record<string, unknown> = {}) {
  const iat = now();
  return {
    sub: String(userId),
    type: 'access',
    fresh: true,
    jti: `forged-${Math.random().toString(36).slice(2)}`,
    iat,
    nbf: iat,
    exp: iat + 900,
    is_admin: false,
    ...extra,
  };
}

/** A token with exactly these claims, signed with HS256 and `secret` through jose. */
const forge = (claims: Record<string, unknown>, secret: Uint8Array = TEST_SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret);

/** A token signed by hand with HMAC-SHA-`bits` (jose would refuse some of what these tests need). */
function signRaw(header: object, claims: object, bits: 256 | 384 | 512, secret: Uint8Array = TEST_SECRET) {
  const input = `${base64url(header)}.${base64url(claims)}`;
  const signature = createHmac(`sha${bits}`, secret).update(input).digest('base64url');
  return `${input}.${signature}`;
}

describe.each(BACKENDS)('token checks on %s', (backend) => {
  const t = useTestApp(backend);
  let user: SignedIn;
  let storeId: number;
  let count = 0;
  const unique = (prefix = 'user') => `${prefix}-${++count}`;

  beforeAll(async () => {
    user = await t.signIn('checked');
    // The user's own store, so that a request refused here would succeed with a good token.
    storeId = (await call(t.app, 'POST', '/store', { name: 'Checked store' }, { token: user.access })).body.id;
  });

  /** GET /user/{id} needs an access token and nothing else: the reference route of these tests. */
  const asUser = (authorization: string | undefined) =>
    t.app.inject({ method: 'GET', url: `/user/${user.id}`, headers: { authorization } });

  async function expect401(authorization: string | undefined, error: string) {
    const response = await asUser(authorization);
    expect(response.statusCode, authorization).toBe(401);
    expect(response.json()).toEqual(unauthorized(error));
    expect(String(response.headers['www-authenticate'])).toMatch(/^Bearer\b/);
    return response;
  }

  it("accepts the genuine token (so every refusal below is the token's doing)", async () => {
    const response = await asUser(`Bearer ${user.access}`);
    expect(response.statusCode).toBe(200);
    expect((await asUser(`Bearer ${await forge(claimsOf(user.id))}`)).statusCode).toBe(200);
  });

  describe('the Authorization header', () => {
    it('missing → 401 authorization_required, with a WWW-Authenticate challenge', async () => {
      const response = await expect401(undefined, 'authorization_required');
      expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_request"');
    });

    it('empty → 401 authorization_required', async () => {
      await expect401('', 'authorization_required');
    });

    it.each(['Basic dXNlcjpwYXNz', 'Token abc', 'JWT abc', 'bearer-less'])(
      'no Bearer credentials ("%s") → 401 authorization_required, as flask-jwt-extended words it',
      async (header) => {
        const response = await expect401(header, 'authorization_required');
        expect(response.json().message).toBe("Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'.");
        expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_request"');
      },
    );

    it('the right token under another scheme, or bare → 401 authorization_required', async () => {
      await expect401(`Token ${user.access}`, 'authorization_required');
      await expect401(`Basic ${user.access}`, 'authorization_required');
      await expect401(user.access, 'authorization_required');
    });

    it('the scheme is matched case-insensitively, and found among comma-separated credentials (RFC 7235)', async () => {
      for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
        expect((await asUser(`${scheme} ${user.access}`)).statusCode, scheme).toBe(200);
      }
      expect((await asUser(`Basic dXNlcjpwYXNz, Bearer ${user.access}`)).statusCode).toBe(200);
    });

    it('"Bearer" without a token, or with two → 401 invalid_token', async () => {
      await expect401('Bearer', 'invalid_token');
      await expect401('Bearer ', 'invalid_token');
      await expect401(`Bearer ${user.access} ${user.access}`, 'invalid_token');
    });

    it('something that is not a JWT → 401 invalid_token', async () => {
      for (const token of ['not-a-jwt', 'a.b.c', `${user.access}x`]) await expect401(`Bearer ${token}`, 'invalid_token');
    });
  });

  describe('the signature', () => {
    it('tampered → 401 invalid_token', async () => {
      const [header, payload, signature] = user.access.split('.') as [string, string, string];
      const middle = Math.floor(signature.length / 2);
      const flipped = signature[middle] === 'A' ? 'B' : 'A';
      const tampered = `${header}.${payload}.${signature.slice(0, middle)}${flipped}${signature.slice(middle + 1)}`;
      await expect401(`Bearer ${tampered}`, 'invalid_token');
      await expect401(`Bearer ${header}.${payload}.`, 'invalid_token');
    });

    it('a payload changed under the old signature (is_admin: true) → 401 invalid_token', async () => {
      const [header, payload, signature] = user.access.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const raised = base64url({ ...claims, is_admin: true });
      const response = await t.app.inject({
        method: 'DELETE',
        url: '/heroes/1',
        headers: { authorization: `Bearer ${header}.${raised}.${signature}` },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual(unauthorized('invalid_token'));
    });

    it('alg "none" with no signature → 401 invalid_token', async () => {
      const claims = claimsOf(user.id, { is_admin: true });
      for (const alg of ['none', 'None', 'NONE']) {
        await expect401(`Bearer ${base64url({ alg, typ: 'JWT' })}.${base64url(claims)}.`, 'invalid_token');
      }
    });

    it('signed with another secret → 401 invalid_token', async () => {
      const other = new TextEncoder().encode('another secret, also at least thirty-two bytes long');
      await expect401(`Bearer ${await forge(claimsOf(user.id), other)}`, 'invalid_token');
    });

    it('HS512 or HS384 with the same secret → 401 invalid_token: the algorithm is pinned to HS256', async () => {
      const claims = claimsOf(user.id);
      await expect401(`Bearer ${signRaw({ alg: 'HS512', typ: 'JWT' }, claims, 512)}`, 'invalid_token');
      await expect401(`Bearer ${signRaw({ alg: 'HS384', typ: 'JWT' }, claims, 384)}`, 'invalid_token');
      // The same claims, signed by hand with HS256, pass: only the algorithm differed.
      expect((await asUser(`Bearer ${signRaw({ alg: 'HS256', typ: 'JWT' }, claims, 256)}`)).statusCode).toBe(200);
    });

    it('an HS256 header over an HS512 signature → 401 invalid_token', async () => {
      const claims = claimsOf(user.id);
      const hs512 = signRaw({ alg: 'HS512' }, claims, 512).split('.')[2];
      await expect401(`Bearer ${base64url({ alg: 'HS256' })}.${base64url(claims)}.${hs512}`, 'invalid_token');
    });
  });

  describe('the claims', () => {
    it('expired → 401 token_expired', async () => {
      const iat = now() - 3600;
      await expect401(`Bearer ${await forge(claimsOf(user.id, { iat, nbf: iat, exp: now() - 60 }))}`, 'token_expired');
    });

    it('not valid yet (nbf in the future) → 401 invalid_token', async () => {
      await expect401(`Bearer ${await forge(claimsOf(user.id, { nbf: now() + 3600 }))}`, 'invalid_token');
    });

    it('issued in the future (iat) → 401 invalid_token', async () => {
      await expect401(`Bearer ${await forge(claimsOf(user.id, { iat: now() + 3600 }))}`, 'invalid_token');
    });

    it.each(['sub', 'type', 'fresh', 'jti', 'iat', 'nbf', 'exp', 'is_admin'])('without %s → 401 invalid_token', async (claim) => {
      const claims: Record<string, unknown> = claimsOf(user.id);
      delete claims[claim];
      await expect401(`Bearer ${await forge(claims)}`, 'invalid_token');
    });

    it('sub that is not a string (a number) → 401 invalid_token', async () => {
      await expect401(`Bearer ${await forge(claimsOf(user.id, { sub: user.id }))}`, 'invalid_token');
    });

    it('a type that is neither access nor refresh → 401 invalid_token', async () => {
      await expect401(`Bearer ${await forge(claimsOf(user.id, { type: 'admin' }))}`, 'invalid_token');
    });

    it('is_admin or fresh that is not a boolean → 401 invalid_token', async () => {
      await expect401(`Bearer ${await forge(claimsOf(user.id, { is_admin: 'true' }))}`, 'invalid_token');
      await expect401(`Bearer ${await forge(claimsOf(user.id, { fresh: 1 }))}`, 'invalid_token');
    });
  });

  describe('the type', () => {
    it('a refresh token where an access token is needed → 401 invalid_token', async () => {
      await expect401(`Bearer ${user.refresh}`, 'invalid_token');
      const write = await call(t.app, 'POST', '/store', { name: unique('store') }, { token: user.refresh });
      expect(write).toMatchObject({ status: 401, body: unauthorized('invalid_token') });
    });

    it('an access token where a refresh token is needed → 401 invalid_token', async () => {
      const reply = await call(t.app, 'POST', '/refresh', undefined, { token: user.access });
      expect(reply).toMatchObject({ status: 401, body: unauthorized('invalid_token') });
    });
  });

  describe('freshness', () => {
    it('POST /item with a refreshed (not fresh) access token → 401 fresh_token_required; a fresh one works', async () => {
      const other = await t.signIn(unique());
      const refreshed = (await call(t.app, 'POST', '/refresh', undefined, { token: other.refresh })).body.access_token;
      const store = (await call(t.app, 'POST', '/store', { name: unique('store') }, { token: refreshed })).body;
      const item = { name: 'thing', price: 1, store_id: store.id };
      const stale = await call(t.app, 'POST', '/item', item, { token: refreshed });
      expect(stale.status).toBe(401);
      expect(stale.body).toEqual(unauthorized('fresh_token_required'));
      expect((await call(t.app, 'GET', `/store/${store.id}`)).body.items).toEqual([]);
      expect((await call(t.app, 'POST', '/item', item, { token: other.access })).status).toBe(201);
    });

    it('routes that do not ask for freshness take a refreshed token', async () => {
      const other = await t.signIn(unique());
      const refreshed = (await call(t.app, 'POST', '/refresh', undefined, { token: other.refresh })).body.access_token;
      expect((await call(t.app, 'GET', `/user/${other.id}`, undefined, { token: refreshed })).status).toBe(200);
    });
  });

  describe("the token's user", () => {
    it('deleted since the token was issued → 401 invalid_token on every route, reads and writes alike', async () => {
      const gone = await t.signIn(unique());
      const team = (await call(t.app, 'POST', '/teams', { name: unique('team'), headquarters: 'HQ' })).body.id;
      expect((await call(t.app, 'DELETE', `/user/${gone.id}`)).status).toBe(200);
      const requests: [string, string, unknown][] = [
        ['GET', `/user/${user.id}`, undefined],
        ['POST', '/store', { name: unique('store') }],
        ['POST', '/heroes', { name: 'Orphan', secret_name: 'Nobody' }],
        ['POST', '/teams', { name: unique('team'), headquarters: 'HQ' }],
        ['PATCH', `/teams/${team}`, { headquarters: 'Elsewhere' }],
        ['POST', '/logout', undefined],
      ];
      for (const [method, url, body] of requests) {
        const reply = await call(t.app, method, url, body, { token: gone.access });
        expect(reply, `${method} ${url}`).toMatchObject({
          status: 401,
          body: { ...unauthorized('invalid_token'), message: "The token's user no longer exists." },
        });
      }
      expect((await call(t.app, 'GET', '/heroes')).body.map((hero: { name: string }) => hero.name)).not.toContain('Orphan');
    });

    it('an admin demoted since the token was issued loses the right at once (403), though the token says is_admin', async () => {
      const demoted = await t.signIn(unique('admin'), { isAdmin: true });
      const hero = (await call(t.app, 'POST', '/heroes', { name: 'Kept', secret_name: 'Safe' })).body.id;
      await t.database.db
        .updateTable('users')
        .set({ is_admin: t.database.flavor.bindBoolean(false) })
        .where('id', '=', demoted.id)
        .execute();
      expect(await call(t.app, 'DELETE', `/heroes/${hero}`, undefined, { token: demoted.access })).toMatchObject({ status: 403 });
      expect((await call(t.app, 'GET', `/heroes/${hero}`)).status).toBe(200);
    });
  });

  describe('revocation', () => {
    it('a logged-out access token → 401 token_revoked, on every route', async () => {
      const other = await t.signIn(unique());
      expect((await call(t.app, 'POST', '/logout', undefined, { token: other.access })).status).toBe(200);
      const read = await call(t.app, 'GET', `/user/${other.id}`, undefined, { token: other.access });
      expect(read).toMatchObject({ status: 401, body: unauthorized('token_revoked') });
      const write = await call(t.app, 'POST', '/store', { name: unique('store') }, { token: other.access });
      expect(write).toMatchObject({ status: 401, body: unauthorized('token_revoked') });
    });

    it('a used refresh token → 401 token_revoked', async () => {
      const other = await t.signIn(unique());
      await call(t.app, 'POST', '/refresh', undefined, { token: other.refresh });
      const again = await call(t.app, 'POST', '/refresh', undefined, { token: other.refresh });
      expect(again).toMatchObject({ status: 401, body: unauthorized('token_revoked') });
    });
  });

  describe("the order of the checks (flask-jwt-extended's)", () => {
    it('the token before the body: no token and a bad body → 401, not 422', async () => {
      const reply = await call(t.app, 'POST', '/item', { nonsense: true }, { token: null });
      expect(reply).toMatchObject({ status: 401, body: unauthorized('authorization_required') });
      const response = await t.app.inject({
        method: 'POST',
        url: '/store',
        headers: { authorization: undefined, 'content-type': 'application/json' },
        payload: '{not json',
      });
      expect(response.statusCode).toBe(401);
    });

    it('the signature before the claims: an expired token with a bad signature → invalid_token', async () => {
      const iat = now() - 3600;
      const other = new TextEncoder().encode('another secret, also at least thirty-two bytes long');
      await expect401(`Bearer ${await forge(claimsOf(user.id, { iat, nbf: iat, exp: now() - 60 }), other)}`, 'invalid_token');
    });

    it('the claims before the type: an expired refresh token at an access route → token_expired', async () => {
      const iat = now() - 3600;
      const expired = await forge(claimsOf(user.id, { type: 'refresh', fresh: false, iat, nbf: iat, exp: now() - 60 }));
      await expect401(`Bearer ${expired}`, 'token_expired');
    });

    it('the type before freshness: a refresh token at POST /item → invalid_token', async () => {
      const reply = await call(t.app, 'POST', '/item', { name: 'x', price: 1, store_id: storeId }, { token: user.refresh });
      expect(reply).toMatchObject({ status: 401, body: unauthorized('invalid_token') });
    });

    it('the type before revocation: a used refresh token at an access route → invalid_token', async () => {
      const other = await t.signIn(unique());
      await call(t.app, 'POST', '/refresh', undefined, { token: other.refresh });
      const reply = await call(t.app, 'GET', `/user/${other.id}`, undefined, { token: other.refresh });
      expect(reply).toMatchObject({ status: 401, body: unauthorized('invalid_token') });
    });

    it('freshness before revocation: a revoked, not fresh token at POST /item → fresh_token_required', async () => {
      const other = await t.signIn(unique());
      const refreshed = (await call(t.app, 'POST', '/refresh', undefined, { token: other.refresh })).body.access_token;
      const store = (await call(t.app, 'POST', '/store', { name: unique('store') }, { token: refreshed })).body;
      expect((await call(t.app, 'POST', '/logout', undefined, { token: refreshed })).status).toBe(200);
      const reply = await call(t.app, 'POST', '/item', { name: 'x', price: 1, store_id: store.id }, { token: refreshed });
      expect(reply).toMatchObject({ status: 401, body: unauthorized('fresh_token_required') });
    });

    it('revocation before the right: a revoked non-admin token at an admin route → 401 token_revoked, not 403', async () => {
      const other = await t.signIn(unique());
      await call(t.app, 'POST', '/logout', undefined, { token: other.access });
      const reply = await call(t.app, 'DELETE', '/heroes/1', undefined, { token: other.access });
      expect(reply).toMatchObject({ status: 401, body: unauthorized('token_revoked') });
    });

    it('the token before the resource: a bad token at a missing store → 401, not 404', async () => {
      const reply = await call(t.app, 'DELETE', '/store/999999', undefined, { token: 'garbage' });
      expect(reply).toMatchObject({ status: 401, body: unauthorized('invalid_token') });
    });
  });

  it('public reads never look at the header: a bad or wrong-type token does not break them', async () => {
    const store = await makeStore(t.app, unique('public'));
    for (const authorization of [undefined, 'Bearer garbage', `Bearer ${user.refresh}`]) {
      const response = await t.app.inject({ method: 'GET', url: `/store/${store.id}`, headers: { authorization } });
      expect(response.statusCode, authorization).toBe(200);
    }
  });
});

describe.each(BACKENDS)('revocation in the database, across restarts and processes, on %s', (backend) => {
  let testDatabase: TestDatabase;
  beforeAll(async () => {
    testDatabase = await createTestDatabase(backend);
  });
  afterAll(() => testDatabase.drop());

  const send = (server: Running, method: string, url: string, token: string) =>
    fetch(`${server.url}${url}`, { method, headers: { authorization: `Bearer ${token}` } });
  async function login(server: Running) {
    const response = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: SERVICE_ENV.ADMIN_USERNAME, password: SERVICE_ENV.ADMIN_PASSWORD }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { access_token: string; refresh_token: string };
  }
  async function expectRevoked(response: Response) {
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(unauthorized('token_revoked'));
  }

  it('a logged-out access token and a used refresh token stay revoked after a restart', async () => {
    const first = await startServer({ DATABASE_URL: testDatabase.url });
    let tokens: { access_token: string; refresh_token: string };
    let untouched: string;
    try {
      tokens = await login(first);
      untouched = (await login(first)).access_token;
      expect((await send(first, 'POST', '/logout', tokens.access_token)).status).toBe(200);
      expect((await send(first, 'POST', '/refresh', tokens.refresh_token)).status).toBe(200);
    } finally {
      expect(await first.stop()).toBe(0);
    }

    const second = await startServer({ DATABASE_URL: testDatabase.url });
    try {
      await expectRevoked(await send(second, 'GET', '/user/1', tokens.access_token));
      await expectRevoked(await send(second, 'POST', '/refresh', tokens.refresh_token));
      // A token that was never revoked still works after the restart.
      expect((await send(second, 'GET', '/user/1', untouched)).status).toBe(200);
    } finally {
      await second.stop();
    }
  });

  it('a revocation made by one process holds in another running on the same database at once', async () => {
    const [a, b] = [await startServer({ DATABASE_URL: testDatabase.url }), await startServer({ DATABASE_URL: testDatabase.url })];
    try {
      const tokens = await login(a);
      expect((await send(b, 'GET', '/user/1', tokens.access_token)).status).toBe(200);
      expect((await send(a, 'POST', '/logout', tokens.access_token)).status).toBe(200);
      await expectRevoked(await send(b, 'GET', '/user/1', tokens.access_token));

      expect((await send(b, 'POST', '/refresh', tokens.refresh_token)).status).toBe(200);
      await expectRevoked(await send(a, 'POST', '/refresh', tokens.refresh_token));

      // The same refresh token sent to both at once: exactly one of them answers with a new token.
      const shared = (await login(a)).refresh_token;
      const statuses = await Promise.all([send(a, 'POST', '/refresh', shared), send(b, 'POST', '/refresh', shared)]);
      expect(statuses.map((r) => r.status).sort()).toEqual([200, 401]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
