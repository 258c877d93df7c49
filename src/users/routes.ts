import { AuthError } from '../auth/auth-error.js';
import { principal } from '../auth/authenticate.js';
import type { Revocations } from '../auth/revocations.js';
import { TokenError, type Claims, type TokenIssuer } from '../auth/tokens.js';
import type { App } from '../http/app-types.js';
import { errors } from '../http/error-responses.js';
import { conflict, forbidden, found, HttpError, notFound } from '../http/http-error.js';
import { described, IdParams, Message, ref } from '../http/schemas.js';
import { IdempotencyHeaders, type Idempotent } from '../http/idempotency.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { UserRepository } from './repository.js';
import { Credentials, LogoutBody, Me, Tokens, User } from './schemas.js';

const tags = ['users'];
const UserParams = IdParams('user_id');

/**
 * The claims of `token` when it is a refresh token of user `id`; undefined when it has expired (there is
 * nothing left to revoke). Anything else is a 422: signing out must not pass over a token it was given.
 */
async function ownRefreshToken(issuer: TokenIssuer, token: string, id: number): Promise<Claims | undefined> {
  const refused = new HttpError(422, undefined, { json: { refresh_token: ['Not a refresh token of this user.'] } });
  let claims: Claims;
  try {
    claims = await issuer.verify(token);
  } catch (error) {
    if (error instanceof TokenError && error.error === 'token_expired') return undefined;
    if (error instanceof TokenError) throw refused;
    throw error;
  }
  if (claims.type !== 'refresh' || Number(claims.sub) !== id) throw refused;
  return claims;
}

export interface UserRouteDeps {
  users: UserRepository;
  issuer: TokenIssuer;
  revoked: Revocations;
  /** Requests per minute per client address on /register and /login. */
  authRateLimit: number;
  idempotent: Idempotent;
}

export async function userRoutes(app: App, { users, issuer, revoked, authRateLimit, idempotent }: UserRouteDeps) {
  const rateLimit = { max: authRateLimit, timeWindow: 60_000 };

  app.post(
    '/register',
    {
      config: { rateLimit },
      schema: {
        operationId: 'register',
        tags,
        summary: 'Sign up',
        headers: IdempotencyHeaders,
        body: Credentials,
        response: { 201: described(ref(Message), 'The user was created.'), ...errors(409, 429) },
      },
    },
    async (request, reply) => {
      // Hashed before the transaction, which need not wait for Argon2.
      const passwordHash = await hashPassword(request.body.password);
      return idempotent(request, reply, async (executor) => {
        if ((await users.create(request.body.username, passwordHash, executor)) === 'duplicate') {
          throw conflict('A user with that username already exists.');
        }
        return { status: 201, body: { message: 'User created successfully.' } };
      });
    },
  );

  app.post(
    '/login',
    {
      config: { rateLimit },
      schema: {
        operationId: 'login',
        tags,
        summary: 'Sign in: a fresh access token and a refresh token',
        body: Credentials,
        response: { 200: described(ref(Tokens), 'A fresh access token and a refresh token.'), ...errors(401, 429) },
      },
    },
    async (request) => {
      const account = await users.account(request.body.username);
      if (!(await verifyPassword(request.body.password, account?.passwordHash)) || !account) {
        throw new HttpError(401, 'Invalid credentials.');
      }
      return issuer.login(account);
    },
  );

  app.post(
    '/refresh',
    {
      config: { auth: { refresh: true } },
      schema: {
        operationId: 'refresh',
        tags,
        summary: 'A new (not fresh) access token and a new refresh token; the refresh token used is revoked',
        response: { 200: described(ref(Tokens), 'A new access token (not fresh) and a new refresh token.') },
      },
    },
    async (request) => {
      const { id, claims } = principal(request);
      // A refresh token is used once: of two requests racing with the same one, only the first gets a token.
      if (!(await revoked.revoke(claims.jti, claims.exp))) throw new AuthError('token_revoked', 'The token has been revoked.');
      // A refresh token lives for 30 days: the user must still exist, and be an admin still to stay one.
      const isAdmin = await users.isAdmin(id);
      if (isAdmin === undefined) throw new AuthError('invalid_token', "The token's user no longer exists.");
      return issuer.refreshed({ id, isAdmin });
    },
  );

  app.post(
    '/logout',
    {
      config: { auth: {} },
      schema: {
        operationId: 'logout',
        tags,
        summary: 'Revoke the access token used, and the refresh token given in the body',
        body: LogoutBody,
        response: { 200: described(ref(Message), 'The tokens are revoked.') },
      },
    },
    async (request) => {
      const { id, claims } = principal(request);
      const refreshToken = request.body?.refresh_token;
      if (refreshToken !== undefined) {
        const refresh = await ownRefreshToken(issuer, refreshToken, id);
        if (refresh) await revoked.revoke(refresh.jti, refresh.exp);
      }
      await revoked.revoke(claims.jti, claims.exp);
      return { message: 'Successfully logged out' };
    },
  );

  app.get(
    '/me',
    {
      config: { auth: {} },
      schema: {
        operationId: 'getMe',
        tags,
        summary: 'The user the token speaks for',
        response: { 200: described(ref(Me), 'Who the token speaks for, with admin rights as they are now.') },
      },
    },
    async (request) => {
      const caller = principal(request);
      const user = found(await users.get(caller.id), 'User not found.');
      // Admin rights as they are now (as every route checks them), not as the token's claim says.
      return { ...user, is_admin: caller.isAdmin };
    },
  );

  app.get(
    '/user/:user_id',
    {
      config: { auth: {} },
      schema: {
        operationId: 'getUser',
        tags,
        summary: 'Get a user',
        params: UserParams,
        response: { 200: described(ref(User), 'The user.') },
      },
    },
    async (request) => found(await users.get(request.params.user_id), 'User not found.'),
  );

  app.delete(
    '/user/:user_id',
    {
      config: { auth: {} },
      schema: {
        operationId: 'deleteUser',
        tags,
        summary: 'Delete a user (an admin, or that user)',
        params: UserParams,
        response: { 200: described(ref(Message), 'The user was deleted.'), ...errors(403) },
      },
    },
    async (request) => {
      const caller = principal(request);
      if (!caller.isAdmin && caller.id !== request.params.user_id) throw forbidden('Only that user or an admin may do that.');
      if (!(await users.remove(request.params.user_id))) throw notFound('User not found.');
      return { message: 'User deleted.' };
    },
  );
}
