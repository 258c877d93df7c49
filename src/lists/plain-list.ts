import { sql } from 'kysely';
import type { Database } from '../database/connection.js';
import { columnsOf } from '../database/json.js';
import type { Page } from '../http/pagination.js';
import { linkFieldColumns } from '../links/link-model.js';
import type { ListFilters } from './list-query.js';
import { listSql, type ListScope } from './list-sql.js';
import type { ListSpec } from './list-spec.js';
import { readList } from './read-list.js';

/**
 * Lists of `spec`'s rows as its shape (plain rows: heroes, a store's items, a tag's items), each with
 * its link's fields when the list is a link's other end (`/heroes/{id}/teams`: `is_training`).
 */
export function plainList<T>(database: Database, spec: ListSpec) {
  const { flavor } = database;
  return (page: Page, filters: ListFilters, scope?: ListScope) => {
    const query = listSql(flavor, spec, filters, scope);
    const columns = { ...columnsOf(spec.shape, 'r'), ...(scope && 'link' in scope ? linkFieldColumns(flavor, scope.link, 'l') : {}) };
    const rows = sql<{ body: unknown }>`SELECT ${flavor.text(flavor.object(columns))} AS body
      FROM ${query.from} WHERE r.id IN ${query.ids(page)} ORDER BY ${query.order('r')}`;
    return readList<T>(database, rows, query.count);
  };
}
