import type { FastifyInstance, FastifySchema } from 'fastify';

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
};

const NUMERIC = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

const isNumeric = (schema: Schema) =>
  [schema.type ?? []].flat().some((t) => t === 'number' || t === 'integer') ||
  (schema.anyOf ?? []).some(isNumeric);

/** Numeric strings become numbers where the schema wants a number ("20" → 20), as the original accepted. */
function coerceNumbers(schema: Schema, value: unknown, resolve: (ref: string) => Schema | undefined): unknown {
  const target = schema.$ref ? resolve(schema.$ref) : schema;
  if (!target) return value;
  if (typeof value === 'string' && isNumeric(target) && NUMERIC.test(value)) {
    const number = Number(value);
    return Number.isFinite(number) ? number : value;
  }
  if (Array.isArray(value) && target.items) {
    return value.map((item) => coerceNumbers(target.items as Schema, item, resolve));
  }
  if (value !== null && typeof value === 'object' && target.properties) {
    const record = value as Record<string, unknown>;
    for (const [key, property] of Object.entries(target.properties)) {
      if (key in record) record[key] = coerceNumbers(property, record[key], resolve);
    }
  }
  return value;
}

/** Before validation: a request without a body has an empty object, and numeric strings are numbers. */
export function bodyHook(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const schema = (request.routeOptions.schema as FastifySchema | undefined)?.body as Schema | undefined;
    if (!schema) return;
    if (request.body === undefined) request.body = {};
    request.body = coerceNumbers(schema, request.body, (ref) => app.getSchema(ref) as Schema | undefined);
  });
}
