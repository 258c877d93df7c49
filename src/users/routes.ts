import { AuthError } from '../auth/auth-error.js';
import { principal } from '../auth/authenticate.js';
import type { Revocations } from '../auth/revocations.js';
import type { TokenIssuer } from '../auth/tokens.js';
import type { App } from '../http/app-types.js';
import { errors } from '../http/error-responses.js';
import { conflict, forbidden, found, HttpError, notFound } from '../http/http-error.js';
import { IdParams, Message, ref } from '../http/schemas.js';
import { IdempotencyHeaders, type Idempotent } from '../http/idempotency.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { UserRepository } from './repository.js';
import { AccessToken, Credentials, Tokens, User } from './schemas.js';

const tags = ['users'];
const UserParams = IdParams('user_id');

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
        tags,
        summary: 'Sign up',
        headers: IdempotencyHeaders,
        body: Credentials,
        response: { 201: ref(Message), ...errors(409, 429) },
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
      schema: { tags, summary: 'Sign in: a fresh access token and a refresh token', body: Credentials, response: { 200: ref(Tokens), ...errors(401, 429) } },
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
      schema: { tags, summary: 'A new (not fresh) access token; the refresh token used is revoked', response: { 200: ref(AccessToken) } },
    },
    async (request) => {
      const { id, claims } = principal(request);
      // A refresh token is used once: of two requests racing with the same one, only the first gets a token.
      if (!(await revoked.revoke(claims.jti, claims.exp))) throw new AuthError('token_revoked', 'The token has been revoked.');
      // A refresh token lives for 30 days: the user must still exist, and be an admin still to stay one.
      const isAdmin = await users.isAdmin(id);
      if (isAdmin === undefined) throw new AuthError('invalid_token', "The token's user no longer exists.");
      return { access_token: await issuer.refreshed({ id, isAdmin }) };
    },
  );

  app.post(
    '/logout',
    { config: { auth: {} }, schema: { tags, summary: 'Revoke the access token used', response: { 200: ref(Message) } } },
    async (request) => {
      const { claims } = principal(request);
      await revoked.revoke(claims.jti, claims.exp);
      return { message: 'Successfully logged out' };
    },
  );

  app.get(
    '/user/:user_id',
    { config: { auth: {} }, schema: { tags, summary: 'Get a user', params: UserParams, response: { 200: ref(User) } } },
    async (request) => found(await users.get(request.params.user_id), 'User not found.'),
  );

  app.delete(
    '/user/:user_id',
    {
      config: { auth: {} },
      schema: { tags, summary: 'Delete a user (an admin, or that user)', params: UserParams, response: { 200: ref(Message), ...errors(403) } },
    },
    async (request) => {
      const caller = principal(request);
      if (!caller.isAdmin && caller.id !== request.params.user_id) throw forbidden('Only that user or an admin may do that.');
      if (!(await users.remove(request.params.user_id))) throw notFound('User not found.');
      return { message: 'User deleted.' };
    },
  );
}
