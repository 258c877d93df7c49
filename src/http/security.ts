import cors from '@fastify/cors';
import helmet from 'helmet';
import rateLimit, { type RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { HttpError } from './http-error.js';

export interface SecurityOptions {
  /** Origins allowed to call the API from a browser; none (CORS off) by default. */
  corsOrigins: string[];
  /** Where the rate limiter counts (`countedInDatabase`, `countedInRedis`): every instance must see the same counts. */
  rateLimitStore: Pick<RateLimitPluginOptions, 'store'>;
}

/**
 * The docs page runs Swagger UI's own scripts and styles, served by this app. Requests are not
 * upgraded to https: the service is often reached over plain http (locally, or behind a proxy).
 */
const CONTENT_SECURITY_POLICY = {
  directives: {
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'upgrade-insecure-requests': null,
  },
};

/** helmet's headers for the docs pages, worked out once rather than by its middleware per request. */
function pageHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = { setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value), removeHeader: () => undefined };
  helmet({ contentSecurityPolicy: CONTENT_SECURITY_POLICY })({} as never, response as never, () => undefined);
  return headers;
}

/**
 * The headers OWASP's REST Security Cheat Sheet asks of JSON answers. A page's policies (scripts,
 * styles, fonts) mean nothing to JSON, and leaving them out halves the bytes of a small answer.
 */
const API_HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/**
 * The web console's page (src/http/console.ts) runs only its own bundled script and stylesheet, and
 * talks only to this origin: nothing inline, nothing from elsewhere, no framing.
 */
const CONSOLE_HEADERS = {
  ...API_HEADERS,
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
};

const DOCS = /^\/(docs|swagger-ui)(\/|$)/;
const CONSOLE = /^\/(\?|$|assets\/)/;

/**
 * Security headers on every answer (helmet's on the docs pages, the console's own on its page), CORS only for the configured origins,
 * and the rate limiter that routes opt into with `config.rateLimit` (sign-up and sign-in), per address.
 */
export async function security(app: FastifyInstance, { corsOrigins, rateLimitStore }: SecurityOptions): Promise<void> {
  const pages = pageHeaders();
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(DOCS.test(request.url) ? pages : CONSOLE.test(request.url) ? CONSOLE_HEADERS : API_HEADERS);
    done();
  });
  if (corsOrigins.length > 0) {
    await app.register(cors, {
      origin: corsOrigins,
      // Every verb of the API (the plugin's default is GET, HEAD and POST only), and the headers a
      // browser client reads: the page counts of lists, when to retry after a 429, and whether a
      // create's answer is a replay (Idempotency-Key).
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      exposedHeaders: ['X-Pagination', 'Retry-After', 'Idempotent-Replayed'],
    });
  }
  await app.register(rateLimit, {
    ...rateLimitStore,
    global: false,
    errorResponseBuilder: (_request, context) => {
      const error = new HttpError(429, `Too many requests: try again in ${context.after}.`);
      error.headers = { 'retry-after': String(Math.ceil(context.ttl / 1000)) };
      return error;
    },
  });
}
