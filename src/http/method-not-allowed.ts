import type { FastifyInstance, HTTPMethods } from 'fastify';
import { envelope } from './http-error.js';

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Fastify answers a known path with an unsupported method as an unknown route (404). This records
 * each path's methods as routes are added; `answerOtherMethods` then gives every path a 405 route, with
 * `Allow`, for the methods it lacks. Call `trackMethods` before the routes and the other after them.
 */
export function trackMethods(app: FastifyInstance): () => void {
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
      const allow = METHODS.filter((m) => methods.has(m)).join(', ');
      const missing = METHODS.filter((m) => !methods.has(m));
      if (missing.length === 0) continue;
      app.route({
        method: missing,
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
