import type { Kysely } from 'kysely';
import { idColumn, isPostgres } from './columns.js';

/**
 * Users (the original's `users`), revoked tokens (kept until they would have expired anyway, so a
 * revocation holds across restarts and every instance), and each store's owner. Stores made before
 * owners existed have none: only admins manage them. Deleting a user leaves their stores, ownerless.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('username', 'varchar(80)', (c) => c.notNull())
    .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
    .addColumn('is_admin', 'boolean', (c) => c.notNull().defaultTo(false))
    .addUniqueConstraint('users_username_unique', ['username'])
    .execute();

  await db.schema
    .createTable('revoked_tokens')
    .addColumn('jti', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('expires_at', isPostgres(db) ? 'bigint' : 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('revoked_tokens_expires_at_index').on('revoked_tokens').column('expires_at').execute();

  await db.schema
    .alterTable('stores')
    .addColumn('owner_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('stores').dropColumn('owner_id').execute();
  await db.schema.dropTable('revoked_tokens').execute();
  await db.schema.dropTable('users').execute();
}
