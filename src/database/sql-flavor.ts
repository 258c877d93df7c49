import { sql, type RawBuilder } from 'kysely';
import type { Executor, Prepared } from './prepared.js';

export type DialectName = 'sqlite' | 'postgres';

type Value = RawBuilder<unknown>;

/**
 * The few SQL spellings that differ between SQLite and PostgreSQL. Nested reads build their JSON in
 * the database, so one statement returns a row with its related rows already in place.
 */
export interface SqlFlavor {
  name: DialectName;
  /**
   * A JSON object from key/value pairs: values are SQL values, JSON built by this flavor, or JSON that a
   * subquery returns (`embed`). An object with embedded JSON is JSON text: read it with `text`, or
   * embed it in another.
   */
  object(entries: Record<string, Value | Embedded>): Value;
  /**
   * A scalar subquery: `element` of each row of `source` (`FROM … WHERE …`) in a JSON array ordered by
   * `orderBy`; `[]` when no rows. Place it in `object` with `embed`.
   */
  arrayOf(element: Value, source: Value, orderBy: Value): Value;
  /** JSON as its text, which the API sends as it is: no parsing and serializing again in Node. */
  text(json: Value): Value;
  /** A boolean column as a JSON boolean (SQLite stores 0/1). */
  boolean(column: Value): Value;
  /** A boolean as the database binds it: better-sqlite3 binds no booleans, so SQLite gets 0/1. */
  bindBoolean(value: boolean): boolean | number;
  /**
   * `column` is one of `ids`, bound as one parameter however many there are: the statement's text is
   * the same for one id as for a hundred, so it is prepared once.
   */
  inIds(column: Value, ids: readonly number[]): Value;
  /**
   * `rows` (objects with `columns`) bound as one JSON parameter, as a subquery with those columns;
   * PostgreSQL types them as the columns of `table`.
   */
  rows(table: string, columns: readonly string[], rows: readonly object[]): Value;
  /** A text to sort by its bytes: SQLite's order, whatever PostgreSQL's collation is. */
  bytewise(text: Value): Value;
  /** A statement: the `body` JSON of `rows`'s rows, in their order, as one JSON array in one row (`json`). */
  joinedRows(rows: Value): Value;
}

/** JSON read by a scalar subquery (`embed`). */
export interface Embedded {
  readonly embedded: Value;
}

/** The JSON returned by a scalar subquery (`arrayOf`), to place in `object` as JSON (not as a string). */
export const embed = (subquery: Value): Embedded => ({ embedded: subquery });

const isEmbedded = (value: Value | Embedded): value is Embedded => 'embedded' in value;

const pairs = (entries: [string, Value][]) => sql.join(entries.flatMap(([key, value]) => [sql.lit(key), value]));

const sqlite: SqlFlavor = {
  name: 'sqlite',
  object: (entries) => {
    const list = Object.entries(entries);
    if (!list.some(([, value]) => isEmbedded(value))) return sql`json_object(${pairs(list as [string, Value][])})`;
    // json_object would parse an embedded array's text again to take it as JSON (a fifth of the cost of a
    // tag with 200 items): the object is written out instead, each other value as json_quote writes it,
    // which is how json_object writes it (and JSON built by json_object or json() as it is).
    const parts = list.map(([key, value], i) => {
      const name = sql.lit(`${i === 0 ? '{' : ','}${JSON.stringify(key)}:`);
      return sql`${name} || ${isEmbedded(value) ? sql`(${value.embedded})` : sql`json_quote(${value})`}`;
    });
    return sql`(${sql.join(parts, sql` || `)} || '}')`;
  },
  // The rows come in order from a subquery, which SQLite keeps ordered for an outer aggregate other than
  // count/min/max; its ORDER BY follows the index the rows are found by, so nothing is sorted. An
  // aggregate's own ORDER BY sorted them again in a temporary B-tree: about a fifth of a tag's cost.
  arrayOf: (element, source, orderBy) =>
    sql`SELECT '[' || coalesce(group_concat(e, ','), '') || ']' FROM (SELECT ${element} AS e FROM ${source} ORDER BY ${orderBy})`,
  text: (json) => json,
  boolean: (column) => sql`json(CASE WHEN ${column} THEN 'true' ELSE 'false' END)`,
  bindBoolean: (value) => (value ? 1 : 0),
  inIds: (column, ids) => sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
  rows: (_table, columns, rows) =>
    sql`(SELECT ${sql.join(columns.map((c) => sql`json_extract(value, ${`$.${c}`}) AS ${sql.ref(c)}`))} FROM json_each(${JSON.stringify(rows)}))`,
  bytewise: (text) => text,
  joinedRows: (rows) => sql`SELECT '[' || coalesce(group_concat(body, ','), '') || ']' AS json FROM (${rows})`,
};

const postgres: SqlFlavor = {
  name: 'postgres',
  object: (entries) =>
    sql`json_build_object(${pairs(Object.entries(entries).map(([key, value]) => [key, isEmbedded(value) ? sql`(${value.embedded})` : value]))})`,
  arrayOf: (element, source, orderBy) => sql`SELECT coalesce(json_agg(${element} ORDER BY ${orderBy}), '[]'::json) FROM ${source}`,
  text: (json) => sql`(${json})::text`,
  boolean: (column) => column,
  bindBoolean: (value) => value,
  inIds: (column, ids) => sql`${column} = ANY(${ids}::integer[])`,
  rows: (table, columns, rows) =>
    sql`(SELECT ${sql.join(columns.map((c) => sql.ref(c)))} FROM json_populate_recordset(NULL::${sql.table(table)}, ${JSON.stringify(rows)}::json))`,
  bytewise: (text) => sql`${text} COLLATE "C"`,
  // row_number() numbers the rows as the sorted subquery gives them, which an aggregate's input order
  // is not promised to keep.
  joinedRows: (rows) =>
    sql`SELECT '[' || coalesce(string_agg(body, ',' ORDER BY n), '') || ']' AS json FROM (SELECT body, row_number() OVER () AS n FROM (${rows}) p) q`,
};

export const flavors: Record<DialectName, SqlFlavor> = { sqlite, postgres };

/** JSON text of a `T`, built by the database; the type only says what it holds. */
export type JsonText<T> = string & { readonly __json?: T };

/** The same as UTF-8 bytes (assembled on a SQLite read worker), sent as they are. */
export type JsonBytes<T> = Uint8Array & { readonly __json?: T };

/** The JSON text of the first row's `body`, if there is a row. */
const firstJson = <T>(rows: { body: unknown }[]) => rows[0]?.body as JsonText<T> | undefined;

const parseJson = <T>(text: JsonText<T> | undefined): T | undefined => (text === undefined ? undefined : (JSON.parse(text) as T));

/**
 * One row's JSON read by id: as text to send, or parsed to use; by `executor` when given (a create
 * reading back, in its transaction, the row it made).
 */
export function jsonById<T>(byId: Prepared<[id: number], { body: unknown }>) {
  const json = async (id: number, executor?: Executor) => firstJson<T>(await (executor ? byId.in(executor) : byId)(id));
  return { json, get: async (id: number, executor?: Executor) => parseJson(await json(id, executor)) };
}

/** A page of rows and the total they come from, read at once. */
export async function withTotal<Row>(rows: Promise<Row[]>, counted: Promise<{ total: number }[]>) {
  const [page, [count]] = await Promise.all([rows, counted]);
  return { rows: page, total: count?.total ?? 0 };
}
