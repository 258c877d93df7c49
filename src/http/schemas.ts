import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** A `$ref` to a named schema (registered with `addSchema`), typed as the schema itself. */
export const ref = <T extends TSchema>(schema: T) => Type.Unsafe<Static<T>>(Type.Ref(schema.$id as string));

/** The largest id a PostgreSQL integer column holds; a larger one names nothing. */
export const MAX_ID = 2147483647;

export const Id = Type.Integer({ minimum: 1, maximum: MAX_ID });

/** Path parameters that are ids. A value that is not one is answered 404, like an id that names nothing. */
export const IdParams = <K extends string>(...names: K[]) =>
  Type.Object(Object.fromEntries(names.map((name) => [name, Id])) as Record<K, typeof Id>);

/**
 * Text that every database stores as given: no NUL character (PostgreSQL refuses it, SQLite keeps it
 * and C clients cut the text there) and no unpaired surrogate (not text at all: one database refuses
 * it, the other replaces it). JSON Schema patterns are Unicode regular expressions, so a paired
 * surrogate (an emoji, say) is one code point and passes.
 */
export const STORABLE_TEXT = '^[^\\u0000\\uD800-\\uDFFF]*$';

/** A string field of the API: storable text (see `STORABLE_TEXT`) within these lengths. */
export const Str = (options: { minLength?: number; maxLength: number; description?: string; writeOnly?: boolean }) =>
  Type.String({ ...options, pattern: STORABLE_TEXT });

export const Name = Str({ minLength: 1, maxLength: 80 });

/** A non-empty text of SQLModel's unbounded VARCHAR columns, capped so a row stays a row. */
export const Text = Str({ minLength: 1, maxLength: 255 });

export const ErrorEnvelope = Type.Object(
  {
    code: Type.Integer(),
    status: Type.String(),
    error: Type.Optional(Type.String({ description: "flask-jwt-extended's code, on authentication errors" })),
    message: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { $id: 'Error', description: 'Every error answer has this shape.' },
);

export const Message = Type.Object({ message: Type.String() }, { $id: 'Message' });

/**
 * Input objects refuse fields they do not know (marshmallow's `Unknown field.`). A request body has a
 * `title`: its component's name in the API document.
 */
export const Input = <T extends Parameters<typeof Type.Object>[0]>(properties: T, title?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(title ? { title } : {}) });

/** A response schema with what the answer means: the API document's description of the answer. */
export const described = <T extends TSchema>(schema: T, description: string): T => ({ ...schema, description });
