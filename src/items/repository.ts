import type { Static } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { Database } from '../database/connection.js';
import { constraintViolation } from '../database/errors.js';
import { columnsOf } from '../database/json.js';
import { prepared, type Executor } from '../database/prepared.js';
import { embed, jsonById } from '../database/sql-flavor.js';
import type { Page } from '../http/pagination.js';
import type { ListFilters } from '../lists/list-query.js';
import { listSql } from '../lists/list-sql.js';
import { plainList } from '../lists/plain-list.js';
import { readList } from '../lists/read-list.js';
import { itemList } from './list.js';
import { itemsTags } from '../links/items-tags.js';
import { linkedList } from '../links/link-model.js';
import { PlainStore } from '../stores/plain.js';
import { PlainTag } from '../tags/plain.js';
import { PlainItem } from './plain.js';
import type { Item, ItemCreate, ItemUpdate } from './schemas.js';

export type ItemRepository = ReturnType<typeof itemRepository>;

export function itemRepository(database: Database) {
  const { db, flavor } = database;
  const itemJson = flavor.object({
    ...columnsOf(PlainItem, 'i'),
    store: flavor.object(columnsOf(PlainStore, 's')),
    tags: embed(linkedList(flavor, itemsTags, 'left', sql.ref('i.id'), columnsOf(PlainTag, 'o'))),
  });
  const selectItems = () =>
    db.selectFrom('items as i').innerJoin('stores as s', 's.id', 'i.store_id').select(flavor.text(itemJson).as('body'));

  const byId = prepared(database, (id: number) => selectItems().where('i.id', '=', id));
  const insert = prepared(database, (name: string, price: number, storeId: number) =>
    db.insertInto('items').values({ name, price, store_id: storeId }).returning('id'),
  );
  // A field left out is bound as NULL and keeps its value: one statement serves every partial update.
  const update = prepared(database, (id: number, name: string | null, price: number | null) =>
    db
      .updateTable('items')
      .set({ name: sql`coalesce(${name}, name)`, price: sql`coalesce(${price}, price)` })
      .where('id', '=', id)
      .returning('id'),
  );
  const remove = prepared(database, (id: number) => db.deleteFrom('items').where('id', '=', id).returning('id'));

  const { json, get } = jsonById<Item>(byId);
  const plain = plainList<Static<typeof PlainItem>>(database, itemList);

  return {
    json,
    get,
    /** The row's JSON text as a scalar subquery, to read within another statement (NULL when there is no such row). */
    jsonOf: (id: unknown) => sql<string | null>`(${selectItems().where(sql<boolean>`i.id = ${id}`)})`,
    /** A page of items and their filtered total; the page's ids first, so JSON is built for those rows only. */
    list(page: Page, filters: ListFilters) {
      const query = listSql(flavor, itemList, filters);
      return readList<Item>(
        database,
        selectItems()
          .where(sql<boolean>`i.id IN ${query.ids(page)}`)
          .orderBy(query.order('i')),
        query.count,
      );
    },
    /** A store's items, plain. */
    ofStore: (storeId: number, page: Page, filters: ListFilters) =>
      plain(page, filters, { column: 'store_id', parent: 'stores', id: storeId }),
    /** The new item, or undefined when its store does not exist. Run by `executor`, read back included. */
    async create({ name, price, store_id }: ItemCreate, executor: Executor = db): Promise<Item | undefined> {
      try {
        const [row] = await insert.in(executor)(name, price, store_id);
        return get(row!.id, executor);
      } catch (error) {
        if (constraintViolation(error) === 'foreign_key') return undefined;
        throw error;
      }
    },
    /** Changes only the given fields; undefined when there is no such item. */
    async update(id: number, { name, price }: ItemUpdate): Promise<Item | undefined> {
      const [row] = await update(id, name ?? null, price ?? null);
      return row ? get(id) : undefined;
    },
    /** Deletes the item and its tag links; false when there was none. */
    remove: async (id: number) => (await remove(id)).length === 1,
  };
}
