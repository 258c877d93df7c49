import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { forbidden } from '../http/http-error.js';
import { AuthError } from './auth-error.js';
import type { Revocations } from './revocations.js';
import { TokenError, type Claims, type TokenIssuer } from './tokens.js';

/** What a route asks of its caller: a signed-in user, by default with an access token. */
export interface AuthRequirement {
  /** A fresh access token: one from a password, not from a refresh (POST /item). */
  fresh?: boolean;
  /** A refresh token instead of an access token (POST /refresh). */
  refresh?: boolean;
  /** An admin. */
  admin?: boolean;
}

export interface Principal {
  id: number;
  isAdmin: boolean;
  claims: Claims;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthRequirement;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The scheme of an `Authorization` header (a case-insensitive token, RFC 7235) and what follows it. */
const CREDENTIALS = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s+(.*?))?\s*$/;
const SINGLE_TOKEN = /^[^\s]+$/;
const EXPECTED = "Expected 'Authorization: Bearer <JWT>'.";

/**
 * The bearer token of an `Authorization` header, read as flask-jwt-extended reads it: no header, or
 * none of its comma-separated credentials of the Bearer scheme, is `authorization_required`; a Bearer
 * credential with no token, or more than one, is `invalid_token`.
 */
function bearerToken(header: string | undefined): string {
  if (!header) throw new AuthError('authorization_required', 'Request does not contain an access token.');
  const bearer = header
    .split(',')
    .map((credentials) => CREDENTIALS.exec(credentials))
    .find((match) => match?.[1]?.toLowerCase() === 'bearer');
  if (!bearer) throw new AuthError('authorization_required', `Missing 'Bearer' type in 'Authorization' header. ${EXPECTED}`);
  const token = bearer[2] ?? '';
  if (!SINGLE_TOKEN.test(token)) throw new AuthError('invalid_token', `Bad 'Authorization' header. ${EXPECTED}`);
  return token;
}

/**
 * Checks a token in flask-jwt-extended's order (header, signature and claims, type, freshness,
 * revocation, then its user, as its user loader would), each failure with its `error` code; then, for
 * admin routes, the right (403), from the user as they are now.
 */
function check(requirement: AuthRequirement, issuer: TokenIssuer, revoked: Revocations): onRequestHookHandler {
  return async (request) => {
    const token = bearerToken(request.headers.authorization);
    let claims: Claims;
    try {
      claims = await issuer.verify(token);
    } catch (error) {
      if (error instanceof TokenError) throw new AuthError(error.error, error.message);
      throw error;
    }
    if (requirement.refresh && claims.type !== 'refresh') throw new AuthError('invalid_token', 'Only refresh tokens are allowed.');
    if (!requirement.refresh && claims.type !== 'access') throw new AuthError('invalid_token', 'Only access tokens are allowed.');
    if (requirement.fresh && !claims.fresh) throw new AuthError('fresh_token_required', 'The token is not fresh.');
    const standing = await revoked.standing(claims.jti, Number(claims.sub));
    if (standing === 'revoked') throw new AuthError('token_revoked', 'The token has been revoked.');
    // Every route refuses a deleted user's token alike, whatever it would have done with it.
    if (standing === 'no_user') throw new AuthError('invalid_token', "The token's user no longer exists.");
    if (requirement.admin && !standing.isAdmin) throw forbidden('Admin privilege required.');
    request.principal = { id: Number(claims.sub), isAdmin: standing.isAdmin, claims };
  };
}

/**
 * Routes that declare `config: { auth: {…} }` get the token check before anything else is read (so a
 * caller without a token learns nothing about the body), and the bearer scheme in the API document.
 */
export function authentication(app: FastifyInstance, issuer: TokenIssuer, revoked: Revocations): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRoute', (route) => {
    const requirement = route.config?.auth;
    if (!requirement) return;
    route.onRequest = [...[route.onRequest ?? []].flat(), check(requirement, issuer, revoked)];
    route.schema = { ...route.schema, security: [{ bearerAuth: [] }] };
  });
}

/** The caller of a route that requires authentication. */
export function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new AuthError('authorization_required', 'Request does not contain an access token.');
  return request.principal;
}
