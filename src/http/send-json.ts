import type { FastifyReply } from 'fastify';
import type { JsonBytes, JsonText } from '../database/sql-flavor.js';

/**
 * Sends JSON the database has already written (its shape comes from the same schemas, through
 * `columnsOf`): Fastify sends a string or bytes with a JSON content type as they are, unserialized.
 */
export function sendJson<T>(reply: FastifyReply, json: JsonText<T> | JsonBytes<T>, status = 200): FastifyReply {
  const body = typeof json === 'string' ? json : Buffer.from(json.buffer, json.byteOffset, json.byteLength);
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}
