import { describe, expect, it, vi } from 'vitest';
import { ACCESS_KEY, REFRESH_KEY, Session, type TokenStorage } from '../../console/src/session.js';

/**
 * The console's session against a stand-in service (the browser tests drive the real one): when it
 * refreshes, what it keeps, when it asks for the password, and when the session is over.
 */

const SERVICE = 'http://service.test';
const NOW = 1_800_000_000;

/** A token the session can read the expiry of (it never checks signatures: the service does). */
const token = (name: string, exp: number) => `header.${Buffer.from(JSON.stringify({ name, exp })).toString('base64url')}.signature`;
const nameOf = (authorization: string | null) =>
  authorization ? (JSON.parse(Buffer.from(authorization.split('.')[1]!, 'base64url').toString()) as { name: string }).name : null;

class MemoryStorage implements TokenStorage {
  readonly items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const refused = (error: string) => json(401, { code: 401, status: 'Unauthorized', error, message: error });

interface Seen {
  path: string;
  as: string | null;
  body: string;
}

/** A session over `answer`, which plays the service; every request it got is in `seen`. */
function setUp(tokens: { access?: string; refresh?: string }, answer: (request: Request, seen: Seen) => Response | Promise<Response>) {
  const storage = new MemoryStorage();
  if (tokens.access) storage.setItem(ACCESS_KEY, tokens.access);
  if (tokens.refresh) storage.setItem(REFRESH_KEY, tokens.refresh);
  const seen: Seen[] = [];
  const fetch = async (request: Request) => {
    const authorization = request.headers.get('authorization');
    const entry = {
      path: new URL(request.url).pathname,
      as: authorization?.startsWith('Bearer header.') ? nameOf(authorization.slice(7)) : authorization,
      body: await request.clone().text(),
    };
    seen.push(entry);
    return answer(request, entry);
  };
  const session = new Session({ storage, baseUrl: SERVICE, fetch, now: () => NOW });
  session.onEnded = vi.fn();
  const send = (path: string, init?: RequestInit) => session.fetch(new Request(`${SERVICE}${path}`, init));
  return { session, storage, seen, send };
}

describe("the console's session", () => {
  it('sends the access token with every request', async () => {
    const { send, seen } = setUp({ access: token('a1', NOW + 600) }, () => json(200, {}));
    await send('/store');
    expect(seen).toEqual([{ path: '/store', as: 'a1', body: '' }]);
  });

  it('refreshes a token about to expire once for every request waiting on it, and keeps a rotated refresh token', async () => {
    const { send, seen, storage } = setUp({ access: token('a1', NOW + 10), refresh: 'r1' }, async (_request, entry) => {
      if (entry.path !== '/refresh') return json(200, {});
      await new Promise((resolve) => setTimeout(resolve, 20));
      return json(200, { access_token: token('a2', NOW + 900), refresh_token: 'r2' });
    });
    await Promise.all([send('/store'), send('/item'), send('/tag')]);
    expect(seen.filter((entry) => entry.path === '/refresh')).toEqual([{ path: '/refresh', as: 'Bearer r1', body: '' }]);
    expect(seen.filter((entry) => entry.path !== '/refresh').map((entry) => entry.as)).toEqual(['a2', 'a2', 'a2']);
    expect(storage.getItem(REFRESH_KEY)).toBe('r2');
  });

  it('forgets the spent refresh token when the service answers only an access token (no rotation)', async () => {
    const { send, storage } = setUp({ access: token('a1', NOW + 10), refresh: 'r1' }, (_request, entry) =>
      entry.path === '/refresh' ? json(200, { access_token: token('a2', NOW + 900) }) : json(200, {}),
    );
    await send('/store');
    expect(storage.getItem(ACCESS_KEY)).toBe(token('a2', NOW + 900));
    expect(storage.getItem(REFRESH_KEY)).toBeNull();
  });

  it('refreshes on 401 token_expired and sends the request again, body and all', async () => {
    let first = true;
    const { send, seen } = setUp({ access: token('a1', NOW + 600), refresh: 'r1' }, (_request, entry) => {
      if (entry.path === '/refresh') return json(200, { access_token: token('a2', NOW + 900), refresh_token: 'r2' });
      if (first) {
        first = false;
        return refused('token_expired');
      }
      return json(201, {});
    });
    const answer = await send('/store', { method: 'POST', body: '{"name":"Corner"}', headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(201);
    expect(seen).toEqual([
      { path: '/store', as: 'a1', body: '{"name":"Corner"}' },
      { path: '/refresh', as: 'Bearer r1', body: '' },
      { path: '/store', as: 'a2', body: '{"name":"Corner"}' },
    ]);
  });

  it('asks for the password when a change needs a fresh token, and sends it again once given', async () => {
    const { session, send, storage, seen } = setUp({ access: token('stale', NOW + 600), refresh: 'r1' }, (_request, entry) =>
      entry.as === 'fresh' ? json(201, {}) : refused('fresh_token_required'),
    );
    session.confirmPassword = vi.fn(async () => {
      storage.setItem(ACCESS_KEY, token('fresh', NOW + 900));
      return true;
    });
    expect((await send('/item', { method: 'POST', body: '{}' })).status).toBe(201);
    expect(seen.map((entry) => entry.as)).toEqual(['stale', 'fresh']);
    expect(session.onEnded).not.toHaveBeenCalled();
  });

  it('answers the refusal, and keeps the session, when the user declines to give the password', async () => {
    const { session, send, storage } = setUp({ access: token('stale', NOW + 600) }, () => refused('fresh_token_required'));
    session.confirmPassword = vi.fn(async () => false);
    expect((await send('/item', { method: 'POST', body: '{}' })).status).toBe(401);
    expect(session.onEnded).not.toHaveBeenCalled();
    expect(storage.getItem(ACCESS_KEY)).not.toBeNull();
  });

  it('ends the session when the service refuses its token (revoked, or its user deleted)', async () => {
    for (const error of ['token_revoked', 'invalid_token']) {
      const { session, send, storage } = setUp({ access: token('a1', NOW + 600), refresh: 'r1' }, () => refused(error));
      expect((await send('/me')).status).toBe(401);
      expect(session.onEnded).toHaveBeenCalledTimes(1);
      expect([storage.getItem(ACCESS_KEY), storage.getItem(REFRESH_KEY)]).toEqual([null, null]);
    }
  });

  it('ends the session before a read when its token has expired and cannot be refreshed (reads need no token)', async () => {
    const { session, send, seen } = setUp({ access: token('a1', NOW - 5), refresh: 'spent' }, (_request, entry) =>
      entry.path === '/refresh' ? refused('token_revoked') : json(200, []),
    );
    expect((await send('/store')).status).toBe(200);
    expect(session.onEnded).toHaveBeenCalledTimes(1);
    expect(seen.at(-1)).toEqual({ path: '/store', as: null, body: '' });
  });

  it('takes the tokens another tab got when that tab used the shared refresh token first', async () => {
    const { send, seen, storage } = setUp({ access: token('a1', NOW + 10), refresh: 'r1' }, (_request, entry) => {
      if (entry.path !== '/refresh') return json(200, {});
      storage.setItem(ACCESS_KEY, token('other-tab', NOW + 900));
      storage.setItem(REFRESH_KEY, 'r2');
      return refused('token_revoked');
    });
    await send('/store');
    expect(seen.at(-1)?.as).toBe('other-tab');
    expect(storage.getItem(REFRESH_KEY)).toBe('r2');
  });

  it('keeps the refresh token for later when the service could not answer the refresh', async () => {
    const { send, storage, session } = setUp({ access: token('a1', NOW + 10), refresh: 'r1' }, (_request, entry) =>
      entry.path === '/refresh' ? json(503, { code: 503, status: 'Service Unavailable' }) : json(200, {}),
    );
    await send('/store');
    expect(storage.getItem(REFRESH_KEY)).toBe('r1');
    expect(session.onEnded).not.toHaveBeenCalled();
  });

  it('signs out with one request that revokes both tokens, and forgets them', async () => {
    const { session, seen, storage } = setUp({ access: token('a1', NOW + 600), refresh: 'r1' }, () => json(200, {}));
    await session.signOut();
    expect(seen).toEqual([{ path: '/logout', as: 'a1', body: '{"refresh_token":"r1"}' }]);
    expect(session.signedIn()).toBe(false);
    expect(storage.items.size).toBe(0);
  });
});
