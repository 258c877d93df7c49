import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../../client/openapi.js';
import { must } from './api-error.js';

/** Where the tokens are kept: the page's localStorage, so that a reload stays signed in. */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const ACCESS_KEY = 'junction.access_token';
export const REFRESH_KEY = 'junction.refresh_token';

/** An access token this close to its expiry is refreshed before it is sent. */
const EARLY_SECONDS = 30;

export interface SessionOptions {
  storage: TokenStorage;
  /** The service's origin; '' (the page's own) in the browser. */
  baseUrl?: string;
  fetch?: (request: Request) => Promise<Response>;
  /** The time in seconds (tests set it). */
  now?: () => number;
}

/** The `exp` claim of a JWT, read without checking it (the service checks it). */
function expiresAt(token: string): number | undefined {
  try {
    const payload = token.split('.')[1] ?? '';
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp : undefined;
  } catch {
    return undefined;
  }
}

/** flask-jwt-extended's `error` code of a 401 answer. */
async function authCode(response: Response): Promise<string | undefined> {
  if (response.status !== 401) return undefined;
  try {
    const body = (await response.clone().json()) as { error?: unknown };
    return typeof body.error === 'string' ? body.error : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The signed-in user's tokens, and the `fetch` through which the console's typed client sends every
 * request: it adds the access token, refreshes it as it expires (once, for every request waiting on
 * it), asks for the password again when a change needs a fresh token, and ends the session when the
 * service no longer takes its tokens.
 */
export class Session {
  /** Told when the session ends without the user signing out: its tokens expired or were revoked. */
  onEnded: () => void = () => undefined;
  /** Asks the user for the password when a change needs a fresh token; resolves whether they gave it. */
  confirmPassword: () => Promise<boolean> = () => Promise.resolve(false);

  /** A client of the sign-in routes, which send their own credentials. */
  private readonly auth: Client<paths>;
  private readonly send: (request: Request) => Promise<Response>;
  private readonly now: () => number;
  private refreshing: Promise<boolean> | undefined;

  constructor(private readonly options: SessionOptions) {
    const send = options.fetch ?? ((request: Request) => fetch(request));
    this.send = send;
    this.now = options.now ?? (() => Date.now() / 1000);
    this.auth = createClient<paths>({ baseUrl: options.baseUrl, fetch: send });
  }

  signedIn(): boolean {
    return this.options.storage.getItem(ACCESS_KEY) !== null;
  }

  async signIn(username: string, password: string): Promise<void> {
    const tokens = await must(this.auth.POST('/login', { body: { username, password } }));
    this.keep(tokens.access_token, tokens.refresh_token);
  }

  async register(username: string, password: string): Promise<void> {
    await must(this.auth.POST('/register', { body: { username, password } }));
    await this.signIn(username, password);
  }

  /** Signs in again (a fresh token), and revokes the tokens it replaces. */
  async reauthenticate(username: string, password: string): Promise<void> {
    const [access, refresh] = [this.options.storage.getItem(ACCESS_KEY), this.options.storage.getItem(REFRESH_KEY)];
    await this.signIn(username, password);
    if (access) void this.revoke(access, refresh).catch(() => undefined);
  }

  /** Forgets the tokens, and has the service revoke both (one request, `POST /logout`). */
  async signOut(): Promise<void> {
    // A refresh now would leave the refresh token sent below already spent, and its successor alive.
    await this.refreshIfExpiring();
    const [access, refresh] = [this.options.storage.getItem(ACCESS_KEY), this.options.storage.getItem(REFRESH_KEY)];
    this.clear();
    if (access) await this.revoke(access, refresh).catch(() => undefined);
  }

  /** The console's `fetch`: see the class. */
  async fetch(request: Request): Promise<Response> {
    const again = request.clone();
    await this.refreshIfExpiring();
    let response = await this.authorized(request);
    let code = await authCode(response);
    if (code === 'token_expired' && (await this.refresh())) {
      response = await this.authorized(again.clone());
      code = await authCode(response);
    }
    if (code === 'fresh_token_required' && (await this.confirmPassword())) {
      response = await this.authorized(again.clone());
      code = await authCode(response);
    }
    if (code !== undefined && code !== 'fresh_token_required') this.end();
    return response;
  }

  private end(): void {
    this.clear();
    this.onEnded();
  }

  private authorized(request: Request): Promise<Response> {
    const access = this.options.storage.getItem(ACCESS_KEY);
    if (access) request.headers.set('authorization', `Bearer ${access}`);
    return this.send(request);
  }

  /**
   * Refreshes an access token about to expire. One that has expired and cannot be refreshed ends the
   * session here: reads need no token, so no 401 would tell.
   */
  private async refreshIfExpiring(): Promise<void> {
    const access = this.options.storage.getItem(ACCESS_KEY);
    const expiry = access ? expiresAt(access) : undefined;
    if (expiry === undefined || expiry - this.now() >= EARLY_SECONDS) return;
    if (!(await this.refresh()) && expiry <= this.now()) this.end();
  }

  /** One refresh at a time: a refresh token works once, so every request waiting shares its outcome. */
  private refresh(): Promise<boolean> {
    this.refreshing ??= this.refreshOnce().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refreshOnce(): Promise<boolean> {
    const { storage } = this.options;
    const refresh = storage.getItem(REFRESH_KEY);
    if (!refresh) return false;
    const outcome = await this.auth.POST('/refresh', { headers: { authorization: `Bearer ${refresh}` } }).catch(() => undefined);
    if (!outcome) return false;
    if (!outcome.data) {
      // The service could not answer now: the token may still work later.
      if (outcome.response.status !== 401) return false;
      // Another tab may have used the same refresh token first, and kept what it got.
      if (storage.getItem(REFRESH_KEY) !== refresh) return storage.getItem(ACCESS_KEY) !== null;
      storage.removeItem(REFRESH_KEY);
      return false;
    }
    // A service that rotates refresh tokens sends a new one; one that does not has revoked the one used.
    const rotated = (outcome.data as { refresh_token?: unknown }).refresh_token;
    this.keep(outcome.data.access_token, typeof rotated === 'string' ? rotated : undefined);
    return true;
  }

  private keep(access: string, refresh: string | undefined): void {
    this.options.storage.setItem(ACCESS_KEY, access);
    if (refresh) this.options.storage.setItem(REFRESH_KEY, refresh);
    else this.options.storage.removeItem(REFRESH_KEY);
  }

  private clear(): void {
    this.options.storage.removeItem(ACCESS_KEY);
    this.options.storage.removeItem(REFRESH_KEY);
  }

  private async revoke(access: string, refresh: string | null): Promise<void> {
    await this.auth.POST('/logout', {
      headers: { authorization: `Bearer ${access}` },
      body: refresh ? { refresh_token: refresh } : {},
    });
  }
}
