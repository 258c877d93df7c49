import { Redis } from 'ioredis';

/** The Redis the rate-limit tests count in (REDIS_URL's), on a database number of their own. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15';

async function redisAnswers(): Promise<string | undefined> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    redis.disconnect();
  }
}

const redisProblem = await redisAnswers();
if (redisProblem && process.env.CI === 'true') {
  // In CI a missing Redis is a failure, never a silent skip.
  throw new Error(`Redis at ${TEST_REDIS_URL} does not answer (${redisProblem}); CI needs it.`);
}
if (redisProblem) process.stderr.write(`SKIPPING Redis tests: ${TEST_REDIS_URL} does not answer (${redisProblem}).\n`);

/** Whether the Redis tests run: Redis answers (or they fail, in CI). */
export const REDIS_ANSWERS = redisProblem === undefined;
