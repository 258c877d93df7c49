import { sql } from 'kysely';
import type { Database } from '../database/connection.js';
import { constraintViolation } from '../database/errors.js';
import { columnsOf } from '../database/json.js';
import { prepared, type Executor } from '../database/prepared.js';
import { embed, jsonById } from '../database/sql-flavor.js';
import type { Page } from '../http/pagination.js';
import type { ListFilters } from '../lists/list-query.js';
import { listSql } from '../lists/list-sql.js';
import { readList } from '../lists/read-list.js';
import { tagList } from './list.js';
import { PlainItem } from '../items/plain.js';
import { itemsTags } from '../links/items-tags.js';
import { linkedList } from '../links/link-model.js';
import { PlainStore } from '../stores/plain.js';
import { PlainTag } from './plain.js';
import type { Tag } from './schemas.js';

export type TagRepository = ReturnType<typeof tagRepository>;

export function tagRepository(database: Database) {
  const { db, flavor } = database;
  const tagJson = flavor.object({
    ...columnsOf(PlainTag, 't'),
    store: flavor.object(columnsOf(PlainStore, 's')),
    items: embed(linkedList(flavor, itemsTags, 'right', sql.ref('t.id'), columnsOf(PlainItem, 'o'))),
  });
  const selectTags = () =>
    db.selectFrom('tags as t').innerJoin('stores as s', 's.id', 't.store_id').select(flavor.text(tagJson).as('body'));

  const byId = prepared(database, (id: number) => selectTags().where('t.id', '=', id));
  const insert = prepared(database, (storeId: number, name: string) =>
    db.insertInto('tags').values({ store_id: storeId, name }).returning('id'),
  );
  const remove = prepared(database, (id: number) => db.deleteFrom('tags').where('id', '=', id).returning('id'));

  const { json, get } = jsonById<Tag>(byId);

  return {
    json,
    get,
    /** The row's JSON text as a scalar subquery, to read within another statement (NULL when there is no such row). */
    jsonOf: (id: unknown) => sql<string | null>`(${selectTags().where(sql<boolean>`t.id = ${id}`)})`,
    /**
     * A page of tags (a store's, with `storeId`) and their filtered total; the page's ids first, so JSON
     * is built for those rows only.
     */
    list(page: Page, filters: ListFilters, storeId?: number) {
      const scope = storeId === undefined ? undefined : { column: 'store_id', parent: 'stores', id: storeId };
      const query = listSql(flavor, tagList, filters, scope);
      return readList<Tag>(
        database,
        selectTags()
          .where(sql<boolean>`t.id IN ${query.ids(page)}`)
          .orderBy(query.order('t')),
        query.count,
      );
    },
    /**
     * The new tag; 'duplicate' when the store has a tag of that name, 'no_store' when there is no store.
     * Run by `executor`, read back included.
     */
    async create(storeId: number, name: string, executor: Executor = db): Promise<Tag | 'duplicate' | 'no_store'> {
      try {
        const [row] = await insert.in(executor)(storeId, name);
        return (await get(row!.id, executor))!;
      } catch (error) {
        const violation = constraintViolation(error);
        if (violation === 'unique') return 'duplicate';
        if (violation === 'foreign_key') return 'no_store';
        throw error;
      }
    },
    /**
     * Deletes a tag that has no items. The link's foreign key refuses the delete while any link exists,
     * so a link made concurrently can never be lost: 'linked' is the answer then.
     */
    async remove(id: number): Promise<'deleted' | 'missing' | 'linked'> {
      try {
        return (await remove(id)).length === 1 ? 'deleted' : 'missing';
      } catch (error) {
        if (constraintViolation(error) === 'foreign_key') return 'linked';
        throw error;
      }
    },
  };
}
