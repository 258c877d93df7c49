import type { FastifyInstance, FastifySchema } from 'fastify';
import { ErrorEnvelope, ref } from './schemas.js';

const errorResponse = ref(ErrorEnvelope);

/** Error responses for a route's own rules, for its schema: `...errors(400, 404)`. */
export const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, errorResponse]));

/**
 * Adds to every route the error answers its schema implies, so the OpenAPI document lists every code a
 * route can return: 404 for a path id, 400/413/415/422 for a body, 422 for a query or a header, 401 (and 403 for
 * admins only) when it needs a token, and 500.
 */
export function documentErrors(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema: FastifySchema = route.schema ?? {};
    if ((schema as { hide?: boolean }).hide) return;
    const codes = [500];
    if (schema.params) codes.push(404);
    if (schema.body) codes.push(400, 413, 415, 422);
    if (schema.querystring || schema.headers) codes.push(422);
    if (route.config?.auth) codes.push(401);
    if (route.config?.auth?.admin) codes.push(403);
    route.schema = { ...schema, response: { ...errors(...codes), ...(schema.response as object) } };
  });
}
