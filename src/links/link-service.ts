import { sql, type RawBuilder } from 'kysely';
import type { Database } from '../database/connection.js';
import { constraintViolation } from '../database/errors.js';
import { prepared, type Executor } from '../database/prepared.js';
import { DatabaseUnavailable } from '../database/unavailable.js';
import { linkFields, type LinkModel, type LinkRowOf, type Side } from './link-model.js';

/** Why a link operation could not be done. */
export type LinkRefusal = 'no_left' | 'no_right' | 'other_scope' | 'not_linked' | 'forbidden';

/** Who asks: for a pair with an `owner`, only the owner of the rows' scope or an admin may change links. */
export interface Caller {
  id: number;
  isAdmin: boolean;
}

/** SQL of values to read with the outcome of an operation (the JSON of an end), given the pair's ids. */
export type Extras = Record<string, (left: unknown, right: unknown) => RawBuilder<unknown>>;

/** A statement reading the pair as it is after an operation: its ends, its link, and the extras. */
export type Outcome = ReturnType<LinkService['outcome']>;

export interface Done<Row> {
  row: Row;
  /** The extras' values (JSON text as the database wrote it; `undefined` for SQL's NULL). */
  extras: Record<string, unknown>;
}

export interface Linked<Row> extends Done<Row> {
  created: boolean;
}

export interface LinkOptions {
  executor?: Executor;
  caller?: Caller;
  outcome?: Outcome;
}

export type LinkService<M extends LinkModel = LinkModel> = ReturnType<typeof linkService<M>>;

type Values = Record<string, unknown>;
interface State extends Values {
  left_end: unknown;
  right_end: unknown;
  left_allowed?: unknown;
  right_allowed?: unknown;
  linked: unknown;
}

/** A link made again after it was removed between the two statements: rare, and never for long. */
const ATTEMPTS = 3;

const SQL_TYPES: Record<string, string> = { boolean: 'boolean', integer: 'integer', number: 'double precision', string: 'text' };

/**
 * Everything done to the rows of one link table, for any declared pair: link, read, update and unlink,
 * each answering with the row or the reason it could not be done, in two statements at most. The
 * write comes first and carries every check in its WHERE (both ends exist, same scope, the caller owns
 * the scope); when it changed nothing, or the caller wants more than the row (`Extras`), one statement
 * reads the outcome: the ends, the link and the extras, and so the reason. Statements are compiled
 * once. The SQL is written with `sql`: its names come from the declaration, which the table types check.
 */
export function linkService<M extends LinkModel>(database: Database, model: M) {
  const { db, flavor } = database;
  type LinkRow = LinkRowOf<M>;
  const { left, right, scope, owner } = model;
  const table = sql.table(model.table);
  const fields = linkFields(model);
  const columns = [left.column, right.column, ...(scope ? [scope] : []), ...fields.map(([key]) => key)];
  const pair = (l: unknown, r: unknown) => sql`${sql.ref(left.column)} = ${l} AND ${sql.ref(right.column)} = ${r}`;
  const ends = { left: sql.table(left.table), right: sql.table(right.table) };

  /** Link fields as bound: given or default, booleans as the database binds them. */
  const bind = (values: Values) =>
    fields.map(([key, schema]) => {
      const value = values[key] ?? schema.default ?? null;
      return schema.type === 'boolean' && value !== null ? flavor.bindBoolean(Boolean(value)) : value;
    });
  const toRow = (l: number, r: number, row: Values): LinkRow =>
    ({
      [left.column]: l,
      [right.column]: r,
      ...Object.fromEntries(fields.map(([key, schema]) => [key, schema.type === 'boolean' ? Boolean(row[key]) : row[key]])),
    }) as LinkRow;
  /** The caller as bound: anyone acting without a caller acts as an admin (the service's own work). */
  const callerArgs = (caller?: Caller): [admin: unknown, callerId: unknown] => [
    flavor.bindBoolean(caller?.isAdmin ?? true),
    caller?.id ?? 0,
  ];
  /** Whether `scopeValue` belongs to the caller (true when the pair has no owner). */
  const owns = (scopeValue: RawBuilder<unknown>, admin: unknown, callerId: unknown) =>
    owner
      ? sql`(CAST(${admin} AS boolean) OR EXISTS (SELECT 1 FROM ${sql.table(owner.table)} o
          WHERE o.id = ${scopeValue} AND ${sql.ref(`o.${owner.column}`)} = ${callerId}))`
      : sql`true`;
  const scopeOf = (alias: string) => (scope ? sql.ref(`${alias}.${scope}`) : sql`NULL`);

  const insert = prepared(
    database,
    (l: number, r: number, admin: unknown, callerId: unknown, ...values: unknown[]) =>
      sql<Values>`INSERT INTO ${table} (${sql.join(columns.map((c) => sql.ref(c)))})
        SELECT ${sql.join([
          sql`a.id`,
          sql`b.id`,
          ...(scope ? [scopeOf('a')] : []),
          ...fields.map(([, schema], i) => sql`CAST(${values[i]} AS ${sql.raw(SQL_TYPES[String(schema.type)] ?? 'text')})`),
        ])}
        FROM ${ends.left} a JOIN ${ends.right} b ON b.id = ${r}${scope ? sql` AND ${scopeOf('b')} = ${scopeOf('a')}` : sql``}
        WHERE a.id = ${l} AND ${owns(scopeOf('a'), admin, callerId)}
        ON CONFLICT (${sql.ref(left.column)}, ${sql.ref(right.column)}) DO NOTHING RETURNING *`,
    { arity: 4 + fields.length },
  );
  const find = prepared(database, (l: number, r: number) => sql<Values>`SELECT * FROM ${table} WHERE ${pair(l, r)}`);
  const mine = (admin: unknown, callerId: unknown) => owns(sql.ref(`${model.table}.${scope ?? left.column}`), admin, callerId);
  // A field left out is bound as NULL and keeps its value (link fields are never NULL).
  const update = prepared(
    database,
    (l: number, r: number, admin: unknown, callerId: unknown, ...values: unknown[]) =>
      sql<Values>`UPDATE ${table}
        SET ${sql.join(fields.map(([key], i) => sql`${sql.ref(key)} = coalesce(${values[i]}, ${sql.ref(key)})`))}
        WHERE ${pair(l, r)} AND ${mine(admin, callerId)} RETURNING *`,
    { arity: 4 + fields.length },
  );
  const remove = prepared(
    database,
    (l: number, r: number, admin: unknown, callerId: unknown) =>
      sql<Values>`DELETE FROM ${table} WHERE ${pair(l, r)} AND ${mine(admin, callerId)} RETURNING *`,
  );

  /** Reads the outcome: each end's scope (1 without one; NULL when the row does not exist), whether the caller owns it, the link, the extras. */
  function outcome(extras: Extras = {}) {
    const end = (side: Side, id: unknown) => sql`(SELECT ${scope ? scopeOf('e') : sql`1`} FROM ${ends[side]} e WHERE e.id = ${id})`;
    const allowed = (side: Side, id: unknown, admin: unknown, callerId: unknown) =>
      sql`(SELECT 1 FROM ${ends[side]} e WHERE e.id = ${id} AND ${owns(scopeOf('e'), admin, callerId)})`;
    // With extras, the outcome nests rows (a tag's items): a read worker's work.
    const heavy = Object.keys(extras).length > 0;
    const statement = prepared(
      database,
      (l: number, r: number, admin: unknown, callerId: unknown) => {
        const selected = [
          sql`${end('left', l)} AS left_end`,
          sql`${end('right', r)} AS right_end`,
          ...(owner
            ? [sql`${allowed('left', l, admin, callerId)} AS left_allowed`, sql`${allowed('right', r, admin, callerId)} AS right_allowed`]
            : []),
          sql`${sql.ref(`k.${left.column}`)} AS linked`,
          ...fields.map(([key]) => sql.ref(`k.${key}`)),
          ...Object.entries(extras).map(([name, value]) => sql`${value(l, r)} AS ${sql.ref(name)}`),
        ];
        return sql<State>`SELECT ${sql.join(selected)}
        FROM (SELECT 1 AS one) d LEFT JOIN ${table} k ON ${sql.ref(`k.${left.column}`)} = ${l} AND ${sql.ref(`k.${right.column}`)} = ${r}`;
      },
      { heavy },
    );
    return { extras: Object.keys(extras), statement };
  }
  const bare = outcome();

  const read = async (l: number, r: number, options: LinkOptions, executor: Executor = options.executor ?? db) => {
    const [state] = await (options.outcome ?? bare).statement.in(executor)(l, r, ...callerArgs(options.caller));
    return state!;
  };
  const extrasOf = (state: State, options: LinkOptions) =>
    Object.fromEntries((options.outcome?.extras ?? []).map((name) => [name, state[name] ?? undefined]));
  /** Why the operation found nothing to do, in the order a client is told: the ends, the right to them, their scopes. */
  const refusal = (state: State, checkScope: boolean): LinkRefusal | undefined => {
    if (state.left_end === null) return 'no_left';
    if (owner && !state.left_allowed) return 'forbidden';
    if (state.right_end === null) return 'no_right';
    if (owner && !state.right_allowed) return 'forbidden';
    if (checkScope && scope && state.left_end !== state.right_end) return 'other_scope';
    return undefined;
  };
  /** The answer of a write that changed the row: the row, and the extras when some are asked for. */
  const done = async (l: number, r: number, row: Values, options: LinkOptions): Promise<Done<LinkRow>> => ({
    row: toRow(l, r, row),
    extras: options.outcome?.extras.length ? extrasOf(await read(l, r, options), options) : {},
  });
  /** The answer of a write that changed nothing: the link as it is, or why not. */
  const unchanged = async (l: number, r: number, options: LinkOptions): Promise<Done<LinkRow> | LinkRefusal> => {
    const state = await read(l, r, options);
    const refused = refusal(state, false);
    if (refused) return refused;
    return state.linked === null ? 'not_linked' : { row: toRow(l, r, state), extras: extrasOf(state, options) };
  };

  return {
    model,
    outcome,
    /**
     * Links the pair (`created` false when it already existed, unchanged): never a second row. Run by
     * `options.executor` (a transaction of the caller's) or the database.
     */
    async link(l: number, r: number, values: Values = {}, options: LinkOptions = {}): Promise<Linked<LinkRow> | LinkRefusal> {
      const executor = options.executor ?? db;
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        try {
          const [made] = await insert.in(executor)(l, r, ...callerArgs(options.caller), ...bind(values));
          if (made) return { created: true, ...(await done(l, r, made, options)) };
        } catch (error) {
          // An end was deleted after the statement read it: its foreign key refused the link. Which end is
          // read from what has committed, outside the caller's transaction: on PostgreSQL the failure ended it.
          if (constraintViolation(error) !== 'foreign_key') throw error;
          const refused = refusal(await read(l, r, options, db), true);
          return refused === 'no_left' || refused === 'forbidden' ? refused : 'no_right';
        }
        const state = await read(l, r, options);
        const refused = refusal(state, true);
        if (refused) return refused;
        if (state.linked !== null) return { created: false, row: toRow(l, r, state), extras: extrasOf(state, options) };
        // Unlinked again between the two statements: the pair is free, so link it anew.
      }
      throw new DatabaseUnavailable('The link kept changing while it was being made.');
    },
    async get(l: number, r: number): Promise<LinkRow | LinkRefusal> {
      const [row] = await find(l, r);
      if (row) return toRow(l, r, row);
      const result = await unchanged(l, r, {});
      return typeof result === 'string' ? result : result.row;
    },
    /** Changes the given link fields only. */
    async update(l: number, r: number, values: Values, options: LinkOptions = {}): Promise<Done<LinkRow> | LinkRefusal> {
      const given = fields.map(([key, schema]) =>
        values[key] === undefined ? null : schema.type === 'boolean' ? flavor.bindBoolean(Boolean(values[key])) : values[key],
      );
      const [row] = await update(l, r, ...callerArgs(options.caller), ...given);
      return row ? done(l, r, row, options) : unchanged(l, r, options);
    },
    async unlink(l: number, r: number, options: LinkOptions = {}): Promise<Done<LinkRow> | LinkRefusal> {
      const [row] = await remove(l, r, ...callerArgs(options.caller));
      if (row) return done(l, r, row, options);
      const result = await unchanged(l, r, options);
      // Linked, and yet not removed: linked again since the DELETE ran, which removed nothing of the caller's.
      return typeof result === 'string' ? result : 'not_linked';
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
