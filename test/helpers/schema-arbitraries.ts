import fc from 'fast-check';
import { NUMERIC_TEXT } from '../../src/http/coerce.js';
import { hostileJson, hostileKeys } from './hostile-inputs.js';
import { resolved, type OpenApiDocument, type Schema } from './openapi.js';
import { RawObject, type RawJson } from './raw-json.js';

export interface SchemaContext {
  document: OpenApiDocument;
  /** Ids of existing rows for a field or path parameter called `name` (`store_id`…), so requests reach the database. */
  ids(name: string): fc.Arbitrary<number>;
  /** Strings that name something, by field (a username, its password), so that requests with them can succeed. */
  known: Record<string, string[]>;
}

/** Strings the field takes: ASCII mostly, any printable Unicode sometimes (lengths count code points). */
function strings(schema: Schema, key: string | undefined, context: SchemaContext): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 20, 20));
  const made = fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength, maxLength }) },
    { weight: 1, arbitrary: fc.string({ minLength, maxLength: Math.max(minLength, Math.floor(maxLength / 4)), unit: 'grapheme' }) },
  );
  const known = key === undefined ? undefined : context.known[key];
  return known?.length ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...known) }, made) : made;
}

/** Numbers the field takes, and, as §2 accepts them, the same numbers as strings; ids name existing rows unless hostile. */
function numbers(schema: Schema, key: string | undefined, context: SchemaContext, hostile: boolean): fc.Arbitrary<RawJson> {
  const min = schema.minimum ?? -1_000_000;
  const max = schema.maximum ?? 1_000_000;
  const inRange =
    schema.type === 'integer'
      ? fc.integer({ min, max })
      : fc.double({ min: Math.max(min, -1e6), max: Math.min(max, 1e6), noNaN: true, noDefaultInfinity: true });
  const id = key?.endsWith('_id') ? context.ids(key) : undefined;
  const value = id ? (hostile ? fc.oneof({ weight: 3, arbitrary: id }, inRange) : id) : inRange;
  return fc.oneof({ weight: 4, arbitrary: value }, value.map(String));
}

function objects(schema: Schema, context: SchemaContext, hostile: boolean): fc.Arbitrary<RawJson> {
  const required = new Set<string>(schema.required ?? []);
  const fields = Object.entries<Schema>(schema.properties ?? {}).map(([key, property]) => {
    const entry = jsonFor(property, context, hostile, key).map((value): [string, RawJson][] => [[key, value]]);
    // A hostile body may also leave out a required field.
    return required.has(key) && !hostile ? entry : fc.option(entry, { nil: [] as [string, RawJson][] });
  });
  const entries = fc.tuple(...fields).map((parts) => parts.flat());
  if (!hostile) return entries.map((list) => new RawObject(list));
  const extra = fc.array(fc.tuple(hostileKeys, hostileJson), { maxLength: 2 });
  return fc.tuple(entries, extra).map(([list, more]) => new RawObject([...list, ...more]));
}

function valid(schema: Schema, context: SchemaContext, hostile: boolean, key?: string): fc.Arbitrary<RawJson> {
  if (schema.anyOf) {
    // A number's numeric-string branch: `numbers` sends numbers as strings already, and in the field's range.
    const branches = (schema.anyOf as Schema[]).filter((branch) => branch.pattern !== NUMERIC_TEXT);
    return fc.oneof(...branches.map((s) => jsonFor(s, context, hostile, key)));
  }
  switch (schema.type) {
    case 'integer':
    case 'number':
      return numbers(schema, key, context, hostile);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'string':
      return strings(schema, key, context);
    case 'array':
      return fc.array(jsonFor(schema.items ?? {}, context, hostile), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      });
    case 'object':
      return objects(schema, context, hostile);
    default:
      return hostileJson;
  }
}

/**
 * JSON values for `schema` (from the OpenAPI document): values it accepts, or, when `hostile`, values
 * where any part, at any depth, may be replaced by one of `hostileJson`, objects may miss required
 * fields and carry unknown ones.
 */
export function jsonFor(schema: Schema, context: SchemaContext, hostile: boolean, key?: string): fc.Arbitrary<RawJson> {
  const value = valid(resolved(context.document, schema), context, hostile, key);
  return hostile ? fc.oneof({ weight: 2, arbitrary: value }, hostileJson) : value;
}
