import { createHmac } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../database/connection.js';
import { idempotencyKeys, type KeyName } from '../database/idempotency-keys.js';
import type { Executor } from '../database/prepared.js';
import { HttpError } from './http-error.js';
import { sendJson } from './send-json.js';

/** How long a key is remembered: a retry after that is a new request. */
export const KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

const HEADER = 'Idempotency-Key';
// Printable ASCII, with no space at either end (HTTP drops those, so a key would not survive a proxy).
const KEY = /^(?! )[\x20-\x7e]{1,255}(?<! )$/;

/** The header of a retry-safe create, as its route declares it (the API document's parameter). */
export const IdempotencyHeaders = Type.Object({
  [HEADER]: Type.Optional(
    Type.String({
      description:
        'Makes the create retry-safe (1 to 255 printable ASCII characters, unique per request). A retry with the ' +
        'same key and the same request (method, path, body) within 24 hours is answered the first answer again, ' +
        'with `Idempotent-Replayed: true`, and creates nothing; the same key with another request is refused 422. ' +
        'Keys are the caller’s own; a refused request (4xx) is not remembered and may be sent again.',
    }),
  ),
});

/** A create's success: refusals are thrown (`HttpError`), so they roll back and are never kept. */
export interface Answer {
  status: 200 | 201;
  /** An object (serialized by the route's response schema), or JSON text the database wrote. */
  body: unknown;
}

/** The work of a create, run by `executor`: the transaction that also keeps the key, when there is one. */
export type Create = (executor: Executor) => Promise<Answer>;

export type Idempotent = (request: FastifyRequest, reply: FastifyReply, create: Create) => Promise<FastifyReply>;

const refusal = (message: string) => new HttpError(422, undefined, { headers: { [HEADER]: [message] } });

/** JSON with object keys sorted: the same body, whatever order its fields were sent in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonical(field)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? '';
}

const send = (reply: FastifyReply, { status, body }: Answer) =>
  typeof body === 'string' ? sendJson(reply, body, status) : reply.code(status).send(body);

/**
 * Retry-safe creates (API.md §2, as Stripe's API does). Without an `Idempotency-Key` the create runs as
 * it always did. With one, the key is claimed, the create made and its answer kept in one transaction,
 * so no crash can leave a create without its key; a retry finds the key and is answered the first
 * answer. Requests are told apart by an HMAC of method, path and body, keyed by a secret, so a password
 * in a body is not kept in a form that is quick to guess.
 */
export function idempotency(database: Database, secret: Uint8Array): Idempotent {
  const keys = idempotencyKeys(database);
  const fingerprintKey = createHmac('sha256', secret).update('junction idempotency fingerprint').digest();
  // The route and its path's values, as read: `/item/1/tag/2` however its digits were spelled or encoded.
  const fingerprint = ({ method, routeOptions, params, body }: FastifyRequest) =>
    createHmac('sha256', fingerprintKey)
      .update(`${method} ${routeOptions.url} ${canonical(params)}\n${canonical(body)}`)
      .digest('hex');

  return async (request, reply, create) => {
    const key = request.headers['idempotency-key'];
    if (key === undefined) return send(reply, await create(database.db));
    if (typeof key !== 'string' || !KEY.test(key)) throw refusal('Must be 1 to 255 printable ASCII characters.');
    const name: KeyName = { scope: request.principal ? `user:${request.principal.id}` : 'anonymous', key };
    const print = fingerprint(request);
    const now = Date.now();
    const expiredBefore = now - KEY_LIFETIME_MS;
    await keys.purge(expiredBefore);

    const outcome = await database.db.transaction().execute(async (trx) => {
      // A key whose row disappears between the two statements (it expired and was purged) is free again.
      for (;;) {
        if (await keys.claim(trx, name, print, now, expiredBefore)) {
          const answer = await create(trx);
          // Serialized once, by the route's schema for this status: the replay sends the very same text.
          const body = typeof answer.body === 'string' ? answer.body : (reply.code(answer.status).serialize(answer.body) as string);
          await keys.answer(trx, name, answer.status, body);
          return { status: answer.status, body, replayed: false };
        }
        const stored = await keys.find(trx, name);
        if (stored && stored.fingerprint !== print) {
          throw refusal('This key was used for another request in the last 24 hours; send a new key with a new request.');
        }
        if (stored) return { status: stored.status, body: stored.body, replayed: true };
      }
    });
    if (outcome.replayed) reply.header('idempotent-replayed', 'true');
    return sendJson(reply, outcome.body, outcome.status);
  };
}
