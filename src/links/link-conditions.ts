import { sql, type RawBuilder } from 'kysely';
import type { SqlFlavor } from '../database/sql-flavor.js';
import type { LinkCondition } from '../lists/list-query.js';
import type { LinkFilter } from '../lists/list-spec.js';
import { linkFields, otherSide, type LinkModel } from './link-model.js';

type Values = Record<string, unknown>;

/** `alias`'s link fields equal `values` (booleans as the database stores them). */
export function linkFieldsEqual(flavor: SqlFlavor, link: LinkModel, values: Values, alias: string): RawBuilder<unknown>[] {
  return linkFields(link)
    .filter(([key]) => values[key] !== undefined)
    .map(([key, schema]) => {
      const value = schema.type === 'boolean' ? flavor.bindBoolean(Boolean(values[key])) : values[key];
      return sql`${sql.ref(`${alias}.${key}`)} = ${value}`;
    });
}

/**
 * Whether the row `rowId` (of the filter's side) is linked to all, any or none of the ids, counting
 * only links with `values`. Each is an index search of the link table: `any` and `all` look the ids
 * up by the far column (whose index leads with it), `none` looks the row up by the near one.
 */
export function linkCondition(flavor: SqlFlavor, { filter, mode, ids }: LinkCondition, values: Values, rowId: RawBuilder<unknown>) {
  const { table, near, far } = columns(filter);
  const matching = sql.join([flavor.inIds(sql.ref(`x.${far}`), ids), ...linkFieldsEqual(flavor, filter.link, values, 'x')], sql` AND `);
  const nearRef = sql.ref(`x.${near}`);
  switch (mode) {
    case 'any':
      return sql`${rowId} IN (SELECT ${nearRef} FROM ${table} x WHERE ${matching})`;
    case 'all':
      return sql`${rowId} IN (SELECT ${nearRef} FROM ${table} x WHERE ${matching} GROUP BY ${nearRef} HAVING count(*) = ${ids.length})`;
    case 'none':
      return sql`NOT EXISTS (SELECT 1 FROM ${table} x WHERE ${nearRef} = ${rowId} AND ${matching})`;
  }
}

/** Whether the row `rowId` has at least one link with `values`. */
export function hasLinkWith(flavor: SqlFlavor, filter: LinkFilter, values: Values, rowId: RawBuilder<unknown>) {
  const { table, near } = columns(filter);
  const fields = linkFieldsEqual(flavor, filter.link, values, 'x');
  return sql`EXISTS (SELECT 1 FROM ${table} x WHERE ${sql.ref(`x.${near}`)} = ${rowId} AND ${sql.join(fields, sql` AND `)})`;
}

function columns({ link, side }: LinkFilter) {
  return { table: sql.table(link.table), near: link[side].column, far: link[otherSide(side)].column };
}
