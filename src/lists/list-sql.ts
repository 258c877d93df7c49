import { sql, type RawBuilder } from 'kysely';
import type { SqlFlavor } from '../database/sql-flavor.js';
import type { Page } from '../http/pagination.js';
import { hasLinkWith, linkCondition, linkFieldsEqual } from '../links/link-conditions.js';
import { otherSide, type LinkModel, type Side } from '../links/link-model.js';
import type { LinkCondition, ListFilters, SortKey } from './list-query.js';
import type { ListSpec } from './list-spec.js';

/** Whose rows a list holds when it is not a top-level list. */
export type ListScope =
  /** Rows whose `column` is the parent's id (a store's items); `parent` is the parent's table. */
  | { column: string; parent: string; id: number }
  /** The rows linked to `id` of the `from` end (a tag's items); the link row is `l`. */
  | { link: LinkModel; from: Side; id: number };

const LIKE_SPECIALS = /[\\%_]/g;

/**
 * ORDER BY of the sort keys, then `tie` (the row's id): `row` and `link` are the aliases of the listed
 * and the link row.
 */
function orderBy(flavor: SqlFlavor, sort: SortKey[], row: string, link: string, tie: string) {
  return sql.join([
    ...sort.flatMap((key) => {
      const column = sql.ref(`${key.ofLink ? link : row}.${key.column}`);
      const value = key.text ? flavor.bytewise(column) : column;
      const direction = sql.raw(key.descending ? 'DESC' : 'ASC');
      // NULL after every value ascending (PostgreSQL's habit, not SQLite's), so both agree.
      return key.nullable ? [sql`${column} IS NULL ${direction}`, sql`${value} ${direction}`] : [sql`${value} ${direction}`];
    }),
    sql.ref(tie),
  ]);
}

/**
 * The statements of one list request (API.md §6), for any table and any link: the page's ids in order
 * (the caller builds the rows' JSON for those only) and the total of filtered rows. Every filter is a
 * condition on `r`; the numbers of statements and of their parameters do not depend on the ids given.
 */
export function listSql(flavor: SqlFlavor, spec: ListSpec, filters: ListFilters, scope?: ListScope) {
  const r = (column: string) => sql.ref(`r.${column}`);
  const conditions: RawBuilder<unknown>[] = [];
  let from = sql`${sql.table(spec.table)} r`;
  let parent: RawBuilder<unknown> | undefined;
  // The id as the page's statement breaks ties: a link's other end reads it from the link row, whose
  // index gives it in order, so a page is read in order and stops after its rows instead of sorting
  // every link of the row (a tag's 200 items: 43 → 15 µs on SQLite).
  let tie = 'r.id';
  let linkRows: RawBuilder<unknown> | undefined;

  if (scope && 'column' in scope) {
    conditions.push(sql`${r(scope.column)} = ${scope.id}`);
    parent = sql`SELECT 1 FROM ${sql.table(scope.parent)} WHERE id = ${scope.id}`;
  } else if (scope) {
    const near = scope.link[scope.from];
    const far = scope.link[otherSide(scope.from)];
    const values = filters.linkValues.get(scope.link) ?? {};
    const ofParent = [sql`${sql.ref(`l.${near.column}`)} = ${scope.id}`, ...linkFieldsEqual(flavor, scope.link, values, 'l')];
    from = sql`${from} JOIN ${sql.table(scope.link.table)} l ON ${sql.join([sql`${sql.ref(`l.${far.column}`)} = r.id`, ...ofParent], sql` AND `)}`;
    parent = sql`SELECT 1 FROM ${sql.table(near.table)} WHERE id = ${scope.id}`;
    tie = `l.${far.column}`;
    linkRows = sql`${sql.table(scope.link.table)} l WHERE ${sql.join(ofParent, sql` AND `)}`;
  }
  if (filters.q !== undefined) {
    const pattern = `%${filters.q.replace(LIKE_SPECIALS, (c) => `\\${c}`)}%`;
    conditions.push(sql`lower(${r('name')}) LIKE lower(${pattern}) ESCAPE '\\'`);
  }
  for (const { column, op, value } of filters.bounds) {
    conditions.push(sql`${r(column)} ${sql.raw(op)} cast(${value} as double precision)`);
  }
  for (const { column, value } of filters.equals) conditions.push(sql`${r(column)} = ${value}`);
  const linkedTo = (condition: LinkCondition, mode = condition.mode) =>
    linkCondition(flavor, { ...condition, mode }, filters.linkValues.get(condition.filter.link) ?? {}, sql.ref('r.id'));
  const nones = filters.links.filter((c) => c.mode === 'none');
  for (const condition of filters.links) if (condition.mode !== 'none') conditions.push(linkedTo(condition));
  // A link field asked for without an id filter of its link: rows with at least one such link.
  for (const filter of spec.links ?? []) {
    const values = filters.linkValues.get(filter.link);
    const conditioned = filters.links.some((c) => c.filter.link === filter.link);
    const scoped = scope && 'link' in scope && scope.link === filter.link;
    if (values && !conditioned && !scoped) conditions.push(hasLinkWith(flavor, filter, values, sql.ref('r.id')));
  }

  const whereOf = (all: RawBuilder<unknown>[]) => (all.length > 0 ? sql`WHERE ${sql.join(all, sql` AND `)}` : sql``);
  const where = whereOf([...conditions, ...nones.map((c) => linkedTo(c))]);
  const countOf = (all: RawBuilder<unknown>[]) => sql`SELECT cast(count(*) as integer) FROM ${from} ${whereOf(all)}`;
  // Counted as written, a `none` filter probes the link table once for every row it keeps, which is
  // nearly every row. The rows it drops are few and found through the link's index: the total is the
  // rows without the `none` filters less those linked to any of their ids (73 → 1.2 ms on SQLite,
  // 100,000 items, 1,000,000 links).
  const linkedToAnyNone = () =>
    sql`(${sql.join(
      nones.map((c) => linkedTo(c, 'any')),
      sql` OR `,
    )})`;
  // With no condition on the rows, a link's other end is counted in the link's index alone: each link
  // row has its row (a foreign key).
  const total =
    nones.length > 0
      ? sql`(${countOf(conditions)}) - (${countOf([...conditions, linkedToAnyNone()])})`
      : linkRows && conditions.length === 0
        ? sql`(SELECT cast(count(*) as integer) FROM ${linkRows})`
        : sql`(${countOf(conditions)})`;
  return {
    /** The listed rows `r` (joined with their link rows `l` when the list is a link's other end). */
    from,
    /** The page's ids in the list's order: `<alias>.id IN (…)` of the statement that reads the rows. */
    ids: ({ limit, offset }: Page) =>
      sql`(SELECT r.id FROM ${from} ${where} ORDER BY ${orderBy(flavor, filters.sort, 'r', 'l', tie)} LIMIT ${limit} OFFSET ${offset})`,
    /** The list's order, for the statement that reads the page's rows as `row` (and their link rows as `link`). */
    order: (row: string, link = 'l') => orderBy(flavor, filters.sort, row, link, `${row}.id`),
    /** The filtered total, and for a scoped list whether its parent exists (1 or 0). */
    count: sql<{ total: number; found: number }>`SELECT ${total} AS total,
      ${parent ? sql`CASE WHEN EXISTS (${parent}) THEN 1 ELSE 0 END` : sql`1`} AS found`,
  };
}
