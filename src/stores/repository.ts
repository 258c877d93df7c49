import { sql } from 'kysely';
import type { Database } from '../database/connection.js';
import { constraintViolation } from '../database/errors.js';
import { columnsOf, jsonList } from '../database/json.js';
import { prepared, type Executor } from '../database/prepared.js';
import { embed, jsonById } from '../database/sql-flavor.js';
import type { Page } from '../http/pagination.js';
import type { ListFilters } from '../lists/list-query.js';
import { listSql } from '../lists/list-sql.js';
import { readList } from '../lists/read-list.js';
import { storeList } from './list.js';
import { PlainItem } from '../items/plain.js';
import { PlainTag } from '../tags/plain.js';
import { PlainStore } from './plain.js';
import type { Store } from './schemas.js';

export type StoreRepository = ReturnType<typeof storeRepository>;

export function storeRepository(database: Database) {
  const { db, flavor } = database;
  const storeJson = flavor.object({
    ...columnsOf(PlainStore, 's'),
    items: embed(jsonList(flavor, 'items', 'i', sql`i.store_id = s.id`, columnsOf(PlainItem, 'i'))),
    tags: embed(jsonList(flavor, 'tags', 't', sql`t.store_id = s.id`, columnsOf(PlainTag, 't'))),
  });
  const selectStores = () => db.selectFrom('stores as s').select(flavor.text(storeJson).as('body'));

  const byId = prepared(database, (id: number) => selectStores().where('s.id', '=', id));
  const insert = prepared(database, (name: string, ownerId: number) =>
    db.insertInto('stores').values({ name, owner_id: ownerId }).returning('id'),
  );
  // Locking the store, then its items, then its tags makes a concurrent create of an item or tag (whose
  // foreign key locks the store), link (which locks its item, then its tag) or tag delete wait for the
  // delete (PostgreSQL; SQLite runs one writer at a time), so no link can appear between removing the
  // links and the rows. Links take their locks in this order too, so the two cannot deadlock.
  const lock = (table: 'stores' | 'items' | 'tags', column: 'id' | 'store_id') =>
    prepared(database, (id: number) => {
      const query = db.selectFrom(table).select('id').where(column, '=', id);
      return flavor.name === 'postgres' ? query.forUpdate() : query;
    });
  const locks = [lock('stores', 'id'), lock('items', 'store_id'), lock('tags', 'store_id')];
  const removeLinks = prepared(database, (storeId: number) => db.deleteFrom('items_tags').where('store_id', '=', storeId));
  const remove = prepared(database, (id: number) => db.deleteFrom('stores').where('id', '=', id).returning('id'));

  const { json, get } = jsonById<Store>(byId);

  return {
    json,
    get,
    /** A page of stores and their filtered total; the page's ids first, so JSON is built for those rows only. */
    list(page: Page, filters: ListFilters) {
      const query = listSql(flavor, storeList, filters);
      return readList<Store>(
        database,
        selectStores()
          .where(sql<boolean>`s.id IN ${query.ids(page)}`)
          .orderBy(query.order('s')),
        query.count,
      );
    },
    /**
     * The new store; 'duplicate' when the name is taken, 'no_owner' when the owner does not exist. Run
     * by `executor`, read back included (a transaction of the caller's, or the database).
     */
    async create(name: string, ownerId: number, executor: Executor = db): Promise<Store | 'duplicate' | 'no_owner'> {
      try {
        const [row] = await insert.in(executor)(name, ownerId);
        return (await get(row!.id, executor))!;
      } catch (error) {
        if (constraintViolation(error) === 'unique') return 'duplicate';
        if (constraintViolation(error) === 'foreign_key') return 'no_owner';
        throw error;
      }
    },
    /** Deletes the store with its items, tags and links, in one transaction; false when there was none. */
    remove: (id: number) =>
      db.transaction().execute(async (trx) => {
        for (const locked of locks) await locked.in(trx)(id);
        await removeLinks.in(trx)(id);
        return (await remove.in(trx)(id)).length === 1;
      }),
  };
}
