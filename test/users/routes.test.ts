import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRET, useTestApp } from '../helpers/app.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { SERVICE_ENV, startServer } from '../helpers/process.js';
import { call, type Reply } from '../helpers/requests.js';

const MISSING = ['Missing data for required field.'];
const UNKNOWN = ['Unknown field.'];
const unprocessable = (errors: object) => ({ code: 422, status: 'Unprocessable Entity', errors });
const unauthorized = (error: string) => ({ code: 401, status: 'Unauthorized', error, message: expect.any(String) });
const INVALID_CREDENTIALS = { code: 401, status: 'Unauthorized', message: 'Invalid credentials.' };
const FORBIDDEN = { code: 403, status: 'Forbidden', message: expect.any(String) };
const USER_NOT_FOUND = { code: 404, status: 'Not Found', message: 'User not found.' };

describe.each(BACKENDS)('users and tokens on %s', (backend) => {
  const t = useTestApp(backend);
  let count = 0;
  /** A username no other test uses. */
  const unique = (prefix = 'user') => `${prefix}-${++count}`;

  /** Everything sent back: the body and every header, so a test can look for a secret in either. */
  const everything = (reply: Reply) => JSON.stringify({ body: reply.body, headers: reply.headers });

  const register = (username: string, password: string) => call(t.app, 'POST', '/register', { username, password }, { token: null });
  const login = (username: string, password: string) => call(t.app, 'POST', '/login', { username, password }, { token: null });

  /** Registers and signs in a new user through the API: its id and tokens. */
  async function signUp(prefix = 'user') {
    const username = unique(prefix);
    const password = `${username} password`;
    expect((await register(username, password)).status).toBe(201);
    const reply = await login(username, password);
    expect(reply.status).toBe(200);
    const access: string = reply.body.access_token;
    const refresh: string = reply.body.refresh_token;
    return { username, password, id: Number(decodeJwt(access).sub), access, refresh };
  }

  const passwordHashOf = async (username: string) =>
    (await t.database.db.selectFrom('users').select('password_hash').where('username', '=', username).executeTakeFirstOrThrow())
      .password_hash;

  describe('POST /register', () => {
    it('creates a user: 201 with the message, and the user can then sign in', async () => {
      const username = unique();
      const reply = await register(username, 'correct horse battery staple');
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({ message: 'User created successfully.' });
      expect((await login(username, 'correct horse battery staple')).status).toBe(200);
    });

    it('stores an Argon2id hash at OWASP parameters, never the password itself', async () => {
      const username = unique();
      await register(username, 'plain text never stored');
      const hash = await passwordHashOf(username);
      expect(hash).not.toContain('plain text never stored');
      // m ≥ 19 MiB, t ≥ 2, p = 1 is OWASP's minimum for Argon2id.
      const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(hash);
      expect(match, hash).not.toBeNull();
      const [m, iterations, p] = match!.slice(1).map(Number);
      expect(m).toBeGreaterThanOrEqual(19456);
      expect(iterations).toBeGreaterThanOrEqual(2);
      expect(p).toBeGreaterThanOrEqual(1);
    });

    it('refuses a taken username with 409, and keeps the first user and password', async () => {
      const username = unique();
      await register(username, 'first password');
      const reply = await register(username, 'second password');
      expect(reply).toMatchObject({
        status: 409,
        body: { code: 409, status: 'Conflict', message: 'A user with that username already exists.' },
      });
      const rows = await t.database.db.selectFrom('users').select('id').where('username', '=', username).execute();
      expect(rows).toHaveLength(1);
      expect((await login(username, 'first password')).status).toBe(200);
      expect((await login(username, 'second password')).status).toBe(401);
    });

    it('answers 422 for missing fields, naming each', async () => {
      expect(await call(t.app, 'POST', '/register', {}, { token: null })).toMatchObject({
        status: 422,
        body: unprocessable({ json: { username: MISSING, password: MISSING } }),
      });
      expect(await call(t.app, 'POST', '/register', { username: unique() }, { token: null })).toMatchObject({
        status: 422,
        body: unprocessable({ json: { password: MISSING } }),
      });
    });

    it('answers 422 for fields it does not know, and creates nobody', async () => {
      const username = unique();
      for (const extra of [{ is_admin: true }, { id: 1 }, { password_hash: 'x' }]) {
        const reply = await call(t.app, 'POST', '/register', { username, password: 'pw', ...extra }, { token: null });
        expect(reply.status).toBe(422);
        expect(reply.body).toEqual(unprocessable({ json: { [Object.keys(extra)[0]!]: UNKNOWN } }));
      }
      expect(await t.database.db.selectFrom('users').select('id').where('username', '=', username).execute()).toEqual([]);
    });

    it('answers 422 when a field is not a string', async () => {
      const reply = await call(t.app, 'POST', '/register', { username: 12, password: ['a'] }, { token: null });
      expect(reply.status).toBe(422);
      expect(Object.keys(reply.body.errors.json).sort()).toEqual(['password', 'username']);
    });

    it('needs no token', async () => {
      expect((await register(unique(), 'pw')).status).toBe(201);
    });
  });

  describe('POST /login', () => {
    it('answers 200 with exactly an access token and a refresh token', async () => {
      const username = unique();
      await register(username, 'secret');
      const reply = await login(username, 'secret');
      expect(reply.status).toBe(200);
      expect(Object.keys(reply.body).sort()).toEqual(['access_token', 'refresh_token']);
      expect(reply.body.access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(reply.body.refresh_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    });

    it('answers 401 "Invalid credentials." for a wrong password', async () => {
      const username = unique();
      await register(username, 'right');
      const reply = await login(username, 'wrong');
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual(INVALID_CREDENTIALS);
      expect(reply.body).not.toHaveProperty('access_token');
    });

    it('answers the same 401 for a user that does not exist', async () => {
      const reply = await login(unique('nobody'), 'whatever');
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual(INVALID_CREDENTIALS);
    });

    it('is case-sensitive in the password', async () => {
      const username = unique();
      await register(username, 'Secret');
      expect((await login(username, 'secret')).status).toBe(401);
    });

    it('answers 422 for a body without the fields', async () => {
      expect(await call(t.app, 'POST', '/login', {}, { token: null })).toMatchObject({
        status: 422,
        body: unprocessable({ json: { username: MISSING, password: MISSING } }),
      });
    });
  });

  describe('the tokens', () => {
    it('are HS256 JWTs with the claims of §4: the access token fresh, for 15 minutes', async () => {
      const before = Math.floor(Date.now() / 1000);
      const user = await signUp();
      const after = Math.floor(Date.now() / 1000);

      expect(decodeProtectedHeader(user.access)).toMatchObject({ alg: 'HS256' });
      const access = decodeJwt(user.access);
      expect(Object.keys(access).sort()).toEqual(['exp', 'fresh', 'iat', 'is_admin', 'jti', 'nbf', 'sub', 'type']);
      expect(access.sub).toBe(String(user.id));
      expect(typeof access.sub).toBe('string');
      expect(access.type).toBe('access');
      expect(access.fresh).toBe(true);
      expect(access.is_admin).toBe(false);
      expect(access.jti).toEqual(expect.any(String));
      expect((access.jti as string).length).toBeGreaterThanOrEqual(16);
      expect(access.iat).toBeGreaterThanOrEqual(before);
      expect(access.iat).toBeLessThanOrEqual(after);
      expect(access.nbf).toBeLessThanOrEqual(access.iat!);
      expect(access.exp! - access.iat!).toBe(15 * 60);
    });

    it('include a refresh token that is not fresh, for 30 days', async () => {
      const user = await signUp();
      expect(decodeProtectedHeader(user.refresh)).toMatchObject({ alg: 'HS256' });
      const refresh = decodeJwt(user.refresh);
      expect(refresh.sub).toBe(String(user.id));
      expect(refresh.type).toBe('refresh');
      expect(refresh.fresh).toBe(false);
      expect(refresh.is_admin).toBe(false);
      expect(refresh.jti).toEqual(expect.any(String));
      expect(refresh.jti).not.toBe(decodeJwt(user.access).jti);
      expect(refresh.nbf).toBeLessThanOrEqual(refresh.iat!);
      expect(refresh.exp! - refresh.iat!).toBe(30 * 24 * 60 * 60);
    });

    it('have a new jti on every login', async () => {
      const user = await signUp();
      const again = await login(user.username, user.password);
      expect(decodeJwt(again.body.access_token).jti).not.toBe(decodeJwt(user.access).jti);
      expect(decodeJwt(again.body.refresh_token).jti).not.toBe(decodeJwt(user.refresh).jti);
    });

    it('say is_admin true for an admin', async () => {
      const username = unique('admin');
      await t.signIn(username, { isAdmin: true });
      const reply = await login(username, `${username} password`);
      expect(reply.status).toBe(200);
      expect(decodeJwt(reply.body.access_token).is_admin).toBe(true);
      expect(decodeJwt(reply.body.refresh_token).is_admin).toBe(true);
    });
  });

  describe('POST /refresh', () => {
    it('answers 200 with a new access token, not fresh, and a new refresh token, for the same user', async () => {
      const user = await signUp();
      const reply = await call(t.app, 'POST', '/refresh', undefined, { token: user.refresh });
      expect(reply.status).toBe(200);
      expect(Object.keys(reply.body).sort()).toEqual(['access_token', 'refresh_token']);
      const claims = decodeJwt(reply.body.access_token);
      expect(claims).toMatchObject({ sub: String(user.id), type: 'access', fresh: false, is_admin: false });
      expect(claims.exp! - claims.iat!).toBe(15 * 60);
      const refresh = decodeJwt(reply.body.refresh_token);
      expect(refresh).toMatchObject({ sub: String(user.id), type: 'refresh', fresh: false, is_admin: false });
      expect(refresh.exp! - refresh.iat!).toBe(30 * 24 * 60 * 60);
      expect(refresh.jti).not.toBe(decodeJwt(user.refresh).jti);
      // It works where an access token is needed.
      expect((await call(t.app, 'GET', `/user/${user.id}`, undefined, { token: reply.body.access_token })).status).toBe(200);
    });

    it('rotates: the new refresh token refreshes again (once), while the one used stays revoked', async () => {
      const user = await signUp();
      const first = await call(t.app, 'POST', '/refresh', undefined, { token: user.refresh });
      const second = await call(t.app, 'POST', '/refresh', undefined, { token: first.body.refresh_token });
      expect(second.status).toBe(200);
      expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
      expect((await call(t.app, 'POST', '/refresh', undefined, { token: first.body.refresh_token })).body).toEqual(
        unauthorized('token_revoked'),
      );
      expect((await call(t.app, 'POST', '/refresh', undefined, { token: user.refresh })).body).toEqual(unauthorized('token_revoked'));
      expect((await call(t.app, 'POST', '/refresh', undefined, { token: second.body.refresh_token })).status).toBe(200);
    });

    it('revokes the refresh token it was given: a second use is 401 token_revoked', async () => {
      const user = await signUp();
      expect((await call(t.app, 'POST', '/refresh', undefined, { token: user.refresh })).status).toBe(200);
      const again = await call(t.app, 'POST', '/refresh', undefined, { token: user.refresh });
      expect(again.status).toBe(401);
      expect(again.body).toEqual(unauthorized('token_revoked'));
    });

    it('gives one new token, not two, when the same refresh token is used twice at once', async () => {
      const user = await signUp();
      const replies = await Promise.all([1, 2, 3].map(() => call(t.app, 'POST', '/refresh', undefined, { token: user.refresh })));
      expect(replies.map((r) => r.status).sort()).toEqual([200, 401, 401]);
      for (const reply of replies.filter((r) => r.status === 401)) expect(reply.body).toEqual(unauthorized('token_revoked'));
    });

    it('refuses an access token with 401 invalid_token', async () => {
      const user = await signUp();
      const reply = await call(t.app, 'POST', '/refresh', undefined, { token: user.access });
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual(unauthorized('invalid_token'));
    });

    it('answers 401 authorization_required without a token', async () => {
      const reply = await call(t.app, 'POST', '/refresh', undefined, { token: null });
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual(unauthorized('authorization_required'));
    });

    it('gives a deleted user no new access token (401 invalid_token)', async () => {
      const user = await signUp();
      expect((await call(t.app, 'DELETE', `/user/${user.id}`, undefined, { token: user.access })).status).toBe(200);
      const reply = await call(t.app, 'POST', '/refresh', undefined, { token: user.refresh });
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual(unauthorized('invalid_token'));
    });

    it('takes is_admin from the user as it is now, not from the refresh token', async () => {
      const user = await signUp();
      await t.database.db
        .updateTable('users')
        .set({ is_admin: t.database.flavor.bindBoolean(true) })
        .where('id', '=', user.id)
        .execute();
      const reply = await call(t.app, 'POST', '/refresh', undefined, { token: user.refresh });
      expect(reply.status).toBe(200);
      expect(decodeJwt(reply.body.access_token).is_admin).toBe(true);
    });
  });

  describe('POST /logout', () => {
    it('answers 200 with the message, and the token is then refused with 401 token_revoked', async () => {
      const user = await signUp();
      expect((await call(t.app, 'GET', `/user/${user.id}`, undefined, { token: user.access })).status).toBe(200);
      const reply = await call(t.app, 'POST', '/logout', undefined, { token: user.access });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ message: 'Successfully logged out' });

      const after = await call(t.app, 'GET', `/user/${user.id}`, undefined, { token: user.access });
      expect(after.status).toBe(401);
      expect(after.body).toEqual(unauthorized('token_revoked'));
      const twice = await call(t.app, 'POST', '/logout', undefined, { token: user.access });
      expect(twice.body).toEqual(unauthorized('token_revoked'));
    });

    it('revokes only that token: another login of the same user still works', async () => {
      const user = await signUp();
      const other = (await login(user.username, user.password)).body.access_token;
      await call(t.app, 'POST', '/logout', undefined, { token: user.access });
      expect((await call(t.app, 'GET', `/user/${user.id}`, undefined, { token: other })).status).toBe(200);
    });

    it('refuses a refresh token with 401 invalid_token', async () => {
      const user = await signUp();
      const reply = await call(t.app, 'POST', '/logout', undefined, { token: user.refresh });
      expect(reply.body).toEqual(unauthorized('invalid_token'));
      // …and did not revoke it.
      expect((await call(t.app, 'POST', '/refresh', undefined, { token: user.refresh })).status).toBe(200);
    });

    it('answers 401 authorization_required without a token', async () => {
      const reply = await call(t.app, 'POST', '/logout', undefined, { token: null });
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual(unauthorized('authorization_required'));
    });
    it('revokes the refresh token named in the body as well, so one request signs out entirely', async () => {
      const user = await signUp();
      const reply = await call(t.app, 'POST', '/logout', { refresh_token: user.refresh }, { token: user.access });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ message: 'Successfully logged out' });
      expect((await call(t.app, 'POST', '/refresh', undefined, { token: user.refresh })).body).toEqual(unauthorized('token_revoked'));
      expect((await call(t.app, 'GET', '/me', undefined, { token: user.access })).body).toEqual(unauthorized('token_revoked'));
    });

    it("refuses with 422, revoking nothing, a refresh_token that is not the caller's refresh token", async () => {
      const user = await signUp();
      const other = await signUp();
      for (const token of [other.refresh, user.access, 'not a token', `${user.refresh.slice(0, -2)}xx`]) {
        const reply = await call(t.app, 'POST', '/logout', { refresh_token: token }, { token: user.access });
        expect(reply.status, token).toBe(422);
        expect(reply.body).toEqual(unprocessable({ json: { refresh_token: ['Not a refresh token of this user.'] } }));
      }
      expect((await call(t.app, 'GET', '/me', undefined, { token: user.access })).status).toBe(200);
      expect((await call(t.app, 'POST', '/refresh', undefined, { token: other.refresh })).status).toBe(200);
    });

    it('takes an expired refresh token as already gone, and signs out', async () => {
      const user = await signUp();
      const now = Math.floor(Date.now() / 1000);
      const expired = await new SignJWT({ type: 'refresh', fresh: false, is_admin: false })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(String(user.id))
        .setJti('expired-refresh-token')
        .setIssuedAt(now - 120)
        .setNotBefore(now - 120)
        .setExpirationTime(now - 60)
        .sign(TEST_SECRET);
      const reply = await call(t.app, 'POST', '/logout', { refresh_token: expired }, { token: user.access });
      expect(reply.status).toBe(200);
      expect((await call(t.app, 'GET', '/me', undefined, { token: user.access })).body).toEqual(unauthorized('token_revoked'));
    });

    it('refuses other fields in the body with 422 Unknown field', async () => {
      const user = await signUp();
      const reply = await call(t.app, 'POST', '/logout', { access_token: user.access }, { token: user.access });
      expect(reply.body).toEqual(unprocessable({ json: { access_token: UNKNOWN } }));
    });
  });

  describe('GET /me', () => {
    it('answers who the token speaks for: exactly {id, username, is_admin}', async () => {
      const user = await signUp();
      const reply = await call(t.app, 'GET', '/me', undefined, { token: user.access });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ id: user.id, username: user.username, is_admin: false });
    });

    it('says is_admin true for an admin, from the user as they are now', async () => {
      const user = await signUp();
      await t.database.db
        .updateTable('users')
        .set({ is_admin: t.database.flavor.bindBoolean(true) })
        .where('id', '=', user.id)
        .execute();
      // The token still says is_admin false; the answer follows the user.
      expect((await call(t.app, 'GET', '/me', undefined, { token: user.access })).body).toEqual({
        id: user.id,
        username: user.username,
        is_admin: true,
      });
    });

    it('answers 401 without a token, and with a refresh token', async () => {
      const user = await signUp();
      expect((await call(t.app, 'GET', '/me', undefined, { token: null })).body).toEqual(unauthorized('authorization_required'));
      expect((await call(t.app, 'GET', '/me', undefined, { token: user.refresh })).body).toEqual(unauthorized('invalid_token'));
    });
  });

  describe('GET /user/{id}', () => {
    it('answers 200 with exactly {id, username}', async () => {
      const user = await signUp();
      const reply = await call(t.app, 'GET', `/user/${user.id}`, undefined, { token: user.access });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ id: user.id, username: user.username });
    });

    it('lets any signed-in user read another user', async () => {
      const [reader, read] = [await signUp(), await signUp()];
      const reply = await call(t.app, 'GET', `/user/${read.id}`, undefined, { token: reader.access });
      expect(reply).toMatchObject({ status: 200, body: { id: read.id, username: read.username } });
    });

    it('answers 404 for a user that does not exist, or an id that is not one', async () => {
      for (const id of ['999999', '0', 'abc']) {
        const reply = await call(t.app, 'GET', `/user/${id}`);
        expect(reply.status, id).toBe(404);
      }
      expect((await call(t.app, 'GET', '/user/999999')).body).toEqual(USER_NOT_FOUND);
    });

    it('answers 401 without a token', async () => {
      const user = await signUp();
      const reply = await call(t.app, 'GET', `/user/${user.id}`, undefined, { token: null });
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual(unauthorized('authorization_required'));
    });
  });

  describe('DELETE /user/{id}', () => {
    it('lets the user delete themself: 200 with the message, then 404 and no sign-in', async () => {
      const user = await signUp();
      const reply = await call(t.app, 'DELETE', `/user/${user.id}`, undefined, { token: user.access });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ message: 'User deleted.' });
      expect((await call(t.app, 'GET', `/user/${user.id}`)).status).toBe(404);
      expect((await login(user.username, user.password)).status).toBe(401);
    });

    it('lets an admin delete any user', async () => {
      const user = await signUp();
      const reply = await call(t.app, 'DELETE', `/user/${user.id}`);
      expect(reply).toMatchObject({ status: 200, body: { message: 'User deleted.' } });
      expect((await call(t.app, 'GET', `/user/${user.id}`)).status).toBe(404);
    });

    it('refuses another user with 403 in the envelope, and deletes nothing', async () => {
      const [victim, other] = [await signUp(), await signUp()];
      const reply = await call(t.app, 'DELETE', `/user/${victim.id}`, undefined, { token: other.access });
      expect(reply.status).toBe(403);
      expect(reply.body).toEqual(FORBIDDEN);
      expect((await call(t.app, 'GET', `/user/${victim.id}`)).status).toBe(200);
    });

    it('answers 404 to an admin for a user that does not exist', async () => {
      const reply = await call(t.app, 'DELETE', '/user/999999');
      expect(reply.status).toBe(404);
      expect(reply.body).toEqual(USER_NOT_FOUND);
    });

    it('answers 401 without a token, and deletes nothing', async () => {
      const user = await signUp();
      const reply = await call(t.app, 'DELETE', `/user/${user.id}`, undefined, { token: null });
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual(unauthorized('authorization_required'));
      expect((await call(t.app, 'GET', `/user/${user.id}`)).status).toBe(200);
    });
  });

  it('never sends the password or its hash in any answer', async () => {
    const username = unique('secretive');
    const password = 'a password nobody may read back';
    const replies: Reply[] = [];
    replies.push(await register(username, password));
    replies.push(await register(username, password));
    replies.push(await login(username, `${password} wrong`));
    const ok = await login(username, password);
    replies.push(ok);
    const id = Number(decodeJwt(ok.body.access_token).sub);
    replies.push(await call(t.app, 'GET', `/user/${id}`, undefined, { token: ok.body.access_token }));
    replies.push(await call(t.app, 'POST', '/refresh', undefined, { token: ok.body.refresh_token }));
    replies.push(await call(t.app, 'POST', '/register', { username: unique(), password, is_admin: true }, { token: null }));
    replies.push(await call(t.app, 'POST', '/register', { username: 'x'.repeat(81), password }, { token: null }));

    const hash = await passwordHashOf(username);
    for (const reply of replies) {
      const text = everything(reply);
      expect(text).not.toContain(password);
      expect(text).not.toContain(hash);
      expect(text).not.toContain('$argon2');
      expect(text).not.toMatch(/password_hash/);
    }
    // Nor does a token carry it.
    const claims = JSON.stringify([decodeJwt(ok.body.access_token), decodeJwt(ok.body.refresh_token)]);
    expect(claims).not.toContain(password);
    expect(claims).not.toContain('$argon2');
  });
});

describe.each(BACKENDS)('the log of the service on %s', (backend) => {
  let testDatabase: TestDatabase;
  beforeAll(async () => {
    testDatabase = await createTestDatabase(backend);
  });
  afterAll(() => testDatabase.drop());

  it('never shows a password or a hash, even with every SQL statement and the most detail logged', async () => {
    const server = await startServer({ DATABASE_URL: testDatabase.url, LOG_SQL: '1', LOG_LEVEL: 'trace' });
    const password = 'a password for no log line';
    const post = (url: string, body: object) =>
      fetch(`${server.url}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    try {
      expect((await post('/register', { username: 'logged', password })).status).toBe(201);
      expect((await post('/register', { username: 'logged', password })).status).toBe(409);
      expect((await post('/register', { username: 'other', password, extra: 1 })).status).toBe(422);
      expect((await post('/login', { username: 'logged', password: `${password}!` })).status).toBe(401);
      expect((await post('/login', { username: 'logged', password })).status).toBe(200);
    } finally {
      await server.stop();
    }
    const output = server.output();
    // The log did record the statements that write users (and so would show a hash if it leaked).
    expect(output).toMatch(/insert into \\"users\\"/);
    expect(output).not.toContain(password);
    expect(output).not.toContain(SERVICE_ENV.ADMIN_PASSWORD);
    expect(output).not.toContain('$argon2');
  });
});
