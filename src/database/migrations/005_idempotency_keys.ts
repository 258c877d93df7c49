import type { Kysely } from 'kysely';
import { isPostgres } from './columns.js';

/**
 * Idempotency keys of retry-safe creates (API.md §2). A row is written by the transaction that makes
 * the create, with its answer, so a create never commits without its key. `scope` is whose key it is
 * (a user, or the anonymous sign-up); `fingerprint` an HMAC of the request, so a password in a body is
 * never kept in a form cheaper to guess than its Argon2 hash. Rows older than a day are ignored and
 * removed as new ones arrive (`created_at`, milliseconds).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('scope', 'varchar(32)', (c) => c.notNull())
    .addColumn('key', 'varchar(255)', (c) => c.notNull())
    .addColumn('fingerprint', 'varchar(64)', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('body', 'text')
    .addColumn('created_at', isPostgres(db) ? 'bigint' : 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['scope', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_created_at_index').on('idempotency_keys').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
}
