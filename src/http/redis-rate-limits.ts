import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { RETRY_AFTER_SECONDS } from './error-handler.js';
import { HttpError } from './http-error.js';
import type { Hits } from './rate-limits.js';

/** One round trip: count the hit, start the window on the first, and say how long the window has left. */
const HIT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {hits, redis.call('PTTL', KEYS[1])}
`;

/** Bounds every wait on Redis, as on the database: a sign-in is refused (503) rather than held up. */
const WAIT_MS = 1000;

/**
 * The rate limiter's counters in Redis (REDIS_URL), shared by every instance that uses it: the same
 * fixed windows as the database's (`databaseRateLimits`), without a write to the database per request.
 * While Redis cannot answer, the limited routes answer 503 with Retry-After: they are not left unlimited.
 */
export function countedInRedis(app: FastifyInstance, url: string): RateLimitPluginOptions {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: WAIT_MS, commandTimeout: WAIT_MS });
  redis.on('error', (err: Error) => app.log.warn({ err }, 'Redis (rate limits) is not answering'));
  app.addHook('onClose', async () => redis.disconnect());

  const unavailable = (cause: Error) => {
    app.log.warn({ err: cause }, 'the rate limit could not be counted in Redis');
    const error = new HttpError(503, 'The service cannot check its rate limit now; try again shortly.');
    error.headers = { 'retry-after': String(RETRY_AFTER_SECONDS) };
    return error;
  };

  class Store {
    constructor(private readonly prefix = 'junction:rate-limit:') {}

    incr(key: string, callback: (error: Error | null, hits: Hits | null) => void, timeWindow: number): void {
      redis.eval(HIT, 1, this.prefix + key, timeWindow).then(
        (reply) => {
          const [current, ttl] = reply as [number, number];
          callback(null, { current, ttl });
        },
        (error: Error) => callback(unavailable(error), null),
      );
    }

    child(route: { routeInfo: { method: string; url: string } }): Store {
      return new Store(`${this.prefix}${route.routeInfo.method} ${route.routeInfo.url} `);
    }
  }
  return { store: Store as unknown as RateLimitPluginOptions['store'] };
}
