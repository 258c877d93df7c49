import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';

/** The rate limiter's options that keep its counters in Redis (REDIS_URL), shared by every instance that uses it. */
export function countedInRedis(app: FastifyInstance, url: string): RateLimitPluginOptions {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 1000, commandTimeout: 1000 });
  redis.on('error', (err: Error) => app.log.warn({ err }, 'Redis (rate limits) is not answering'));
  app.addHook('onClose', async () => redis.disconnect());
  return { redis, nameSpace: 'junction-rate-limit:' };
}
