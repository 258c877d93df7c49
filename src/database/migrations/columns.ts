import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import { PostgresAdapter } from 'kysely';

export const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * An integer primary key whose values are never reused after a delete, so an id a client kept can
 * never name a newer row (AUTOINCREMENT on SQLite, an identity column on PostgreSQL).
 */
export function idColumn(db: Kysely<unknown>) {
  return (column: ColumnDefinitionBuilder) =>
    isPostgres(db) ? column.primaryKey().generatedByDefaultAsIdentity() : column.primaryKey().autoIncrement();
}

export const realType = (db: Kysely<unknown>) => (isPostgres(db) ? 'double precision' : 'real');
