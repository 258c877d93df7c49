import { Type } from '@sinclair/typebox';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Database } from '../database/connection.js';
import { HttpError } from './http-error.js';
import { errors } from './error-responses.js';

const Ok = Type.Object({ status: Type.Literal('ok') });
const OK = { status: 'ok' as const };

export interface HealthOptions {
  database: Database;
  /** Whether the service refused requests for want of capacity lately. */
  shedding(): boolean;
}

/** Runs a check; its failure is a 503 in the envelope, and a line in the log. */
async function check(log: FastifyBaseLogger, what: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    log.warn({ err }, `health check failed: ${what}`);
    throw new HttpError(503, `${what[0]!.toUpperCase()}${what.slice(1)}.`);
  }
}

/**
 * `/health` (the contract's: the database answers), `/health/live` (the process answers: restart it
 * when this fails) and `/health/ready` (send it traffic: the database answers and takes writes, the
 * disk has room, and the service is not shedding load). The database checks use a connection no
 * request can hold up.
 */
export function health(app: FastifyInstance, { database, shedding }: HealthOptions): void {
  const schema = (operationId: string, summary: string, ok: string) => ({
    operationId,
    tags: ['health'],
    summary,
    response: { 200: { ...Ok, description: ok }, ...errors(503) },
  });
  const config = { cost: 'free' as const };

  app.get(
    '/health',
    { config, schema: schema('getHealth', 'Whether the service and its database answer', 'The service and its database answer.') },
    async (request) => {
      await check(request.log, 'the database is not answering', database.ping);
      return OK;
    },
  );

  app.get(
    '/health/live',
    { config, schema: schema('getLiveness', 'Whether the process answers (liveness)', 'The process answers.') },
    async () => OK,
  );

  app.get(
    '/health/ready',
    {
      config,
      schema: schema(
        'getReadiness',
        'Whether the service should get traffic: the database answers and takes writes, no load is shed (readiness)',
        'The service is ready for traffic.',
      ),
    },
    async (request) => {
      if (shedding()) throw new HttpError(503, 'The service is shedding load.');
      await check(request.log, 'the database is not answering', database.ping);
      await check(request.log, 'the database takes no writes', database.writable);
      return OK;
    },
  );
}
