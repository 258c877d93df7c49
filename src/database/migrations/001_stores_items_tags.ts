import type { Kysely } from 'kysely';
import { idColumn, realType } from './columns.js';

/**
 * Stores, items, tags and the items ↔ tags link. The link carries store_id so that composite foreign
 * keys to (items.id, store_id) and (tags.id, store_id) make a cross-store link impossible in the
 * database itself. A tag that still has links cannot be deleted (its foreign key has no cascade);
 * deleting an item removes its links.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('stores')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('name', 'varchar(80)', (c) => c.notNull())
    .addUniqueConstraint('stores_name_unique', ['name'])
    .execute();

  await db.schema
    .createTable('items')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('name', 'varchar(80)', (c) => c.notNull())
    .addColumn('price', realType(db), (c) => c.notNull())
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addUniqueConstraint('items_id_store_id_unique', ['id', 'store_id'])
    .execute();
  await db.schema.createIndex('items_store_id_index').on('items').column('store_id').execute();

  await db.schema
    .createTable('tags')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('name', 'varchar(80)', (c) => c.notNull())
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addUniqueConstraint('tags_store_id_name_unique', ['store_id', 'name'])
    .addUniqueConstraint('tags_id_store_id_unique', ['id', 'store_id'])
    .execute();

  await db.schema
    .createTable('items_tags')
    .addColumn('item_id', 'integer', (c) => c.notNull())
    .addColumn('tag_id', 'integer', (c) => c.notNull())
    .addColumn('store_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('items_tags_pkey', ['item_id', 'tag_id'])
    .addForeignKeyConstraint('items_tags_item_fk', ['item_id', 'store_id'], 'items', ['id', 'store_id'], (fk) => fk.onDelete('cascade'))
    .addForeignKeyConstraint('items_tags_tag_fk', ['tag_id', 'store_id'], 'tags', ['id', 'store_id'])
    .execute();
  await db.schema.createIndex('items_tags_tag_id_index').on('items_tags').columns(['tag_id', 'item_id']).execute();
  await db.schema.createIndex('items_tags_store_id_index').on('items_tags').column('store_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['items_tags', 'tags', 'items', 'stores']) {
    await db.schema.dropTable(table).execute();
  }
}
