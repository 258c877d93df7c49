import pg from 'pg';
import { namedStatements } from './named-statements.js';
import { DatabaseUnavailable } from './unavailable.js';

export interface PostgresBounds {
  /** Connections in the pool. */
  poolSize: number;
  /** Whether the compile-once queries run as named prepared statements (a pooler in transaction mode may not keep them). */
  preparedStatements: boolean;
  /** How long a request waits for a pooled connection, or to connect. */
  waitMs: number;
  /** How long one statement may run (`statement_timeout`); a lock wait gets a little less (`lock_timeout`). */
  statementTimeoutMs: number;
  /** Told of every connection that breaks (the server restarting, a terminated backend). */
  onConnectionError: (error: Error) => void;
}

/**
 * A pool whose every wait is bounded: for a connection, for a statement, for a row lock, and for a
 * server that stops answering at all (the client gives up a little after the server would). A
 * connection that breaks, idle or in use, never crashes the process: its query fails (503), the pool
 * drops it and connects anew on the next request. Sessions left idle inside a transaction are ended,
 * so no lock outlives a request by long.
 */
export function openPostgres(url: string, bounds: PostgresBounds) {
  const settings = {
    connectionString: url,
    connectionTimeoutMillis: bounds.waitMs,
    statement_timeout: bounds.statementTimeoutMs,
    lock_timeout: Math.max(1, bounds.statementTimeoutMs - 500),
    query_timeout: bounds.statementTimeoutMs + 500,
    idle_in_transaction_session_timeout: 10_000,
    keepAlive: true,
  };
  const pool = new pg.Pool({ ...settings, max: bounds.poolSize });
  // Health checks have a connection of their own, so a pool saturated by requests does not fail them.
  const health = new pg.Pool({ ...settings, max: 1 });
  for (const each of [pool, health]) {
    each.on('error', bounds.onConnectionError);
    each.on('connect', (client) => client.on('error', bounds.onConnectionError));
  }
  return {
    pool: bounds.preparedStatements ? namedStatements(pool) : pool,
    /** The server answers. */
    async ping(): Promise<void> {
      await health.query('SELECT 1');
    },
    /** The server answers and takes writes (it is no read-only standby). */
    async writable(): Promise<void> {
      const { rows } = await health.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
      if (rows[0]?.standby) throw new DatabaseUnavailable('the PostgreSQL server is a read-only standby');
    },
    close: () => health.end(),
    /** The request pool's connections and waiters, for the metrics. */
    counts: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}
