import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/metrics.js';
import { useTestApp } from '../helpers/app.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startServer, type Running } from '../helpers/process.js';
import { sample } from '../helpers/prometheus.js';
import { call, makeStore } from '../helpers/requests.js';

describe('metrics off (the default)', () => {
  const t = useTestApp('sqlite');

  it('has no /metrics', async () => {
    expect((await call(t.app, 'GET', '/metrics')).status).toBe(404);
  });
});

describe('GET /metrics (METRICS=1)', () => {
  const t = useTestApp('sqlite', { metrics: { metrics: createMetrics() } });
  const scrape = async () => {
    const reply = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(reply.statusCode).toBe(200);
    expect(String(reply.headers['content-type'])).toMatch(/^text\/plain; version=0\.0\.4/);
    return reply.body;
  };

  it('counts requests and their durations by route pattern, method and status, never by raw URL', async () => {
    const store = await makeStore(t.app, 'Counted');
    for (let i = 0; i < 3; i++) await call(t.app, 'GET', `/store/${store.id}`);
    await call(t.app, 'GET', '/store/987654');
    await call(t.app, 'GET', `/no/such/${Math.random()}`);
    const text = await scrape();
    const labels = { method: 'GET', route: '/store/:store_id' };
    expect(sample(text, 'http_requests_total', { ...labels, status: '200' })).toBe(3);
    expect(sample(text, 'http_requests_total', { ...labels, status: '404' })).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count', { ...labels, status: '200' })).toBe(3);
    expect(sample(text, 'http_request_duration_seconds_bucket', { ...labels, status: '200', le: '+Inf' })).toBe(3);
    expect(sample(text, 'http_request_duration_seconds_bucket', { ...labels, status: '200', le: '5' })).toBe(3);
    // Buckets are cumulative.
    const buckets = ['0.001', '0.01', '0.1', '1'].map(
      (le) => sample(text, 'http_request_duration_seconds_bucket', { ...labels, status: '200', le })!,
    );
    expect([...buckets].sort((a, b) => a - b)).toEqual(buckets);
    expect(sample(text, 'http_request_duration_seconds_sum', { ...labels, status: '200' })).toBeGreaterThan(0);
    expect(sample(text, 'http_requests_total', { method: 'POST', route: '/store', status: '201' })).toBe(1);
    expect(sample(text, 'http_requests_total', { method: 'GET', route: '(unmatched)', status: '404' })).toBe(1);
    expect(text).not.toContain('987654');
    expect(text).not.toContain('/no/such');
  });

  it("has Node's own: event-loop lag, memory, CPU", async () => {
    const text = await scrape();
    for (const name of [
      'nodejs_eventloop_lag_seconds',
      'nodejs_eventloop_lag_p99_seconds',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'process_cpu_seconds_total',
    ]) {
      expect(sample(text, name), name).toBeGreaterThanOrEqual(0);
    }
  });

  it('is not in the API document', async () => {
    expect(Object.keys((await call(t.app, 'GET', '/openapi.json')).body.paths)).not.toContain('/metrics');
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  const t = useTestApp('sqlite', { metrics: { metrics: createMetrics(), token: 'the-scrape-token' } });

  it('answers only a scrape that sends the token as its bearer token', async () => {
    const scrape = (authorization?: string) => t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization } });
    for (const authorization of [undefined, 'Bearer wrong', 'Bearer the scrape', 'the-scrape-token', `Bearer ${t.admin.access}`]) {
      const reply = await scrape(authorization);
      expect(reply.statusCode, authorization).toBe(401);
      expect(reply.json()).toMatchObject({ code: 401, status: 'Unauthorized' });
      expect(reply.headers['www-authenticate']).toBe('Bearer');
    }
    const reply = await scrape('Bearer the-scrape-token');
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toContain('http_requests_total');
  });
});

describe.each(BACKENDS)('metrics of a running service on %s', (backend) => {
  let testDatabase: TestDatabase;
  let server: Running;
  beforeAll(async () => {
    testDatabase = await createTestDatabase(backend);
    server = await startServer({ DATABASE_URL: testDatabase.url, METRICS: '1' });
  });
  afterAll(async () => {
    await server.stop();
    await testDatabase.drop();
  });

  it('times the SQL statements by kind, and on PostgreSQL counts the pool', async () => {
    const token = await server.adminToken();
    await fetch(`${server.url}/store`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'Metered' }),
    });
    await fetch(`${server.url}/item`);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(sample(text, 'db_statement_duration_seconds_count', { statement: 'select' })).toBeGreaterThan(0);
    expect(sample(text, 'db_statement_duration_seconds_count', { statement: 'insert' })).toBeGreaterThan(0);
    expect(sample(text, 'http_requests_total', { method: 'GET', route: '/item', status: '200' })).toBe(1);
    if (backend === 'postgres') {
      expect(sample(text, 'db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
      expect(sample(text, 'db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'db_pool_connections', { state: 'waiting' })).toBe(0);
    } else {
      expect(sample(text, 'db_pool_connections')).toBeUndefined();
    }
  });
});
