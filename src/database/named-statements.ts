import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { statementName } from './prepared.js';

/**
 * Hands Kysely a pool whose clients run the compile-once queries as named prepared statements:
 * PostgreSQL then parses and plans each once per connection instead of on every request. Any other
 * query goes through unchanged.
 */
export function namedStatements(pool: pg.Pool): PostgresPool {
  return {
    end: () => pool.end(),
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      const query = (sqlOrCursor: unknown, parameters?: ReadonlyArray<unknown>) => {
        const name = typeof sqlOrCursor === 'string' ? statementName(sqlOrCursor) : undefined;
        return name
          ? client.query({ name, text: sqlOrCursor as string, values: parameters as unknown[] })
          : client.query(sqlOrCursor as string, parameters as unknown[]);
      };
      return { query: query as unknown as PostgresPoolClient['query'], release: () => client.release() };
    },
  };
}
