import type { FastifyInstance } from 'fastify';
import { HttpError } from './http-error.js';

export const BODY_LIMIT = 1024 * 1024;

/**
 * JSON is the only body the API reads: Fastify's text parser goes, so any other content type is a 415.
 * Fastify's JSON parser is replaced so that a malformed body gets the original's answer, and an empty
 * one counts as `{}` (webargs did the same), so a missing body reports its missing fields.
 */
export function jsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new HttpError(400, undefined, { json: ['Invalid JSON body.'] }), undefined);
    }
  });
}
