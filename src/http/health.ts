import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../database/connection.js';
import { HttpError } from './http-error.js';
import { errors } from './error-responses.js';

export function health(app: FastifyInstance, database: Database): void {
  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Whether the service and its database answer',
        response: { 200: Type.Object({ status: Type.Literal('ok') }), ...errors(503) },
      },
    },
    async (request) => {
      try {
        await database.ping();
      } catch (err) {
        request.log.warn({ err }, 'database did not answer the health check');
        throw new HttpError(503, 'The database is not answering.');
      }
      return { status: 'ok' as const };
    },
  );
}
