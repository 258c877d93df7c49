import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** An id a caller may choose: 1 to 128 visible ASCII characters, safe in a header and a log line. */
const SANE = /^[\x21-\x7e]{1,128}$/;

/**
 * The id of a request (Fastify's `genReqId`): the caller's `X-Request-Id` when it is sane, so that a
 * request can be followed from the client or a proxy through the log; otherwise a new UUID, unique
 * across processes and restarts (Fastify's own `req-1` starts again with every process).
 */
export function requestId(raw: IncomingMessage): string {
  const given = raw.headers['x-request-id'];
  return typeof given === 'string' && SANE.test(given) ? given : randomUUID();
}

/** Every answer carries its request's id, errors, 404s and 405s included; every log line about it has it as `reqId`. */
export function answerRequestIds(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
}
