import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http/http-error.js';
import type { Metrics, PoolCounts } from './metrics.js';

export interface MetricsOptions {
  metrics: Metrics;
  /** METRICS_TOKEN: the bearer token a scrape must send; none, and anyone who reaches the port may read them. */
  token?: string;
  /** The database's pool counts, where it has a pool (PostgreSQL). */
  poolCounts?: () => PoolCounts;
  /** What a scrape answers: this process's metrics unless given (a worker of `--workers` answers all workers'). */
  scrape?: () => Promise<string>;
}

const bearer = (header: string | undefined) => /^\s*Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? '';

/** Compares in a time that does not depend on where the two differ. */
function sameToken(given: string, expected: string): boolean {
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `GET /metrics` in Prometheus' text format, and the hook that counts every answer by its route's
 * pattern (`(unmatched)` for URLs no route serves, so a scan of random URLs adds no series). Only
 * registered when metrics are on (METRICS=1): they are for the operator, not the API's users.
 */
export function metricsEndpoint(app: FastifyInstance, { metrics, token, poolCounts, scrape }: MetricsOptions): void {
  const text = scrape ?? (() => metrics.registry.metrics());
  if (poolCounts) metrics.watchPool(poolCounts);
  app.addHook('onResponse', (request, reply, done) => {
    metrics.request(request.method, request.routeOptions.url ?? '(unmatched)', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', { config: { cost: 'free' }, schema: { hide: true } }, async (request, reply) => {
    if (token !== undefined && !sameToken(bearer(request.headers.authorization), token)) {
      const error = new HttpError(401, 'The metrics need the METRICS_TOKEN bearer token.');
      error.headers = { 'www-authenticate': 'Bearer' };
      throw error;
    }
    return reply.type(metrics.registry.contentType).send(await text());
  });
}
