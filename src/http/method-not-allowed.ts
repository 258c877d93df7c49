import { METHODS as HTTP_METHODS } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { envelope } from './http-error.js';

/** The methods routes use, in the order `Allow` lists them. */
const ROUTE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Every method Node's parser accepts but CONNECT, which asks for a tunnel, not a resource. */
const ALL_METHODS = HTTP_METHODS.filter((method) => method !== 'CONNECT');

/**
 * Fastify answers a known path with an unsupported method as an unknown route (404), and knows only
 * a few methods. This makes it know all of them (bodiless, but for the routes' own), records each path's methods as routes are added, and
 * `answerOtherMethods` then gives every path a 405 route, with `Allow`, for every method it lacks
 * (`TRACE`, `PROPFIND`, … included). Call `trackMethods` before the routes and the other after them.
 */
export function trackMethods(app: FastifyInstance): () => void {
  // Methods no route uses are read without a body, so each is answered 405 whatever it carries.
  for (const method of ALL_METHODS.filter((m) => !ROUTE_METHODS.includes(m))) {
    app.addHttpMethod(method, { overrideExisting: true });
  }
  const byPath = new Map<string, Set<string>>();
  let closed = false;
  app.addHook('onRoute', (route) => {
    // The docs pages (hidden from the API document) keep Fastify's own answers.
    if (closed || (route.schema as { hide?: boolean } | undefined)?.hide) return;
    const methods = byPath.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) methods.add(method);
    byPath.set(route.url, methods);
  });

  return function answerOtherMethods() {
    closed = true;
    for (const [url, methods] of byPath) {
      const allow = ROUTE_METHODS.filter((m) => methods.has(m)).join(', ');
      app.route({
        method: ALL_METHODS.filter((m) => !methods.has(m)),
        url,
        schema: { hide: true },
        handler: (_request, reply) =>
          reply
            .code(405)
            .header('allow', allow)
            .send(envelope(405, { message: 'The method is not allowed for the requested URL.' })),
      });
    }
  };
}
