import { sql } from 'kysely';
import type { Database } from '../database/connection.js';
import { run, type Executor } from '../database/prepared.js';
import { linkFields, otherSide, type LinkModel, type Side } from './link-model.js';
import type { LinkRefusal } from './link-service.js';

type Values = Record<string, unknown>;

/** One row of the other end that the set must hold, with the link fields the body gives for it. */
export interface LinkTarget {
  id: number;
  values: Values;
}

/** What a set changes: links added, removed, and kept with new field values. */
export interface LinkChange {
  added: number[];
  removed: number[];
  updated: number[];
}

/** PostgreSQL's answer when it broke a deadlock by aborting this transaction: running it again is safe. */
const DEADLOCK = '40P01';
const ATTEMPTS = 3;

/**
 * Makes the links of row `id` of one end exactly `targets`, for any declared pair, in one transaction:
 * links that stay keep their row (and their fields unless new values are given), and only the
 * difference is written. The row is locked first (FOR UPDATE on PostgreSQL; on SQLite the transaction's
 * BEGIN IMMEDIATE has taken the database's one write lock already), so two sets of one row run one after the other and the last
 * one wins whole. Five statements at most, whatever the number of links: each list of ids or rows is
 * one JSON or array parameter.
 */
export function linkSetter({ db, flavor }: Database, model: LinkModel) {
  const fields = linkFields(model);
  const table = sql.table(model.table);

  const bound = (values: Values) =>
    Object.fromEntries(
      fields.map(([key, schema]) => {
        const value = values[key] ?? schema.default ?? null;
        return [key, schema.type === 'boolean' && value !== null ? flavor.bindBoolean(Boolean(value)) : value];
      }),
    );
  const same = (stored: unknown, given: unknown) => (typeof given === 'boolean' ? Boolean(stored) === given : stored === given);

  async function attempt(from: Side, id: number, targets: LinkTarget[], allow: (change: LinkChange) => void) {
    const near = model[from];
    const far = model[otherSide(from)];
    const scope = model.scope;
    const scopeColumn = scope ? sql`, ${sql.ref(scope)} AS scope` : sql``;
    const nearRef = sql.ref(near.column);
    return db.transaction().execute(async (trx): Promise<LinkChange | LinkRefusal> => {
      const lock =
        flavor.name === 'postgres'
          ? sql<{ scope?: unknown }>`SELECT id${scopeColumn} FROM ${sql.table(near.table)} WHERE id = ${id} FOR UPDATE`
          : sql<{ scope?: unknown }>`SELECT id${scopeColumn} FROM ${sql.table(near.table)} WHERE id = ${id}`;
      const [parent] = await run(trx, lock);
      if (!parent) return from === 'left' ? 'no_left' : 'no_right';

      const ids = targets.map((target) => target.id);
      const [current, others] = await Promise.all([
        run(trx, sql<Values>`SELECT * FROM ${table} WHERE ${nearRef} = ${id}`),
        ids.length === 0
          ? []
          : run(
              trx,
              sql<{ id: number; scope?: unknown }>`SELECT id${scopeColumn} FROM ${sql.table(far.table)}
              WHERE ${flavor.inIds(sql.ref('id'), ids)}`,
            ),
      ]);
      if (others.length < ids.length) return from === 'left' ? 'no_right' : 'no_left';
      if (scope && others.some((other) => other.scope !== parent.scope)) return 'other_scope';

      const stored = new Map(current.map((row) => [Number(row[far.column]), row]));
      const wanted = new Set(ids);
      const change: LinkChange = {
        added: targets.filter((t) => !stored.has(t.id)).map((t) => t.id),
        removed: [...stored.keys()].filter((other) => !wanted.has(other)),
        updated: targets
          .filter((t) => stored.has(t.id))
          .filter((t) => fields.some(([key]) => t.values[key] !== undefined && !same(stored.get(t.id)![key], t.values[key])))
          .map((t) => t.id),
      };
      allow(change);
      await write(trx, from, id, parent.scope, targets, change);
      return change;
    });
  }

  async function write(trx: Executor, from: Side, id: number, scopeValue: unknown, targets: LinkTarget[], change: LinkChange) {
    const near = model[from].column;
    const far = model[otherSide(from)].column;
    const rowsOf = (which: number[], values: (target: LinkTarget) => Values) => {
      const chosen = new Set(which);
      return targets.filter((t) => chosen.has(t.id)).map((t) => ({ [near]: id, [far]: t.id, ...values(t) }));
    };
    if (change.removed.length > 0) {
      await run(trx, sql`DELETE FROM ${table} WHERE ${sql.ref(near)} = ${id} AND ${flavor.inIds(sql.ref(far), change.removed)}`);
    }
    if (change.added.length > 0) {
      const scoped = model.scope ? { [model.scope]: scopeValue } : {};
      const rows = rowsOf(change.added, (t) => ({ ...scoped, ...bound(t.values) }));
      const columns = Object.keys(rows[0]!);
      // A link made meanwhile by a single-link request is already what the set wants. (SQLite needs the
      // WHERE to tell the upsert from the SELECT.)
      await run(
        trx,
        sql`INSERT INTO ${table} (${sql.join(columns.map((c) => sql.ref(c)))})
        SELECT * FROM ${flavor.rows(model.table, columns, rows)} n WHERE true
        ON CONFLICT (${sql.ref(model.left.column)}, ${sql.ref(model.right.column)}) DO NOTHING`,
      );
    }
    if (change.updated.length > 0) {
      // Fields the body leaves out are NULL here and keep their value (link fields are never NULL).
      const given = (t: LinkTarget) =>
        Object.fromEntries(fields.map(([key]) => [key, t.values[key] === undefined ? null : bound(t.values)[key]]));
      const rows = rowsOf(change.updated, given);
      const columns = [near, far, ...fields.map(([key]) => key)];
      await run(
        trx,
        sql`UPDATE ${table}
        SET ${sql.join(fields.map(([key]) => sql`${sql.ref(key)} = coalesce(u.${sql.ref(key)}, ${table}.${sql.ref(key)})`))}
        FROM ${flavor.rows(model.table, columns, rows)} u
        WHERE ${table}.${sql.ref(near)} = u.${sql.ref(near)} AND ${table}.${sql.ref(far)} = u.${sql.ref(far)}`,
      );
    }
  }

  return {
    /**
     * Sets the links of row `id` of side `from`. `allow` sees the change before anything is written and
     * throws to refuse it (a removal needs the right to unlink). The answer is the change made, or why
     * nothing was: the row or one of the targets is missing, or a target has another scope.
     */
    async set(from: Side, id: number, targets: LinkTarget[], allow: (change: LinkChange) => void): Promise<LinkChange | LinkRefusal> {
      for (let tries = 1; ; tries++) {
        try {
          return await attempt(from, id, targets, allow);
        } catch (error) {
          if ((error as { code?: unknown }).code !== DEADLOCK || tries === ATTEMPTS) throw error;
        }
      }
    },
  };
}

export type LinkSetter = ReturnType<typeof linkSetter>;
