import type { Kysely } from 'kysely';
import { isPostgres } from './columns.js';

/**
 * The sign-in rate limit's counters, in the database so every process and instance counts against the
 * same limit. One row per route and client address: its hits in the current window and when the
 * window ends (`resets_at`, milliseconds). Ended windows are purged by their index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('resets_at', isPostgres(db) ? 'bigint' : 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limits_resets_at_index').on('rate_limits').column('resets_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limits').execute();
}
