import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { authentication } from './auth/authenticate.js';
import { revocations } from './auth/revocations.js';
import { tokenIssuer } from './auth/tokens.js';
import type { TrustProxy } from './config/config.js';
import type { Database } from './database/connection.js';
import { Hero, HeroWithTeams } from './heroes/schemas.js';
import { admissionControl, DEFAULT_LIMITS, type AdmissionLimits } from './http/admission.js';
import type { App } from './http/app-types.js';
import { inputHook } from './http/input-hook.js';
import { webConsole } from './http/console.js';
import { docs } from './http/docs.js';
import { documentErrors } from './http/error-responses.js';
import { errorHandling } from './http/error-handler.js';
import { clientErrorHandler, frameworkErrors } from './http/protocol-errors.js';
import { health } from './http/health.js';
import { idempotency } from './http/idempotency.js';
import { Pagination } from './http/pagination.js';
import { BODY_LIMIT, jsonBodyParser } from './http/json-body.js';
import { trackMethods } from './http/method-not-allowed.js';
import { ErrorEnvelope, Message } from './http/schemas.js';
import { countedInDatabase } from './http/rate-limits.js';
import { countedInRedis } from './http/redis-rate-limits.js';
import { security } from './http/security.js';
import { answerRequestIds, requestId } from './http/request-id.js';
import { schemaCompilers } from './http/validators.js';
import { PlainItem } from './items/plain.js';
import { Item } from './items/schemas.js';
import { Link } from './links/heroes-teams.js';
import { resources } from './resources.js';
import { metricsEndpoint, type MetricsOptions } from './metrics/metrics-route.js';
import { PlainStore } from './stores/plain.js';
import { Store } from './stores/schemas.js';
import { PlainTag } from './tags/plain.js';
import { Tag, TagAndItem } from './tags/schemas.js';
import { Team, TeamWithHeroes } from './teams/schemas.js';
import { Me, Tokens, User } from './users/schemas.js';

export interface AppOptions {
  database: Database;
  /** The key that signs tokens (at least 32 bytes). */
  secret: Uint8Array;
  logger?: FastifyServerOptions['loggerInstance'];
  corsOrigins?: string[];
  /** Requests per minute per client address on /register and /login. */
  authRateLimit?: number;
  /** Counts the rate limit in Redis instead of the database. */
  redisUrl?: string;
  /** Fastify's `trustProxy`: whose X-Forwarded-For names the client (rate limits, logs). Off by default. */
  trustProxy?: TrustProxy;
  /** How long a request (headers and body) may take to arrive before it is answered 408. */
  requestTimeoutMs?: number;
  /** How many requests of each cost run at once and wait for a turn (see `admissionControl`). */
  admission?: AdmissionLimits;
  /** Where clients reach the service, for the API document; by default where each request came to. */
  publicUrl?: string;
  /** Metrics at GET /metrics (METRICS=1), behind `token` when there is one; none by default. */
  metrics?: Omit<MetricsOptions, 'poolCounts'>;
  /** The built web console served at `/` (default: `dist/console`, where `npm run build` puts it). */
  consoleDir?: string;
}

/** The named shapes: shared by the routes through `$ref`, and the OpenAPI document's components. */
const SHAPES = [
  ...[ErrorEnvelope, Message, PlainStore, PlainItem, PlainTag, Store, Item, Tag, TagAndItem],
  ...[Hero, Team, HeroWithTeams, TeamWithHeroes, Link, User, Me, Tokens, Pagination],
];

/** Builds the HTTP application on an open, migrated database. Tests build exactly this. */
export async function buildApp(options: AppOptions): Promise<App> {
  const { database, secret, logger, corsOrigins = [], authRateLimit = 10, requestTimeoutMs = 30_000 } = options;
  const { admission = DEFAULT_LIMITS, redisUrl, trustProxy = false } = options;
  const app = Fastify({
    trustProxy,
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT,
    frameworkErrors,
    clientErrorHandler,
    // A client that sends its request slowly, or never finishes it, is answered 408 and let go; the
    // headers alone get a shorter bound. Node checks the bounds every `connectionsCheckingInterval`.
    requestTimeout: requestTimeoutMs,
    http: {
      headersTimeout: Math.min(10_000, requestTimeoutMs),
      connectionsCheckingInterval: Math.max(100, Math.min(1000, requestTimeoutMs / 4)),
    },
    schemaController: schemaCompilers(),
    genReqId: requestId,
    requestIdHeader: false,
    // While shutting down, requests on open connections are still served (Fastify's 503 has no envelope).
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>();

  answerRequestIds(app);
  for (const shape of SHAPES) app.addSchema(shape);
  errorHandling(app);
  jsonBodyParser(app);
  inputHook(app);
  const rateLimitStore = redisUrl ? countedInRedis(app, redisUrl) : countedInDatabase(app, database);
  await security(app, { corsOrigins, rateLimitStore });
  const issuer = tokenIssuer(secret);
  const revoked = revocations(database);
  authentication(app, issuer, revoked);
  documentErrors(app);
  const answerOtherMethods = trackMethods(app);
  await docs(app, { publicUrl: options.publicUrl });
  webConsole(app, { dir: options.consoleDir });

  if (options.metrics) metricsEndpoint(app, { ...options.metrics, poolCounts: database.poolCounts });
  const { shedding } = admissionControl(app, admission);
  health(app, { database, shedding });
  await resources(app, { database, issuer, revoked, authRateLimit, idempotent: idempotency(database, secret) });
  answerOtherMethods();
  return app;
}
