import type { FastifyInstance, FastifySchema, preValidationHookHandler } from 'fastify';
import { coerceNumbers, textCoercer, type Schema } from './coerce.js';

/**
 * Before validation: a request without a body has an empty object, numeric strings in a body are
 * numbers, and query and path values are converted to the types their schemas give (see `coerce.ts`).
 * Validation itself converts nothing, so it never turns `Infinity` or `0x10` into a number. Each route
 * gets a hook of its own, worked out from its schema once; a route without inputs gets none.
 */
export function inputHook(app: FastifyInstance): void {
  const resolve = (ref: string) => app.getSchema(ref) as Schema | undefined;
  app.addHook('onRoute', (route) => {
    const { params, querystring, body } = (route.schema ?? {}) as FastifySchema;
    if (!params && !querystring && !body) return;
    const path = params ? textCoercer(params as Schema, 'path') : undefined;
    const query = querystring ? textCoercer(querystring as Schema, 'query') : undefined;
    const coerce: preValidationHookHandler = (request, _reply, done) => {
      path?.(request.params as Record<string, unknown>);
      query?.(request.query as Record<string, unknown>);
      if (body) request.body = coerceNumbers(body as Schema, request.body === undefined ? {} : request.body, resolve);
      done();
    };
    route.preValidation = [coerce, ...[route.preValidation ?? []].flat()];
  });
}
