/** The parts of a JSON Schema that say how a value may be converted before it is validated. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
}

/** A number written as text, as a JSON body may spell one (`"20"`, `" 9.99 "`, `"1e3"`). A JSON Schema pattern too. */
export const NUMERIC_TEXT = '^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?\\s*$';
const NUMERIC = new RegExp(NUMERIC_TEXT);

/** How integers are written where each is read: any number a JSON body may spell, or decimal digits only. */
const INTEGERS = {
  body: NUMERIC,
  /** Python's `int()`, as the original read query values: a sign and surrounding spaces allowed. */
  query: /^\s*[+-]?\d+\s*$/,
  /** The original's `<int:id>` routes: digits, so that a row has one URL (`/store/1`, never `/store/+1`). */
  path: /^\d+$/,
};
export type IntegerSpelling = keyof typeof INTEGERS;
const BOOLEANS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false };

const accepts = (schema: Schema, type: string): boolean =>
  [schema.type ?? []].flat().includes(type) || (schema.anyOf ?? []).some((branch) => accepts(branch, type));

/**
 * The value of a numeric string for a numeric field, or the string itself when it is not one. Only
 * finite numbers are numbers, and only safe integers integers: `Infinity`, `1e400` or 310 digits stay
 * strings, which validation then refuses, so no such value ever reaches SQL.
 */
function numberOf(schema: Schema, text: string, spelling: IntegerSpelling): number | string {
  const integer = accepts(schema, 'integer') && !accepts(schema, 'number');
  if (!integer && !accepts(schema, 'number')) return text;
  if (!(integer ? INTEGERS[spelling] : NUMERIC).test(text)) return text;
  const number = Number(text);
  return (integer ? Number.isSafeInteger(number) : Number.isFinite(number)) ? number : text;
}

/**
 * Numeric strings become numbers where the schema wants a number ("20" → 20), inside objects and
 * arrays, as the original accepted in JSON bodies. `resolve` finds a `$ref`'s schema.
 */
export function coerceNumbers(schema: Schema, value: unknown, resolve: (ref: string) => Schema | undefined): unknown {
  const target = schema.$ref ? resolve(schema.$ref) : schema;
  if (!target) return value;
  if (typeof value === 'string') return numberOf(target, value, 'body');
  if (Array.isArray(value) && target.items) {
    return value.map((item) => coerceNumbers(target.items as Schema, item, resolve));
  }
  if (value !== null && typeof value === 'object' && target.properties) {
    const record = value as Record<string, unknown>;
    for (const [key, property] of Object.entries(target.properties)) {
      if (Object.hasOwn(record, key)) record[key] = coerceNumbers(property, record[key], resolve);
    }
  }
  return value;
}

/** A JSON Schema, as far as widening it goes. */
type AnySchema = Schema & Record<string, unknown>;

const NUMERIC_STRING = { type: 'string', pattern: NUMERIC_TEXT, description: 'The number written as a string, e.g. "20".' };

/**
 * The schema of the bodies that `coerceNumbers` turns into values of `schema`: wherever a number is
 * wanted, a numeric string too (`anyOf` the field and a string of `NUMERIC_TEXT`). It is what the API
 * accepts, for the document, so that a validator of requests (Prism, say) agrees with the service;
 * a numeric string that is out of the field's bounds is still refused by the service.
 */
export function acceptedInput(schema: AnySchema, resolve: (ref: string) => Schema | undefined): AnySchema {
  const target = (schema.$ref ? resolve(schema.$ref) : schema) as AnySchema | undefined;
  if (!target) return schema;
  if (accepts(target, 'number') || accepts(target, 'integer')) {
    const { description, anyOf, ...rest } = target;
    const branches = anyOf ? [...anyOf, NUMERIC_STRING] : [rest, NUMERIC_STRING];
    return { ...(anyOf ? rest : {}), ...(description === undefined ? {} : { description }), anyOf: branches };
  }
  if (target.items) return { ...target, items: acceptedInput(target.items as AnySchema, resolve) };
  if (target.properties) {
    const properties = Object.entries(target.properties).map(([key, property]) => [key, acceptedInput(property as AnySchema, resolve)]);
    return { ...target, properties: Object.fromEntries(properties) };
  }
  return target;
}

/**
 * Query and path values are text: numbers as above (integers spelled as `spelling` says), and
 * `true`/`false`/`1`/`0` for booleans. A value that is none of these is left as text, for validation
 * to refuse with the field's own message. Worked out once per schema: the function it returns
 * converts one request's values.
 */
export function textCoercer(schema: Schema, spelling: 'query' | 'path'): (values: Record<string, unknown>) => void {
  const fields = Object.entries(schema.properties ?? {}).map(([key, property]) => {
    const boolean = accepts(property, 'boolean');
    const numeric = accepts(property, 'integer') || accepts(property, 'number');
    const convert = (text: string) => (boolean ? BOOLEANS[text.toLowerCase()] : undefined) ?? numberOf(property, text, spelling);
    return { key, convert: boolean || numeric ? convert : undefined };
  });
  const converted = fields.filter((field) => field.convert);
  return (values) => {
    for (const { key, convert } of converted) {
      const value = values[key];
      if (typeof value === 'string') values[key] = convert!(value);
    }
  };
}
