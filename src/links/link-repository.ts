import type { Kysely } from 'kysely';
import { prepared } from '../database/prepared.js';
import type { LinkModel } from './link-model.js';

/** Writes and reads of one link table, compiled once per model. Ids are given as (left, right). */
// The table and column names come from the model, so the typed builder cannot check them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function linkRepository(db: Kysely<any>, model: LinkModel) {
  const { table, left, right, scope } = model;

  const insert = prepared(db, (leftId: number, rightId: number, scopeValue: number) =>
    db
      .insertInto(table)
      .values({ [left.column]: leftId, [right.column]: rightId, ...(scope ? { [scope]: scopeValue } : {}) })
      .onConflict((conflict) => conflict.columns([left.column, right.column]).doNothing())
      .returning(left.column),
  );
  const remove = prepared(db, (leftId: number, rightId: number) =>
    db.deleteFrom(table).where(left.column, '=', leftId).where(right.column, '=', rightId).returning(left.column),
  );
  const find = prepared(db, (leftId: number, rightId: number) =>
    db.selectFrom(table).selectAll().where(left.column, '=', leftId).where(right.column, '=', rightId),
  );

  return {
    /** Links the pair; true when the link is new, false when it already existed (never a second row). */
    link: async (leftId: number, rightId: number, scopeValue = 0) =>
      (await insert(leftId, rightId, scopeValue)).length === 1,
    /** Unlinks the pair; false when they were not linked. */
    unlink: async (leftId: number, rightId: number) => (await remove(leftId, rightId)).length === 1,
    isLinked: async (leftId: number, rightId: number) => (await find(leftId, rightId)).length === 1,
  };
}
