import type { FastifyReply } from 'fastify';
import type { JsonText } from '../database/sql-flavor.js';

/**
 * Sends JSON the database has already written (its shape comes from the same schemas, through
 * `columnsOf`): Fastify sends a string with a JSON content type as it is, unserialized.
 */
export function sendJson<T>(reply: FastifyReply, json: JsonText<T>, status = 200): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(json);
}
