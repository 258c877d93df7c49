import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { sql, type RawBuilder } from 'kysely';
import type { Columns } from '../database/json.js';
import type { SqlFlavor } from '../database/sql-flavor.js';
import { Input } from '../http/schemas.js';

/** One end of a many-to-many link: the table linked, and the link table's column that holds its id. */
export interface LinkEnd {
  table: string;
  column: string;
}

/**
 * A many-to-many link, declared once per pair as SQLModel's `Relationship(link_model=…)` is: a link
 * table whose primary key is the pair of ids, with foreign keys to both ends (made by the pair's
 * migration). `fields` are what the link itself carries (`is_training`), each with a default. With
 * `scope`, the link table also carries that column of both ends, and composite foreign keys make a link
 * between rows with different values impossible (items and tags of different stores).
 */
export interface LinkModel {
  table: string;
  left: LinkEnd;
  right: LinkEnd;
  scope?: string;
  fields?: TObject;
}

export type Side = 'left' | 'right';

export const defineLink = <M extends LinkModel>(model: M): M => model;

export const otherSide = (side: Side): Side => (side === 'left' ? 'right' : 'left');

/**
 * The link's own fields as a request body (making a link, changing one): each optional, and without
 * its default. A default belongs to creation, where the link service applies it; in a body it would
 * also fill in a field an update left out, and overwrite the stored value.
 */
export function linkFieldsInput(model: LinkModel): TObject {
  const properties = Object.entries(model.fields?.properties ?? {}).map(([key, schema]) => {
    const { default: _default, ...withoutDefault } = schema as TSchema;
    return [key, Type.Optional(withoutDefault as TSchema)];
  });
  return Input(Object.fromEntries(properties));
}

/** The link's own fields as JSON values of the link row `alias` (booleans as JSON booleans). */
export function linkFieldColumns(flavor: SqlFlavor, model: LinkModel, alias: string): Columns {
  const properties = model.fields?.properties ?? {};
  return Object.fromEntries(
    Object.entries(properties).map(([key, schema]) => {
      const column = sql.ref(`${alias}.${key}`);
      return [key, schema.type === 'boolean' ? flavor.boolean(column) : column];
    }),
  );
}

/**
 * The rows linked to `id` of the `from` end, as a JSON array ordered by id: a scalar subquery to embed
 * in the statement that reads the `from` row, so nested reads take no extra statement. `columns` name
 * what to select from the linked row (alias `o`) and the link row (alias `l`).
 */
export function linkedList(
  flavor: SqlFlavor,
  model: LinkModel,
  from: Side,
  id: RawBuilder<unknown>,
  columns: Columns,
): RawBuilder<unknown> {
  const near = model[from];
  const far = model[otherSide(from)];
  return sql`SELECT ${flavor.array(flavor.object(columns), sql.ref('o.id'))}
    FROM ${sql.table(model.table)} l JOIN ${sql.table(far.table)} o ON o.id = ${sql.ref(`l.${far.column}`)}
    WHERE ${sql.ref(`l.${near.column}`)} = ${id}`;
}
