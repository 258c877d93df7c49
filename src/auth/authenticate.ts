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

const BEARER = /^Bearer ([^\s]+)$/;

/**
 * Checks a token in flask-jwt-extended's order (header, signature and claims, type, freshness,
 * revocation), each failure with its `error` code; then, for admin routes, the right (403).
 */
function check(requirement: AuthRequirement, issuer: TokenIssuer, revoked: Revocations): onRequestHookHandler {
  return async (request) => {
    const header = request.headers.authorization;
    if (!header) throw new AuthError('authorization_required', 'Request does not contain an access token.');
    const token = BEARER.exec(header)?.[1];
    if (!token) throw new AuthError('invalid_token', "Expected an 'Authorization: Bearer <token>' header.");
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
    if (await revoked.isRevoked(claims.jti)) throw new AuthError('token_revoked', 'The token has been revoked.');
    if (requirement.admin && !claims.is_admin) throw forbidden('Admin privilege required.');
    request.principal = { id: Number(claims.sub), isAdmin: claims.is_admin, claims };
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
