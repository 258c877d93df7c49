import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../database/connection.js';
import { constraintViolation } from '../database/errors.js';
import { prepared, type Executor } from '../database/prepared.js';
import type { LinkModel, Side } from './link-model.js';

/** Why a link operation could not be done. */
export type LinkRefusal = 'no_left' | 'no_right' | 'other_scope' | 'not_linked';

/** A link row: both ids and the link's own fields, e.g. `{hero_id, team_id, is_training}`. */
export type LinkRow = Record<string, number | boolean | string | null>;

export interface Linked {
  created: boolean;
  row: LinkRow;
}

export type LinkService = ReturnType<typeof linkService>;

/**
 * Everything done to the rows of one link table, for any declared pair: link, read, update and unlink,
 * each answering with the row or the reason it could not be done. Statements are compiled once.
 */
export function linkService({ db: typed, flavor }: Database, model: LinkModel) {
  // Table and column names come from the model, so the typed builder cannot check them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = typed as unknown as Kysely<any>;
  const { table, left, right, scope } = model;
  const fields = Object.entries(model.fields?.properties ?? {});
  const ids = (l: number, r: number) => ({ [left.column]: l, [right.column]: r });

  /** Link fields as bound: given or default, booleans as the database binds them. */
  const bind = (values: Record<string, unknown>) =>
    fields.map(([key, schema]) => {
      const value = values[key] ?? schema.default ?? null;
      return schema.type === 'boolean' && value !== null ? flavor.bindBoolean(Boolean(value)) : value;
    });
  const toRow = (row: Record<string, unknown>): LinkRow => ({
    [left.column]: row[left.column] as number,
    [right.column]: row[right.column] as number,
    ...Object.fromEntries(
      fields.map(([key, schema]) => [key, schema.type === 'boolean' ? Boolean(row[key]) : (row[key] as LinkRow[string])]),
    ),
  });

  const end = (side: Side) =>
    prepared(db, (id: number) =>
      db.selectFrom(model[side].table).select(scope ? ['id', `${scope} as scope`] : ['id']).where('id', '=', id),
    );
  const ends = { left: end('left'), right: end('right') };
  const insert = prepared(
    db,
    (l: number, r: number, scopeValue: number | null, ...values: unknown[]) =>
      db
        .insertInto(table)
        .values({
          ...ids(l, r),
          ...(scope ? { [scope]: scopeValue } : {}),
          ...Object.fromEntries(fields.map(([key], i) => [key, values[i]])),
        })
        .onConflict((conflict) => conflict.columns([left.column, right.column]).doNothing())
        .returningAll(),
    3 + fields.length,
  );
  const find = prepared(db, (l: number, r: number) =>
    db.selectFrom(table).selectAll().where(left.column, '=', l).where(right.column, '=', r),
  );
  // A field left out is bound as NULL and keeps its value (link fields are never NULL).
  const update = prepared(
    db,
    (l: number, r: number, ...values: unknown[]) =>
      db
        .updateTable(table)
        .set(Object.fromEntries(fields.map(([key], i) => [key, sql`coalesce(${values[i]}, ${sql.ref(key)})`])))
        .where(left.column, '=', l)
        .where(right.column, '=', r)
        .returningAll(),
    2 + fields.length,
  );
  const remove = prepared(db, (l: number, r: number) =>
    db.deleteFrom(table).where(left.column, '=', l).where(right.column, '=', r).returning(left.column),
  );

  const readEnds = async (l: number, r: number) => {
    const [[leftRow], [rightRow]] = await Promise.all([ends.left(l), ends.right(r)]);
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
    /** Links the pair (`created` false when it already existed, unchanged): never a second row. */
    async link(l: number, r: number, values: Record<string, unknown> = {}): Promise<Linked | LinkRefusal> {
      const { leftRow, rightRow } = await readEnds(l, r);
      if (!leftRow) return 'no_left';
      if (!rightRow) return 'no_right';
      if (scope && leftRow.scope !== rightRow.scope) return 'other_scope';
      try {
        const [made] = await insert(l, r, scope ? leftRow.scope : null, ...bind(values));
        if (made) return { created: true, row: toRow(made) };
        const [existing] = await find(l, r);
        // Unlinked again between the two statements: the pair is free, so link it anew.
        return existing ? { created: false, row: toRow(existing) } : this.link(l, r, values);
      } catch (error) {
        // An end was deleted since it was read: its foreign key refused the link.
        if (constraintViolation(error) !== 'foreign_key') throw error;
        return (await whyMissing(l, r)) === 'no_left' ? 'no_left' : 'no_right';
      }
    },
    async get(l: number, r: number): Promise<LinkRow | LinkRefusal> {
      const [row] = await find(l, r);
      return row ? toRow(row) : whyMissing(l, r);
    },
    /** Changes the given link fields only. */
    async update(l: number, r: number, values: Record<string, unknown>): Promise<LinkRow | LinkRefusal> {
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
    async attach(executor: Executor, from: Side, id: number, others: { id: number; values: Record<string, unknown> }[]) {
      if (others.length === 0) return;
      const rows = others.map((other) => {
        const pair = from === 'left' ? ids(id, other.id) : ids(other.id, id);
        const bound = bind(other.values);
        return { ...pair, ...Object.fromEntries(fields.map(([key], i) => [key, bound[i]])) };
      });
      await executor.executeQuery(db.insertInto(table).values(rows).compile());
    },
  };
}
