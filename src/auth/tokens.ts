import { randomUUID, webcrypto } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

export const ACCESS_TTL_SECONDS = 15 * 60;
export const REFRESH_TTL_SECONDS = 30 * 24 * 60 * 60;
export const MIN_SECRET_BYTES = 32;
/** Verified tokens remembered, the oldest forgotten first: a few MB at most. */
const REMEMBERED_TOKENS = 4096;

export type TokenType = 'access' | 'refresh';

/** flask-jwt-extended's claims, plus `is_admin`. */
export interface Claims {
  sub: string;
  type: TokenType;
  fresh: boolean;
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
  is_admin: boolean;
}

/** Why a token was refused, with flask-jwt-extended's `error` code. */
export class TokenError extends Error {
  constructor(
    readonly error: 'invalid_token' | 'token_expired',
    message: string,
  ) {
    super(message);
  }
}

/** HS256 tokens: the algorithm is pinned both ways, so `alg: none` or any other is refused. */
export function tokenIssuer(secret: Uint8Array) {
  if (secret.byteLength < MIN_SECRET_BYTES) throw new Error(`the JWT secret must be at least ${MIN_SECRET_BYTES} bytes`);
  // Imported into WebCrypto once: given the bytes or a KeyObject, jose imports them on every signature.
  const key = webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);

  async function sign(type: TokenType, user: { id: number; isAdmin: boolean }, fresh: boolean): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ type, fresh, is_admin: user.isAdmin })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(user.id))
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + (type === 'access' ? ACCESS_TTL_SECONDS : REFRESH_TTL_SECONDS))
      .sign(await key);
  }

  /**
   * Tokens whose signature and claims were checked, with their claims. A client sends one access token
   * with every request for up to 15 minutes, and checking it through WebCrypto costs 60–80 µs, a sixth of
   * a link request's CPU. Only the exact text of a token that passed is found here, and only until it
   * expires; revocation is checked per request elsewhere, so a logout still takes effect at once.
   */
  const verified = new Map<string, Claims>();

  function remembered(token: string): Claims | undefined {
    const claims = verified.get(token);
    if (claims && claims.exp > Math.floor(Date.now() / 1000)) return claims;
    verified.delete(token);
    return undefined;
  }

  function remember(token: string, claims: Claims): Claims {
    if (verified.size >= REMEMBERED_TOKENS) verified.delete(verified.keys().next().value!);
    verified.set(token, Object.freeze(claims));
    return claims;
  }

  async function verify(token: string): Promise<Claims> {
    return remembered(token) ?? remember(token, await check(token));
  }

  async function check(token: string): Promise<Claims> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, await key, {
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'jti', 'iat', 'nbf', 'exp'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new TokenError('token_expired', 'The token has expired.');
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'nbf') {
        throw new TokenError('invalid_token', 'The token is not valid yet.');
      }
      throw new TokenError('invalid_token', 'Signature verification failed.');
    }
    const { sub, type, fresh, jti, iat, nbf, exp, is_admin } = payload;
    const valid =
      typeof sub === 'string' &&
      /^\d+$/.test(sub) &&
      (type === 'access' || type === 'refresh') &&
      typeof fresh === 'boolean' &&
      typeof jti === 'string' &&
      typeof is_admin === 'boolean' &&
      typeof iat === 'number' &&
      iat <= Math.floor(Date.now() / 1000) + 1;
    if (!valid) throw new TokenError('invalid_token', 'The token has invalid claims.');
    return { sub, type, fresh, jti, iat, nbf: nbf as number, exp: exp as number, is_admin };
  }

  return {
    /** An access and a refresh token for a user who just proved who they are (the access token is fresh). */
    login: async (user: { id: number; isAdmin: boolean }) => ({
      access_token: await sign('access', user, true),
      refresh_token: await sign('refresh', user, false),
    }),
    /**
     * New tokens for a refresh token (which the caller revokes): an access token that is not fresh, as
     * the user gave no password, and a new refresh token, so a client always has one that works.
     */
    refreshed: async (user: { id: number; isAdmin: boolean }) => ({
      access_token: await sign('access', user, false),
      refresh_token: await sign('refresh', user, false),
    }),
    verify,
  };
}

export type TokenIssuer = ReturnType<typeof tokenIssuer>;
