import { describe, expect, it } from 'vitest';
import type { App } from '../../src/http/app-types.js';
import { useTestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';
import { call, makeStore } from '../helpers/requests.js';

const TOO_MANY = { code: 429, status: 'Too Many Requests', message: expect.any(String) };

/** A request from a client address (inject's default is 127.0.0.1), without a token. */
async function from(app: App, remoteAddress: string, method: string, url: string, payload?: object, headers: object = {}) {
  const response = await app.inject({
    method: method as 'POST',
    url,
    remoteAddress,
    ...(payload ? { payload } : {}),
    headers: { authorization: undefined, ...headers },
  });
  return { status: response.statusCode, body: response.body ? response.json() : undefined, headers: response.headers };
}

describe.each(BACKENDS)('rate limits on %s', (backend) => {
  const t = useTestApp(backend, { authRateLimit: 3 });

  it('answers the 4th /login within a minute from one address with 429 in the envelope and Retry-After', async () => {
    const address = '203.0.113.1';
    const attempt = () => from(t.app, address, 'POST', '/login', { username: 'nobody', password: 'guess' });
    for (let i = 1; i <= 3; i++) expect((await attempt()).status, `attempt ${i}`).toBe(401);
    const refused = await attempt();
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual(TOO_MANY);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(Number.isInteger(retryAfter), String(refused.headers['retry-after'])).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(String(refused.headers['content-type'])).toMatch(/^application\/json/);
  });

  it('refuses even the right password once the limit is reached (no guessing past it)', async () => {
    const address = '203.0.113.2';
    await t.signIn('limited');
    for (let i = 0; i < 3; i++) await from(t.app, address, 'POST', '/login', { username: 'limited', password: 'wrong' });
    const right = await from(t.app, address, 'POST', '/login', { username: 'limited', password: 'limited password' });
    expect(right.status).toBe(429);
    expect(right.body).not.toHaveProperty('access_token');
  });

  it('limits /register the same way, and creates no user past the limit', async () => {
    const address = '203.0.113.3';
    for (let i = 1; i <= 3; i++) {
      expect((await from(t.app, address, 'POST', '/register', { username: `reg-${i}`, password: 'pw' })).status).toBe(201);
    }
    const refused = await from(t.app, address, 'POST', '/register', { username: 'reg-4', password: 'pw' });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual(TOO_MANY);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const rows = await t.database.db.selectFrom('users').select('id').where('username', '=', 'reg-4').execute();
    expect(rows).toEqual([]);
  });

  it('counts per client address: another address is not limited by the first', async () => {
    const busy = '203.0.113.4';
    for (let i = 0; i < 4; i++) await from(t.app, busy, 'POST', '/login', { username: 'x', password: 'y' });
    expect((await from(t.app, busy, 'POST', '/login', { username: 'x', password: 'y' })).status).toBe(429);
    expect((await from(t.app, '203.0.113.5', 'POST', '/login', { username: 'x', password: 'y' })).status).toBe(401);
  });

  it('cannot be escaped with an X-Forwarded-For header', async () => {
    const address = '203.0.113.6';
    for (let i = 0; i < 3; i++) await from(t.app, address, 'POST', '/login', { username: 'x', password: 'y' });
    const spoofed = await from(t.app, address, 'POST', '/login', { username: 'x', password: 'y' }, { 'x-forwarded-for': '198.51.100.77' });
    expect(spoofed.status).toBe(429);
  });

  it('does not limit other routes', async () => {
    const address = '203.0.113.7';
    for (let i = 0; i < 4; i++) await from(t.app, address, 'POST', '/login', { username: 'x', password: 'y' });
    const store = await makeStore(t.app, 'Unlimited');
    for (let i = 0; i < 10; i++) {
      expect((await from(t.app, address, 'GET', '/store')).status).toBe(200);
      expect((await from(t.app, address, 'GET', `/store/${store.id}`)).status).toBe(200);
      expect((await from(t.app, address, 'POST', '/logout')).status).toBe(401);
    }
    // Signed-in writes are not limited either.
    for (let i = 0; i < 10; i++) expect((await call(t.app, 'POST', '/teams', { name: `team ${i}`, headquarters: 'hq' })).status).toBe(201);
  });
});

describe('rate limits behind a reverse proxy (TRUST_PROXY)', () => {
  const proxy = '10.0.0.2';
  const t = useTestApp('sqlite', { authRateLimit: 2, trustProxy: [proxy] });
  const login = (remoteAddress: string, forwardedFor?: string) =>
    from(t.app, remoteAddress, 'POST', '/login', { username: 'x', password: 'y' }, forwardedFor ? { 'x-forwarded-for': forwardedFor } : {});

  it("counts per client address the trusted proxy forwards, so one client's guesses do not lock out the others", async () => {
    for (let i = 0; i < 2; i++) expect((await login(proxy, '198.51.100.21')).status).toBe(401);
    expect((await login(proxy, '198.51.100.21')).status).toBe(429);
    expect((await login(proxy, '198.51.100.22')).status).toBe(401);
    // The client cannot pick its address: the proxy appends the one it saw, and that one counts.
    expect((await login(proxy, '192.0.2.99, 198.51.100.21')).status).toBe(429);
  });

  it('ignores X-Forwarded-For from an address that is not a trusted proxy', async () => {
    const direct = '203.0.113.30';
    for (let i = 0; i < 2; i++) await login(direct, `198.51.100.${40 + i}`);
    expect((await login(direct, '198.51.100.50')).status).toBe(429);
  });
});

describe('security headers', () => {
  const t = useTestApp('sqlite');

  it.each([
    ['a read', 'GET', '/store'],
    ['an error', 'GET', '/no/such/route'],
    ['an auth error', 'POST', '/logout'],
    ['the API document', 'GET', '/openapi.json'],
  ])("are OWASP's headers for JSON on %s", async (_name, method, url) => {
    const response = await t.app.inject({ method: method as 'GET', url, headers: { authorization: undefined } });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['strict-transport-security']).toEqual(expect.stringContaining('max-age='));
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it.each(['/docs/', '/swagger-ui/', '/docs/static/index.css'])("are helmet's on the docs page %s", async (url) => {
    const response = await t.app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toEqual(expect.stringContaining("default-src 'self'"));
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['strict-transport-security']).toEqual(expect.stringContaining('max-age='));
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  });

  it("keep the docs page's scripts to the app's own", async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs/' });
    const csp = String(response.headers['content-security-policy']);
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1];
    expect(scriptSrc?.trim()).toBe("'self'");
  });
});

describe('CORS, off by default', () => {
  const t = useTestApp('sqlite');

  it('sends no Access-Control-Allow-Origin for any Origin', async () => {
    for (const origin of ['https://app.example', 'https://evil.example']) {
      const response = await t.app.inject({ method: 'GET', url: '/store', headers: { origin } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('allows no preflight', async () => {
    const response = await t.app.inject({
      method: 'OPTIONS',
      url: '/store',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.headers['access-control-allow-methods']).toBeUndefined();
  });
});

describe('CORS for a configured origin', () => {
  const t = useTestApp('sqlite', { corsOrigins: ['https://app.example'] });

  it('allows that origin', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/store', headers: { origin: 'https://app.example' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(String(response.headers.vary)).toMatch(/origin/i);
  });

  it('does not allow any other origin', async () => {
    for (const origin of ['https://evil.example', 'https://app.example.evil.example', 'http://app.example']) {
      const response = await t.app.inject({ method: 'GET', url: '/store', headers: { origin } });
      expect(response.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('answers a preflight for %s with a bearer token from that origin', async (method) => {
    const response = await t.app.inject({
      method: 'OPTIONS',
      url: '/item/1',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(response.statusCode).toBeLessThan(300);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example');
    const methods = String(response.headers['access-control-allow-methods']).split(/,\s*/);
    expect(methods).toContain(method);
    expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
  });

  it("lets the origin's scripts read the X-Pagination header of lists, the Retry-After of a 429 and Idempotent-Replayed", async () => {
    const response = await t.app.inject({ method: 'GET', url: '/store', headers: { origin: 'https://app.example' } });
    expect(response.headers['x-pagination']).toBeDefined();
    const exposed = String(response.headers['access-control-expose-headers']).toLowerCase().split(/,\s*/);
    expect(exposed).toContain('x-pagination');
    expect(exposed).toContain('retry-after');
    expect(exposed).toContain('idempotent-replayed');
  });

  it('lets the origin send an Idempotency-Key with a create', async () => {
    const response = await t.app.inject({
      method: 'OPTIONS',
      url: '/store',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, idempotency-key',
      },
    });
    expect(response.statusCode).toBeLessThan(300);
    expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toContain('idempotency-key');
  });

  it('sends the CORS headers on errors too, so the origin can read them', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/logout',
      headers: { origin: 'https://app.example', authorization: undefined },
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example');
  });
});
