import { Type, type Static, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import { sql, type RawBuilder } from 'kysely';
import type { Columns } from '../database/json.js';
import type { SqlFlavor } from '../database/sql-flavor.js';
import type { Tables } from '../database/tables.js';
import { Input } from '../http/schemas.js';

/**
 * One end of a many-to-many link: the table linked, the link table's column that holds its id, the
 * plural noun the API calls its rows by (`tags`: the `tags_all` filter, `tag_ids` of a set), and the
 * noun for one row (`tag`), which with `name` names the link's operations (`linkItemTag`, `listItemTags`).
 */
export interface LinkEnd {
  table: string;
  column: string;
  name: string;
  singular: string;
}

/**
 * A many-to-many link, declared once per pair as SQLModel's `Relationship(link_model=…)` is: a link
 * table whose primary key is the pair of ids, with foreign keys to both ends (made by the pair's
 * migration). `fields` are what the link itself carries (`is_training`), each with a default. With
 * `scope`, the link table also carries that column of both ends, and composite foreign keys make a link
 * between rows with different values impossible (items and tags of different stores); with `owner` as
 * well, only the owner of the scope's row (or an admin) may link and unlink.
 */
export interface LinkModel {
  table: string;
  left: LinkEnd;
  right: LinkEnd;
  scope?: string;
  owner?: LinkOwner;
  fields?: TObject;
}

/**
 * Who may change a pair's links: the user named by `column` of the `table` row that the scope column
 * points to (a store's `owner_id`), or an admin.
 */
export interface LinkOwner {
  table: string;
  column: string;
}

export type Side = 'left' | 'right';

type ColumnOf<DB, T extends keyof DB> = keyof DB[T] & string;
/** The tables rows of which can be an end: those with an `id`. */
type EndTable<DB> = { [T in keyof DB & string]: DB[T] extends { id: unknown } ? T : never }[keyof DB & string];

/** A declaration whose every name is a table or column of `DB`: a typo does not compile. */
export interface LinkDeclaration<
  DB,
  LinkTable extends keyof DB & string,
  LeftTable extends EndTable<DB>,
  RightTable extends EndTable<DB>,
  LeftColumn extends ColumnOf<DB, LinkTable>,
  RightColumn extends ColumnOf<DB, LinkTable>,
  Fields extends TProperties,
> {
  table: LinkTable;
  left: { table: LeftTable; column: LeftColumn; name: string; singular: string };
  right: { table: RightTable; column: RightColumn; name: string; singular: string };
  scope?: ColumnOf<DB, LinkTable> & ColumnOf<DB, LeftTable> & ColumnOf<DB, RightTable>;
  owner?: { [T in EndTable<DB>]: { table: T; column: ColumnOf<DB, T> } }[EndTable<DB>];
  fields?: keyof Fields extends ColumnOf<DB, LinkTable> ? TObject<Fields> : never;
}

/** `defineLink` for the tables of `DB` (a test's own tables, say). */
export const linksOf =
  <DB>() =>
  <
    LinkTable extends keyof DB & string,
    LeftTable extends EndTable<DB>,
    RightTable extends EndTable<DB>,
    LeftColumn extends ColumnOf<DB, LinkTable>,
    RightColumn extends ColumnOf<DB, LinkTable>,
    Fields extends TProperties = Record<never, never>,
  >(
    model: LinkDeclaration<DB, LinkTable, LeftTable, RightTable, LeftColumn, RightColumn, Fields>,
  ) =>
    model;

/** Declares a pair of the service's tables. */
export const defineLink = linksOf<Tables>();

/** A link row as the API shows it: both ids and the link's own fields, e.g. `{hero_id, team_id, is_training}`. */
export type LinkRowOf<M extends LinkModel> = Record<M['left']['column'] | M['right']['column'], number> &
  (NonNullable<M['fields']> extends TObject ? Static<NonNullable<M['fields']>> : unknown);

export const otherSide = (side: Side): Side => (side === 'left' ? 'right' : 'left');

const pascal = (noun: string) => noun.replace(/(^|[_\s-]+)(\w)/g, (_match, _gap, letter: string) => letter.toUpperCase());

/** One link seen from `first`, for the names of its operations: `ItemTag`, `TeamHero`. */
export const pairNoun = (model: LinkModel, first: Side) => pascal(model[first].singular) + pascal(model[otherSide(first)].singular);

/** One end's collection of the other, for the names of its operations: `ItemTags`, `TeamHeroes`. */
export const endNoun = (model: LinkModel, from: Side) => pascal(model[from].singular) + pascal(model[otherSide(from)].name);

/** The link's own fields: name and schema. */
export const linkFields = (model: LinkModel) => Object.entries(model.fields?.properties ?? {});

/**
 * The link's fields without their defaults. A default belongs to creation, where the link service
 * applies it; in a body, a filter or a set it would fill in a field left out, and overwrite or filter
 * by a value nobody gave.
 */
export const plainFields = (model: LinkModel): [string, TSchema][] =>
  linkFields(model).map(([key, schema]) => {
    const { default: _default, ...plain } = schema;
    return [key, plain as TSchema];
  });

/** The link's fields as optional inputs: left out, a field keeps its value (a new link gets the default). */
export const optionalFields = (model: LinkModel) =>
  Object.fromEntries(plainFields(model).map(([key, schema]) => [key, Type.Optional(schema)]));

/** The link's own fields as a request body (making a link, changing one), named for the pair (`HeroTeamFields`). */
export const linkFieldsInput = (model: LinkModel): TObject => Input(optionalFields(model), `${pairNoun(model, 'left')}Fields`);

/** The link's own fields as JSON values of the link row `alias` (booleans as JSON booleans). */
export function linkFieldColumns(flavor: SqlFlavor, model: LinkModel, alias: string): Columns {
  return Object.fromEntries(
    linkFields(model).map(([key, schema]) => {
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
  // Ordered by the link's own column: the same ids as `o.id`, read in order from the link's key.
  return flavor.arrayOf(
    flavor.object(columns),
    sql`${sql.table(model.table)} l JOIN ${sql.table(far.table)} o ON o.id = ${sql.ref(`l.${far.column}`)}
    WHERE ${sql.ref(`l.${near.column}`)} = ${id}`,
    sql.ref(`l.${far.column}`),
  );
}
