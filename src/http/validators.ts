import { AjvCompiler, type BuildCompilerFromPool, type RouteDefinition } from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

/**
 * Two Ajv set-ups. Bodies are checked strictly: every error is reported (as marshmallow does), nothing
 * is coerced or dropped, and `verbose` keeps the value so a `null` can be named. Numeric strings in
 * numeric fields are converted before validation by the body hook, not by Ajv, which would also turn
 * numbers into strings. Path and query strings are converted by the same hook (strictly: Ajv would
 * read `Infinity`, `0x10` or 310 digits as numbers).
 */
const BODY_OPTIONS = { coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: true, verbose: true };
const TEXT_OPTIONS = { coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: true, verbose: true };

export function validatorCompilers(): NonNullable<FastifyServerOptions['schemaController']> {
  const bodyFactory = AjvCompiler() as BuildCompilerFromPool;
  const textFactory = AjvCompiler() as BuildCompilerFromPool;
  const buildValidator: BuildCompilerFromPool = (externalSchemas, options) => {
    const plugins = { plugins: options?.plugins ?? [] };
    const body = bodyFactory(externalSchemas, { ...plugins, customOptions: BODY_OPTIONS });
    const text = textFactory(externalSchemas, { ...plugins, customOptions: TEXT_OPTIONS });
    // The compiler is called with the route definition, which its type declaration calls a schema.
    return (route) => ((route as unknown as RouteDefinition).httpPart === 'body' ? body(route) : text(route));
  };
  return { compilersFactory: { buildValidator } };
}
