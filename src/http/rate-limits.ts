import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../database/connection.js';
import { prepared } from '../database/prepared.js';

/** One client's count in its current window, as `@fastify/rate-limit` reads it. */
export interface Hits {
  current: number;
  /** Milliseconds until the window ends. */
  ttl: number;
}

type Callback = (error: Error | null, hits: Hits | null) => void;

/**
 * The rate limiter's counters in the database, so every process and instance counts against one limit.
 * A window starts at a client's first request and lasts `timeWindow` (as the plugin's in-memory store
 * does). Each request is one statement: an upsert that starts a new window when the last has ended, else
 * adds one, and returns the count and the window's end. Instances read the time from their own clocks,
 * as they already do for token expiry: keep them in sync (NTP).
 */
export function databaseRateLimits(database: Database) {
  const { db } = database;
  const hit = prepared(database, (key: string, now: number, resetsAt: number) =>
    db
      .insertInto('rate_limits')
      .values({ key, hits: 1, resets_at: resetsAt })
      .onConflict((conflict) =>
        conflict.column('key').doUpdateSet((eb) => {
          const ended = eb('rate_limits.resets_at', '<=', now);
          return {
            hits: eb
              .case()
              .when(ended)
              .then(eb.lit(1))
              .else(eb('rate_limits.hits', '+', eb.lit(1)))
              .end(),
            resets_at: eb.case().when(ended).then(eb.ref('excluded.resets_at')).else(eb.ref('rate_limits.resets_at')).end(),
          };
        }),
      )
      .returning(['hits', 'resets_at']),
  );
  const purge = prepared(database, (now: number) => db.deleteFrom('rate_limits').where('resets_at', '<=', now));

  /** `@fastify/rate-limit`'s store interface: one per route (`child`), keyed by client address. */
  class Store {
    constructor(private readonly prefix = '') {}

    incr(key: string, callback: Callback, timeWindow: number): void {
      const now = Date.now();
      hit(this.prefix + key, now, now + timeWindow).then(
        ([row]) => callback(null, { current: row!.hits, ttl: Number(row!.resets_at) - now }),
        (error: Error) => callback(error, null),
      );
    }

    child(route: { routeInfo: { method: string; url: string } }): Store {
      return new Store(`${route.routeInfo.method} ${route.routeInfo.url} `);
    }
  }

  return {
    Store,
    /** Removes the windows that have ended. */
    async purge(now = Date.now()): Promise<void> {
      await purge(now);
    },
  };
}

export type DatabaseRateLimits = ReturnType<typeof databaseRateLimits>;

/** How often each process removes ended windows: a cheap DELETE by index, whoever runs it. */
const PURGE_EVERY_MS = 60_000;

/** The rate limiter's options that keep its counters in the database, purged while the app runs. */
export function countedInDatabase(app: FastifyInstance, database: Database): RateLimitPluginOptions {
  const limits = databaseRateLimits(database);
  const purge = () => limits.purge().catch((err: unknown) => app.log.warn({ err }, 'ended rate-limit windows could not be purged'));
  const timer = setInterval(purge, PURGE_EVERY_MS).unref();
  app.addHook('onClose', async () => clearInterval(timer));
  // The plugin's types name the argument of `child` wrongly (it is the route's merged limit options).
  return { store: limits.Store as unknown as RateLimitPluginOptions['store'] };
}
