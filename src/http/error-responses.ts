import type { FastifyInstance, FastifySchema } from 'fastify';
import { ErrorEnvelope, ref } from './schemas.js';

const errorResponse = ref(ErrorEnvelope);

/** Error responses for a route's own rules, for its schema: `...errors(400, 404)`. */
export const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, errorResponse]));

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 0 } },
};

/** What each error status means wherever it is answered (the message says more), for the API document. */
export const ERROR_ANSWERS: Record<number, { description: string; headers?: typeof RETRY_AFTER }> = {
  400: { description: "Malformed JSON, or the request breaks one of the operation's rules (the message says which)." },
  401: { description: 'No valid token: missing, malformed, expired, revoked, of the wrong type or not fresh (`error` says which).' },
  403: { description: "A valid token whose user may not do this (not the store's owner, not an admin, not that user)." },
  404: { description: 'A row named by the path (or the body) does not exist.' },
  409: { description: 'The name is taken.' },
  413: { description: 'The body is over 1 MiB.' },
  415: { description: 'The body is not sent as JSON (`Content-Type: application/json`).' },
  422: { description: 'Validation failed: `errors.json` (the body) or `errors.query` lists the messages by field.' },
  429: { description: 'Too many requests from this address.', headers: RETRY_AFTER },
  500: { description: 'A fault of the service; the answer shows no details (the log has them).' },
  503: { description: 'The database cannot answer in time, or the service is shedding load.', headers: RETRY_AFTER },
};

/**
 * Adds to every route the error answers its schema implies, so the OpenAPI document lists every code a
 * route can return: 404 for a path id, 400/413/415/422 for a body, 422 for a query or a header, 401 (and 403 for
 * admins only) when it needs a token, and 500 and 503 (a database that cannot answer in time) anywhere.
 */
export function documentErrors(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema: FastifySchema = route.schema ?? {};
    if ((schema as { hide?: boolean }).hide) return;
    const codes = [500, 503];
    if (schema.params) codes.push(404);
    if (schema.body) codes.push(400, 413, 415, 422);
    if (schema.querystring || schema.headers) codes.push(422);
    if (route.config?.auth) codes.push(401);
    if (route.config?.auth?.admin) codes.push(403);
    route.schema = { ...schema, response: { ...errors(...codes), ...(schema.response as object) } };
  });
}
