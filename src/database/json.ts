import type { TObject } from '@sinclair/typebox';
import { sql, type RawBuilder } from 'kysely';
import type { SqlFlavor } from './sql-flavor.js';

export type Columns = Record<string, RawBuilder<unknown>>;

/** The columns of `alias` named by a shape's properties: the shape's schema decides what is selected. */
export function columnsOf(shape: TObject, alias: string): Columns {
  return Object.fromEntries(Object.keys(shape.properties).map((key) => [key, sql.ref(`${alias}.${key}`)]));
}

/**
 * A scalar subquery: the rows of `table` (as `alias`) that match `where`, as a JSON array of
 * `columns` ordered by id. Used for one-to-many nesting (a store's items).
 */
export function jsonList(flavor: SqlFlavor, table: string, alias: string, where: RawBuilder<unknown>, columns: Columns) {
  return flavor.arrayOf(flavor.object(columns), sql`${sql.table(table)} ${sql.id(alias)} WHERE ${where}`, sql.ref(`${alias}.id`));
}
