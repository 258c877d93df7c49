/** A validation function as Fastify calls it: its errors are read from the function after a failed call. */
export interface Validate {
  (data: unknown): unknown;
  errors?: unknown;
}

/**
 * A route's validation, compiled on its first call rather than when the route is registered: compiling
 * every route's schemas took about a quarter of the time from start to a healthy service.
 */
export function lazyValidator(compile: () => Validate): Validate {
  let compiled: Validate | undefined;
  const validate: Validate = (data) => {
    compiled ??= compile();
    const result = compiled(data);
    validate.errors = compiled.errors;
    return result;
  };
  return validate;
}

/** A route's serializer for one status, compiled on its first call (as `lazyValidator`). */
export function lazySerializer(compile: () => (data: unknown) => string): (data: unknown) => string {
  let compiled: ((data: unknown) => string) | undefined;
  return (data) => {
    compiled ??= compile();
    return compiled(data);
  };
}
