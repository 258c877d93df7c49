import type { Kysely } from 'kysely';

/**
 * Indexes for the list filters of API.md §6 that no earlier index serves: stores by owner (`owner_id`)
 * and items by price (`price_min`, `price_max`, `sort=price`). The link filters use the link tables'
 * primary keys and their reverse indexes (migrations 001 and 002).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('stores_owner_id_index').on('stores').column('owner_id').execute();
  await db.schema.createIndex('items_price_index').on('items').column('price').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('items_price_index').execute();
  await db.schema.dropIndex('stores_owner_id_index').execute();
}
