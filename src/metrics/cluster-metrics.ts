import { AggregatorRegistry, type Registry } from 'prom-client';
import { HttpError } from '../http/http-error.js';

const REQUEST = 'junction:metrics-request';
const ANSWER = 'junction:metrics-answer';

interface MetricsRequest {
  type: typeof REQUEST;
  id: number;
}

/** All workers' metrics in Prometheus' text format, or why the primary could not gather them. */
interface MetricsAnswer {
  type: typeof ANSWER;
  id: number;
  text?: string;
  error?: string;
}

const isMessage = <T extends MetricsRequest | MetricsAnswer>(message: unknown, type: T['type']): message is T =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;

/** A worker, as the primary answers it (node:cluster's `Worker`). */
export interface WorkerChannel {
  send(message: MetricsAnswer, callback: (error: Error | null) => void): unknown;
}

/** What the primary hears from its workers (node:cluster's `cluster`). */
export interface Workers {
  on(event: 'message', listener: (worker: WorkerChannel, message: unknown) => void): unknown;
}

/** The primary, as a worker asks it (node:cluster's `cluster.worker`, in the worker). */
export interface PrimaryChannel {
  send(message: MetricsRequest, callback: (error: Error | null) => void): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/**
 * The primary of `--workers`: answers a worker's request for the metrics with every worker's, summed by
 * `aggregator` (prom-client's `AggregatorRegistry`, which asks each worker for its registry).
 */
export function aggregateForWorkers(workers: Workers, aggregator: { clusterMetrics(): Promise<string> }): void {
  workers.on('message', (worker, message) => {
    if (!isMessage<MetricsRequest>(message, REQUEST)) return;
    // A worker that died since it asked has no one left to answer: the failed send is dropped.
    const answer = (result: { text: string } | { error: string }) => worker.send({ type: ANSWER, id: message.id, ...result }, () => {});
    aggregator.clusterMetrics().then(
      (text) => answer({ text }),
      (error: unknown) => answer({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
}

/** A worker of `--workers`: lets the primary's aggregation read `registry`. */
export function shareRegistry(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // prom-client starts answering the primary's requests once an AggregatorRegistry exists in the process.
  new AggregatorRegistry();
}

/**
 * A worker of `--workers`: what its scrapes answer, every worker's metrics as the primary sums them. A
 * primary that does not answer within `timeoutMs`, or fails to gather them, makes the scrape a 503.
 */
export function scrapeThroughPrimary(primary: PrimaryChannel, timeoutMs = 2_000): () => Promise<string> {
  const pending = new Map<number, (answer: Omit<MetricsAnswer, 'type' | 'id'>) => void>();
  let nextId = 0;
  primary.on('message', (message) => {
    if (isMessage<MetricsAnswer>(message, ANSWER)) pending.get(message.id)?.(message);
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const settle = ({ text, error }: Omit<MetricsAnswer, 'type' | 'id'>) => {
        clearTimeout(timer);
        pending.delete(id);
        if (text !== undefined) resolve(text);
        else reject(new HttpError(503, `The metrics of all workers are not available: ${error}`));
      };
      const timer = setTimeout(() => settle({ error: `the primary did not answer within ${timeoutMs} ms` }), timeoutMs);
      pending.set(id, settle);
      primary.send({ type: REQUEST, id }, (error) => error && settle({ error: error.message }));
    });
}
