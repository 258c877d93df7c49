import { sql, type Kysely } from 'kysely';
import type { Database } from './connection.js';
import { prepared } from './prepared.js';

/** PostgreSQL array types of the columns a bulk insert writes. */
export type ColumnType = 'integer' | 'text' | 'double precision' | 'boolean';

const SQLITE_ROWS_PER_STATEMENT = 500;

/**
 * Writes many rows of one table fast, by whatever the database does best: on SQLite one multi-row
 * INSERT prepared once and run per 500 rows; on PostgreSQL one INSERT … SELECT FROM unnest(arrays) per
 * call, whatever the number of rows. Call it inside a transaction for speed on SQLite.
 */
export function bulkInserter(database: Database, table: string, columns: Record<string, ColumnType>) {
  const { flavor } = database;
  const names = Object.keys(columns);
  const types = Object.values(columns);

  if (flavor.name === 'postgres') {
    return async (executor: Kysely<unknown>, rows: unknown[][]) => {
      if (rows.length === 0) return;
      const arrays = names.map((_, c) => rows.map((row) => row[c]));
      const unnest = sql.join(arrays.map((values, c) => sql`${values}::${sql.raw(types[c]!)}[]`));
      await sql`INSERT INTO ${sql.table(table)} (${sql.join(names.map((n) => sql.ref(n)))}) SELECT * FROM unnest(${unnest})`.execute(
        executor,
      );
    };
  }

  const statementFor = (executor: Kysely<unknown>, count: number) =>
    prepared(
      { db: executor },
      (...values: unknown[]) => {
        // biome-ignore lint/suspicious/noExplicitAny: the table is named at run time
        const db = executor as Kysely<any>;
        const rows = Array.from({ length: count }, (_, r) =>
          Object.fromEntries(names.map((name, c) => [name, values[r * names.length + c]])),
        );
        return db.insertInto(table).values(rows);
      },
      { arity: count * names.length },
    );
  return async (executor: Kysely<unknown>, rows: unknown[][]) => {
    const full = statementFor(executor, SQLITE_ROWS_PER_STATEMENT);
    let start = 0;
    for (; start + SQLITE_ROWS_PER_STATEMENT <= rows.length; start += SQLITE_ROWS_PER_STATEMENT) {
      await full(...rows.slice(start, start + SQLITE_ROWS_PER_STATEMENT).flat());
    }
    const rest = rows.slice(start);
    if (rest.length > 0) await statementFor(executor, rest.length)(...rest.flat());
  };
}
