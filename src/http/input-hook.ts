import type { FastifyInstance, FastifySchema } from 'fastify';
import { coerceNumbers, coerceText, type Schema } from './coerce.js';

/**
 * Before validation: a request without a body has an empty object, numeric strings in a body are
 * numbers, and query and path values are converted to the types their schemas give (see `coerce.ts`).
 * Validation itself converts nothing, so it never turns `Infinity` or `0x10` into a number.
 */
export function inputHook(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema as FastifySchema | undefined;
    if (!schema) return;
    if (schema.params) coerceText(schema.params as Schema, request.params as Record<string, unknown>, 'path');
    if (schema.querystring) coerceText(schema.querystring as Schema, request.query as Record<string, unknown>, 'query');
    if (schema.body) {
      if (request.body === undefined) request.body = {};
      request.body = coerceNumbers(schema.body as Schema, request.body, (ref) => app.getSchema(ref) as Schema | undefined);
    }
  });
}
