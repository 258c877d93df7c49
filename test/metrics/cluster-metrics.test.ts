import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { aggregateForWorkers, scrapeThroughPrimary, type PrimaryChannel } from '../../src/metrics/cluster-metrics.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { useTestApp } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startService, type Running } from '../helpers/process.js';
import { sample } from '../helpers/prometheus.js';
import { logLines, onNewConnection } from '../helpers/workers.js';

/** A primary and one worker in this process, their IPC channel made of two emitters. */
function connected(clusterMetrics: () => Promise<string>): PrimaryChannel {
  const fromWorkers = new EventEmitter();
  const fromPrimary = new EventEmitter();
  const worker = {
    send: (message: unknown, done: (error: Error | null) => void) => {
      setImmediate(() => fromPrimary.emit('message', message));
      done(null);
    },
  };
  aggregateForWorkers(fromWorkers, { clusterMetrics });
  return {
    send: (message, done) => {
      setImmediate(() => fromWorkers.emit('message', worker, message));
      done(null);
    },
    on: (event, listener) => fromPrimary.on(event, listener),
  };
}

describe('scrapeThroughPrimary', () => {
  it('answers each scrape with what the primary gathered for it', async () => {
    let gathered = 0;
    const scrape = scrapeThroughPrimary(connected(async () => `all workers, gathering ${++gathered}`));
    expect(await Promise.all([scrape(), scrape()])).toEqual(['all workers, gathering 1', 'all workers, gathering 2']);
  });

  it('fails the scrape with a 503 when the primary could not gather the workers’ metrics', async () => {
    const scrape = scrapeThroughPrimary(connected(() => Promise.reject(new Error('Operation timed out.'))));
    await expect(scrape()).rejects.toMatchObject({ statusCode: 503, message: expect.stringContaining('Operation timed out.') });
  });
});

describe('GET /metrics of a worker whose primary does not answer', () => {
  const asked: unknown[] = [];
  const silent: PrimaryChannel = { send: (message) => asked.push(message), on: () => {} };
  const t = useTestApp('sqlite', {
    metrics: { metrics: createMetrics(), token: 'the-scrape-token', scrape: scrapeThroughPrimary(silent, 20) },
  });

  it('checks the token itself, then answers 503 in the error envelope', async () => {
    const scrape = (authorization?: string) => t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization } });
    expect((await scrape(undefined)).statusCode).toBe(401);
    expect(asked).toEqual([]);
    const reply = await scrape('Bearer the-scrape-token');
    expect(reply.statusCode).toBe(503);
    expect(reply.json()).toMatchObject({
      code: 503,
      status: 'Service Unavailable',
      message: expect.stringContaining('the primary did not answer'),
    });
    expect(asked).toHaveLength(1);
  });
});

describe('GET /metrics of `junction serve --workers 2`', () => {
  const TOKEN = 'the-scrape-token-of-the-workers';
  let database: TestDatabase;
  let service: Running;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    service = await startService(
      { DATABASE_URL: database.url, METRICS_TOKEN: TOKEN },
      { entry: 'src/cli/main.ts', args: ['serve', '--workers', '2'], listening: 2 },
    );
  }, 60_000);
  afterAll(async () => {
    await service.stop();
    await database.drop();
  });

  /** The workers whose logs say they took a request for `url`; the lines come on a pipe of their own. */
  const takenBy = (url: string) =>
    new Set(
      logLines(service)
        .filter((line) => line.msg === 'incoming request' && line.req?.url === url)
        .map((line) => line.worker),
    );
  const scrape = (authorization = `Bearer ${TOKEN}`) => onNewConnection(`${service.url}/metrics`, { headers: { authorization } });

  it("counts every worker's requests, whichever worker answers the scrape", async () => {
    const SENT = 12;
    for (let i = 0; i < SENT; i++) expect((await onNewConnection(`${service.url}/health/live`)).status).toBe(200);
    await vi.waitFor(() => expect(takenBy('/health/live').size).toBe(2), { timeout: 5000, interval: 50 });
    // Each on a connection of its own, so the second goes to the other worker.
    const scrapes = [await scrape(), await scrape()];
    await vi.waitFor(() => expect(takenBy('/metrics').size).toBe(2), { timeout: 5000, interval: 50 });
    const route = { method: 'GET', route: '/health/live', status: '200' };
    for (const { status, text } of scrapes) {
      expect(status, text).toBe(200);
      expect(sample(text, 'http_requests_total', route)).toBe(SENT);
      expect(sample(text, 'http_request_duration_seconds_count', route)).toBe(SENT);
      expect(sample(text, 'http_request_duration_seconds_bucket', { ...route, le: '+Inf' })).toBe(SENT);
      expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    }
  });

  it('still wants the token', async () => {
    expect((await scrape('Bearer wrong')).status).toBe(401);
  });
});
