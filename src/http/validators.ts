import { AjvCompiler, type BuildCompilerFromPool, type RouteDefinition } from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';
import { lazySerializer, lazyValidator, type Validate } from './lazy-compile.js';

/**
 * Two Ajv set-ups. Bodies are checked strictly: every error is reported (as marshmallow does), nothing
 * is coerced or dropped, and `verbose` keeps the value so a `null` can be named. Numeric strings in
 * numeric fields are converted before validation by the body hook, not by Ajv, which would also turn
 * numbers into strings. Path and query strings are converted by the same hook (strictly: Ajv would
 * read `Infinity`, `0x10` or 310 digits as numbers).
 */
const BODY_OPTIONS = { coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: true, verbose: true };
const TEXT_OPTIONS = { coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: true, verbose: true };

/** Both set-ups, and the serializers; each route's functions are compiled on first use (see `lazyValidator`). */
export function schemaCompilers(): NonNullable<FastifyServerOptions['schemaController']> {
  const bodyFactory = AjvCompiler() as BuildCompilerFromPool;
  const textFactory = AjvCompiler() as BuildCompilerFromPool;
  const buildValidator: BuildCompilerFromPool = (externalSchemas, options) => {
    const plugins = { plugins: options?.plugins ?? [] };
    const body = bodyFactory(externalSchemas, { ...plugins, customOptions: BODY_OPTIONS });
    const text = textFactory(externalSchemas, { ...plugins, customOptions: TEXT_OPTIONS });
    // The compiler is called with the route definition, which its type declaration calls a schema. Of
    // Ajv's function, Fastify reads only what the lazy one has: its answer and its `errors`.
    return (route) =>
      lazyValidator(
        () => ((route as unknown as RouteDefinition).httpPart === 'body' ? body(route) : text(route)) as Validate,
      ) as unknown as ReturnType<typeof body>;
  };
  const serializerFactory = SerializerSelector();
  const buildSerializer: typeof serializerFactory = (externalSchemas, options) => {
    const compile = serializerFactory(externalSchemas, options);
    return (route) => lazySerializer(() => compile(route));
  };
  return { compilersFactory: { buildValidator, buildSerializer } };
}
