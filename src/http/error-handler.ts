import type { FastifyError, FastifyInstance } from 'fastify';
import type { ErrorObject } from 'ajv';
import { unstorableValue } from '../database/errors.js';
import { unavailable } from '../database/unavailable.js';
import { discardBody } from './discard-body.js';
import { envelope, HttpError, type Envelope } from './http-error.js';
import { toFieldMessages } from './validation-messages.js';

/** Seconds a client is asked to wait before it sends again a request the database could not serve. */
export const RETRY_AFTER_SECONDS = 1;

const LOCATIONS: Record<string, string> = { body: 'json', querystring: 'query', headers: 'headers' };

function fromValidation(error: FastifyError): Envelope {
  // A path id that is not a positive integer names nothing: the answer is 404, not 422.
  if (error.validationContext === 'params') {
    const param = (error.validation?.[0]?.instancePath ?? '').slice(1).replace(/_id$/, '');
    const noun = param ? `${param[0]!.toUpperCase()}${param.slice(1)}` : 'Resource';
    return envelope(404, { message: `${noun} not found.` });
  }
  const location = LOCATIONS[error.validationContext ?? 'body'] ?? 'json';
  return envelope(422, { errors: { [location]: toFieldMessages(error.validation as unknown as ErrorObject[]) } });
}

function toEnvelope(error: FastifyError): Envelope | undefined {
  if (error instanceof HttpError) return error.toEnvelope();
  if (error.validation) return fromValidation(error);
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return envelope(413, { message: 'The request body is larger than the 1 MiB limit.' });
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return envelope(415, { message: 'The request body must be JSON (Content-Type: application/json).' });
  }
  if (unstorableValue(error)) return envelope(422, { message: 'The database cannot store a value of the request.' });
  if (unavailable(error)) {
    return envelope(503, { message: 'The database cannot serve the request now; try again shortly.' });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return envelope(status, { message: error.message });
  return undefined;
}

/**
 * Every error leaves in the envelope. Client errors say what was wrong; anything else is logged with
 * its stack and answered with a 500 that shows neither the stack nor any SQL.
 */
export function errorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const body = toEnvelope(error);
    if (error instanceof HttpError && error.headers) reply.headers(error.headers);
    if (unavailable(error)) request.log.warn({ err: error }, 'the database could not serve the request');
    if (body?.code === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    if (body?.code === 413) {
      // The client may still be sending: it reads the answer only once its body is in.
      await discardBody(request.raw);
      reply.header('connection', 'close');
    }
    if (body) return reply.code(body.code).send(body);
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(envelope(500, { message: 'The server could not complete the request.' }));
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(envelope(404, { message: `No route ${request.method} ${request.url.split('?')[0]}.` })),
  );
}
