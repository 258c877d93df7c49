import { sql } from 'kysely';
import type { Database } from '../database/connection.js';
import { constraintViolation } from '../database/errors.js';
import { prepared, type Executor } from '../database/prepared.js';
import { linkFields, type LinkModel, type LinkRowOf, type Side } from './link-model.js';

/** Why a link operation could not be done. */
export type LinkRefusal = 'no_left' | 'no_right' | 'other_scope' | 'not_linked';

export interface Linked<Row> {
  created: boolean;
  row: Row;
}

export type LinkService<M extends LinkModel = LinkModel> = ReturnType<typeof linkService<M>>;

type Values = Record<string, unknown>;

/**
 * Everything done to the rows of one link table, for any declared pair: link, read, update and unlink,
 * each answering with the row or the reason it could not be done. Statements are compiled once. The
 * SQL is written with `sql`: its names come from the declaration, which the table types check.
 */
export function linkService<M extends LinkModel>({ db, flavor }: Database, model: M) {
  type LinkRow = LinkRowOf<M>;
  const { left, right, scope } = model;
  const table = sql.table(model.table);
  const fields = linkFields(model);
  const columns = [left.column, right.column, ...(scope ? [scope] : []), ...fields.map(([key]) => key)];
  const pair = (l: unknown, r: unknown) => sql`${sql.ref(left.column)} = ${l} AND ${sql.ref(right.column)} = ${r}`;

  /** Link fields as bound: given or default, booleans as the database binds them. */
  const bind = (values: Values) =>
    fields.map(([key, schema]) => {
      const value = values[key] ?? schema.default ?? null;
      return schema.type === 'boolean' && value !== null ? flavor.bindBoolean(Boolean(value)) : value;
    });
  const toRow = (row: Values): LinkRow =>
    ({
      [left.column]: row[left.column] as number,
      [right.column]: row[right.column] as number,
      ...Object.fromEntries(fields.map(([key, schema]) => [key, schema.type === 'boolean' ? Boolean(row[key]) : row[key]])),
    }) as LinkRow;

  const end = (side: Side) =>
    prepared(db, (id: number) =>
      sql<{ id: number; scope?: unknown }>`SELECT id${scope ? sql`, ${sql.ref(scope)} AS scope` : sql``}
        FROM ${sql.table(model[side].table)} WHERE id = ${id}`,
    );
  const ends = { left: end('left'), right: end('right') };
  const insert = prepared(
    db,
    (l: number, r: number, scopeValue: unknown, ...values: unknown[]) =>
      sql<Values>`INSERT INTO ${table} (${sql.join(columns.map((c) => sql.ref(c)))})
        VALUES (${sql.join([l, r, ...(scope ? [scopeValue] : []), ...values])})
        ON CONFLICT (${sql.ref(left.column)}, ${sql.ref(right.column)}) DO NOTHING RETURNING *`,
    3 + fields.length,
  );
  const find = prepared(db, (l: number, r: number) => sql<Values>`SELECT * FROM ${table} WHERE ${pair(l, r)}`);
  // A field left out is bound as NULL and keeps its value (link fields are never NULL).
  const update = prepared(
    db,
    (l: number, r: number, ...values: unknown[]) =>
      sql<Values>`UPDATE ${table}
        SET ${sql.join(fields.map(([key], i) => sql`${sql.ref(key)} = coalesce(${values[i]}, ${sql.ref(key)})`))}
        WHERE ${pair(l, r)} RETURNING *`,
    2 + fields.length,
  );
  const remove = prepared(db, (l: number, r: number) => sql<Values>`DELETE FROM ${table} WHERE ${pair(l, r)} RETURNING *`);

  const readEnds = async (l: number, r: number, executor: Executor = db) => {
    const [[leftRow], [rightRow]] = await Promise.all([ends.left.in(executor)(l), ends.right.in(executor)(r)]);
    return { leftRow, rightRow };
  };
  /** Why the pair has no link row: a missing end, or simply no link. */
  const whyMissing = async (l: number, r: number): Promise<LinkRefusal> => {
    const { leftRow, rightRow } = await readEnds(l, r);
    if (!leftRow) return 'no_left';
    return rightRow ? 'not_linked' : 'no_right';
  };

  return {
    model,
    /**
     * Links the pair (`created` false when it already existed, unchanged): never a second row. Run by
     * `executor` (a transaction of the caller's, or the database).
     */
    async link(l: number, r: number, values: Values = {}, executor: Executor = db): Promise<Linked<LinkRow> | LinkRefusal> {
      const { leftRow, rightRow } = await readEnds(l, r, executor);
      if (!leftRow) return 'no_left';
      if (!rightRow) return 'no_right';
      if (scope && leftRow.scope !== rightRow.scope) return 'other_scope';
      try {
        const [made] = await insert.in(executor)(l, r, scope ? leftRow.scope : null, ...bind(values));
        if (made) return { created: true, row: toRow(made) };
        const [existing] = await find.in(executor)(l, r);
        // Unlinked again between the two statements: the pair is free, so link it anew.
        return existing ? { created: false, row: toRow(existing) } : this.link(l, r, values, executor);
      } catch (error) {
        // An end was deleted since it was read: its foreign key refused the link. Which end is read from
        // what has committed, outside the caller's transaction: on PostgreSQL the failure has ended it.
        if (constraintViolation(error) !== 'foreign_key') throw error;
        return (await whyMissing(l, r)) === 'no_left' ? 'no_left' : 'no_right';
      }
    },
    async get(l: number, r: number): Promise<LinkRow | LinkRefusal> {
      const [row] = await find(l, r);
      return row ? toRow(row) : whyMissing(l, r);
    },
    /** Changes the given link fields only. */
    async update(l: number, r: number, values: Values): Promise<LinkRow | LinkRefusal> {
      const given = fields.map(([key, schema]) =>
        values[key] === undefined ? null : schema.type === 'boolean' ? flavor.bindBoolean(Boolean(values[key])) : values[key],
      );
      const [row] = await update(l, r, ...given);
      return row ? toRow(row) : whyMissing(l, r);
    },
    async unlink(l: number, r: number): Promise<true | LinkRefusal> {
      return (await remove(l, r)).length === 1 ? true : whyMissing(l, r);
    },
    /**
     * Links the row `id` of side `from` to several rows of the other side, in one statement, inside the
     * caller's transaction (creating a hero with its teams). A missing row makes its foreign key throw.
     */
    async attach(executor: Executor, from: Side, id: number, others: { id: number; values: Values }[]) {
      if (others.length === 0) return;
      const [near, far] = from === 'left' ? [left.column, right.column] : [right.column, left.column];
      const rows = others.map((other) => ({
        [near]: id,
        [far]: other.id,
        ...Object.fromEntries(bind(other.values).map((value, i) => [fields[i]![0], value])),
      }));
      const names = [near, far, ...fields.map(([key]) => key)];
      const into = sql`${table} (${sql.join(names.map((c) => sql.ref(c)))})`;
      await sql`INSERT INTO ${into} SELECT * FROM ${flavor.rows(model.table, names, rows)} r`.execute(executor);
    },
  };
}
