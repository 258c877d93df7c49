import { availableParallelism } from 'node:os';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler, RouteOptions } from 'fastify';
import { envelope, HttpError } from './http-error.js';
import { RETRY_AFTER_SECONDS } from './error-handler.js';

/** Requests of one cost: how many run at once, how many may wait for a turn, and for how long. */
export interface ClassLimits {
  concurrency: number;
  queue: number;
  waitMs: number;
}

/**
 * The cost classes: lists (pages of rows with their nested rows: the answers whose size has no bound,
 * which a database computes for long) and everything else (a row, a write).
 */
export interface AdmissionLimits {
  list: ClassLimits;
  other: ClassLimits;
}

type Cost = keyof AdmissionLimits;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's cost class; `free` routes (health checks) are never held back. By default, from the route. */
    cost?: Cost | 'free';
  }
}

/**
 * Lists at once: one per core, at most 4. Their work runs on the database's threads (SQLite's read
 * workers, PostgreSQL's backends); more at once than there are cores only holds more answers in memory
 * (on 2 cores, under 500 connections on GET /store, 4 at once rather than 2 peaked about 90 MB higher).
 * Cheap lists need the second turn: it keeps a read worker's queue from running dry between answers
 * (`GET /tag/{id}/item?page_size=20` on SQLite: 1,600-1,900 answers/s with 2 at once, 900-1,000 with 1).
 */
const LISTS_AT_ONCE = Math.min(4, availableParallelism());

/**
 * Turns that last longer than this are heavy (megabytes of nested rows): while they do, one fewer runs
 * at once, so that a core stays for the event loop and the cheap requests. On 2 cores, under 500
 * connections on GET /store on PostgreSQL, 2 at once rather than 1 served about 20 % more of them but
 * left /health at 10-14 ms at the median and 80-200 ms at p99, against 5-6 ms and 58-109 ms.
 */
const HEAVY_TURN_MS = 50;

/**
 * Lists at once as above, and a queue no longer than a second's work: 256 cheap pages (`page_size=20`)
 * may wait, only a few of the heaviest.
 */
export const DEFAULT_LIMITS: AdmissionLimits = {
  list: { concurrency: LISTS_AT_ONCE, queue: 256, waitMs: 1000 },
  other: { concurrency: 1024, queue: 0, waitMs: 0 },
};

const AT_CAPACITY = 'The service is at capacity; try again shortly.';

/** The refusal of a request with no turn in sight, written once: under overload it is most answers. */
const AT_CAPACITY_BODY = JSON.stringify(envelope(503, { message: AT_CAPACITY }));

/**
 * A refusal also closes its connection (as Envoy's overload manager does with keep-alive): a client
 * that retries at once must connect again, which paces it, and behind a load balancer its retry may
 * reach another instance. On 2 cores, under 500 connections on GET /store, keeping the connections
 * open let the refusals fill each turn of the event loop: /health took 25-37 ms at the median and
 * 200-290 ms at p99; with the connections closed, 2-4 ms and 20-80 ms. A client refused on 50
 * connections still has its answers in about a millisecond at the median, reconnecting included.
 */
const REFUSAL_HEADERS = { 'retry-after': String(RETRY_AFTER_SECONDS), connection: 'close' };

const overloaded = () => {
  const error = new HttpError(503, AT_CAPACITY);
  error.headers = REFUSAL_HEADERS;
  return error;
};

/**
 * The first guess of a turn's length, until turns have been timed: a slow one, so that a burst at the
 * start queues no more than a few (a tenth of a second's turns), and cheap turns soon let more wait.
 */
const FIRST_TURN_MS = 100;
/** How much the latest turn weighs in the average. */
const RECENT = 0.2;

/**
 * One class's turns: a counter and a bounded queue of waiters, each with its own deadline. The queue
 * takes a request only while its wait, judged by how long turns have lately taken, fits in `waitMs`:
 * a request that would time out in the queue is refused at once instead.
 */
function gate(limits: ClassLimits) {
  let running = 0;
  let turnMs = FIRST_TURN_MS;
  const waiting: { admit: () => void; refuse: () => void }[] = [];
  const atOnce = () => (turnMs > HEAVY_TURN_MS ? Math.max(1, limits.concurrency - 1) : limits.concurrency);
  const releaser = (started: number) => () => {
    turnMs += RECENT * (performance.now() - started - turnMs);
    running--;
    while (running < atOnce() && waiting.length > 0) waiting.shift()!.admit();
  };
  const expectedWaitMs = () => ((waiting.length + 1) * turnMs) / atOnce();
  return {
    /** No turn free and no room in the queue: a request now would be refused. */
    full: () => running >= atOnce() && (waiting.length >= limits.queue || expectedWaitMs() > limits.waitMs),
    async enter(request: FastifyRequest): Promise<() => void> {
      if (running < atOnce() && waiting.length === 0) {
        running++;
        return releaser(performance.now());
      }
      if (waiting.length >= limits.queue || expectedWaitMs() > limits.waitMs) throw overloaded();
      await new Promise<void>((resolve, reject) => {
        const entry = {
          admit: () => {
            clearTimeout(timer);
            running++;
            resolve();
          },
          refuse: () => {
            clearTimeout(timer);
            waiting.splice(waiting.indexOf(entry), 1);
            reject(overloaded());
          },
        };
        const timer = setTimeout(entry.refuse, limits.waitMs);
        waiting.push(entry);
      });
      const release = releaser(performance.now());
      // The client gave up while it waited: its turn goes to the next one, and no work is done for it.
      if (request.raw.destroyed) {
        release();
        throw overloaded();
      }
      return release;
    },
    /** Refuses every waiting request (the service is stopping). */
    drain: () => {
      for (const entry of [...waiting]) entry.refuse();
    },
  };
}

const costOf = (route: RouteOptions): Cost | 'free' => {
  if (route.config?.cost) return route.config.cost;
  const query = route.schema?.querystring as { properties?: Record<string, unknown> } | undefined;
  return query?.properties && 'page_size' in query.properties ? 'list' : 'other';
};

/**
 * Admission control: each route's handler runs only when its cost class has a free turn. Requests
 * beyond the class's concurrency wait in a short queue, for a bounded time; beyond that, or once the
 * queue is full, they are answered 503 with `Retry-After` at once. So a burst of heavy lists cannot
 * take all the memory, the database or the event loop: the work under way stays bounded, and cheap
 * requests (a row, /health) keep their own turns. `shedding()` says whether a request was refused
 * lately, for readiness.
 */
export function admissionControl(app: FastifyInstance, limits: AdmissionLimits) {
  const gates = { list: gate(limits.list), other: gate(limits.other) };
  let lastRefusal = -Infinity;
  app.addHook('onRoute', (route) => {
    const cost = costOf(route);
    if (cost === 'free') return;
    const turns = gates[cost];
    // A request that would only be refused is refused first thing, before it is parsed or validated.
    const refuseEarly: onRequestHookHandler = (_request, reply, done) => {
      if (!turns.full()) return done();
      lastRefusal = Date.now();
      void reply.code(503).headers(REFUSAL_HEADERS).type('application/json; charset=utf-8').send(AT_CAPACITY_BODY);
    };
    route.onRequest = [...[route.onRequest ?? []].flat(), refuseEarly];
    const handler = route.handler;
    route.handler = async function admitted(request, reply) {
      let release: () => void;
      try {
        release = await turns.enter(request);
      } catch (error) {
        lastRefusal = Date.now();
        throw error;
      }
      try {
        return await handler.call(this, request, reply);
      } finally {
        release();
      }
    };
  });
  // Stopping: what still waits for a turn is refused now, so the shutdown grace covers what runs.
  app.addHook('preClose', async () => {
    gates.list.drain();
    gates.other.drain();
  });
  return { shedding: () => Date.now() - lastRefusal < 2000 };
}
