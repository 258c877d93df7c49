import swagger, { type SwaggerTransformObject } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { VERSION } from '../version.js';
import { finishDocument, type OpenApiDocument } from './openapi-document.js';

export interface DocsOptions {
  /** The URL clients reach the service at (PUBLIC_URL); by default, the one each request came to. */
  publicUrl?: string;
}

/** A Host header as a URL's authority can hold it: a name or an address, and a port. */
const AUTHORITY = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The document with its `servers`: the configured public URL, or the scheme and host the request came
 * to (as the proxy said, with TRUST_PROXY), so that a client generated from it, or the docs page's
 * "Try it out", calls the service it came from. A host that is no host gives `/`, the document's own.
 */
function withServers(document: OpenApiDocument, request: FastifyRequest, publicUrl?: string): OpenApiDocument {
  const host = request.host;
  const url = publicUrl ?? (AUTHORITY.test(host) ? `${request.protocol}://${host}` : '/');
  return { ...document, servers: [{ url }] };
}

/**
 * OpenAPI 3.1 from the route schemas, with the named schemas (`$id`) as components and the finishing
 * touches of `finishDocument`; the interactive page at /docs and, the original's path, /swagger-ui.
 * Its assets come from the package, not a CDN.
 */
export async function docs(app: FastifyInstance, { publicUrl }: DocsOptions = {}): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Junction',
        version: VERSION,
        description:
          'Stores, items and tags; heroes and teams: many-to-many data over REST. Every answer carries ' +
          "`X-Request-Id` (the caller's when it sent a printable one of at most 128 characters, else a new UUID), " +
          'which the service also writes on every log line about the request.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'A token from POST /login: the access token, or the refresh token for POST /refresh',
          },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transformObject: (generated) =>
      finishDocument(
        (generated as unknown as { openapiObject: OpenApiDocument }).openapiObject,
      ) as unknown as ReturnType<SwaggerTransformObject>,
  });
  const served = (document: unknown, request: FastifyRequest) => withServers(document as OpenApiDocument, request, publicUrl);
  for (const routePrefix of ['/docs', '/swagger-ui']) {
    await app.register(async (scope) =>
      scope.register(swaggerUi, { routePrefix, transformSpecification: served, transformSpecificationClone: false }),
    );
  }
  app.get('/openapi.json', { schema: { hide: true } }, async (request) => served(app.swagger(), request));
}
