import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/**
 * OpenAPI 3.1 from the route schemas, with the named schemas (`$id`) as components; the interactive
 * page at /docs and, the original's path, /swagger-ui. Its assets come from the package, not a CDN.
 */
export async function docs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Junction',
        version: '1.0.0',
        description: 'Stores, items and tags; heroes and teams: many-to-many data over REST.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A token from POST /login: the access token, or the refresh token for POST /refresh' },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  for (const routePrefix of ['/docs', '/swagger-ui']) {
    await app.register(async (scope) => scope.register(swaggerUi, { routePrefix }));
  }
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
