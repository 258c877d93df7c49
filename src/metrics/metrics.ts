import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueryEvent } from '../database/connection.js';

/** A pool's connections: all, idle, and the requests waiting for one. */
export interface PoolCounts {
  total: number;
  idle: number;
  waiting: number;
}

const STATEMENTS = new Set(['select', 'insert', 'update', 'delete', 'with', 'begin', 'commit', 'rollback', 'savepoint', 'release']);

/** What kind of statement `sql` is, by its first word: a label with few values. */
function statementKind(sql: string): string {
  const word = /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toLowerCase();
  return word && STATEMENTS.has(word) ? word : 'other';
}

/**
 * The service's Prometheus metrics (prom-client, a registry of its own): requests by route pattern,
 * method and status (count and duration), statement durations, the PostgreSQL pool, and Node's own
 * (event-loop lag, memory, CPU, handles). The labelled series of each request's route are looked up once
 * and kept, so a request costs a map look-up, an increment and an observation.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'http_requests_total', help: 'Requests answered, by route pattern, method and status.', labelNames, registers: [registry] });
  const durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from the request to its answer, by route pattern, method and status.',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const statements = new Histogram({
    name: 'db_statement_duration_seconds',
    help: 'Time each SQL statement took, by its kind (select, insert, update, delete, begin, commit…).',
    labelNames: ['statement'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const series = new Map<string, { count: Counter.Internal; duration: Histogram.Internal<'method' | 'route' | 'status'> }>();

  return {
    registry,
    /** One answered request; `route` is the route's pattern (`/item/:item_id`), never the URL. */
    request(method: string, route: string, status: number, seconds: number): void {
      const key = `${status} ${method} ${route}`;
      let labelled = series.get(key);
      if (!labelled) {
        const labels = { method, route, status: String(status) };
        labelled = { count: requests.labels(labels), duration: durations.labels(labels) };
        series.set(key, labelled);
      }
      labelled.count.inc();
      labelled.duration.observe(seconds);
    },
    /** One statement, as `openDatabase`'s `onQuery` reports it. */
    query(event: QueryEvent): void {
      statements.observe({ statement: statementKind(event.sql) }, event.durationMs / 1000);
    },
    /** The pool's counts, read when the metrics are. */
    watchPool(counts: () => PoolCounts): void {
      new Gauge({
        name: 'db_pool_connections',
        help: 'PostgreSQL pool: connections open (total), idle, and requests waiting for one (waiting).',
        labelNames: ['state'] as const,
        registers: [registry],
        collect() {
          const { total, idle, waiting } = counts();
          this.set({ state: 'total' }, total);
          this.set({ state: 'idle' }, idle);
          this.set({ state: 'waiting' }, waiting);
        },
      });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
