import { sql } from 'kysely';
import { compile, type Queryable, type Query } from '../database/prepared.js';
import type { JsonBytes, JsonText, SqlFlavor } from '../database/sql-flavor.js';

/** A page of a list as the JSON the database wrote, the filtered total, and whether its parent exists. */
export interface ListPage<T> {
  json: JsonText<T[]> | JsonBytes<T[]>;
  total: number;
  found: boolean;
}

type Count = { total: number; found: number };

/**
 * Runs a list's two statements at once: the page's rows (`body` JSON each) and its count. Both may
 * take long on a big catalog (a page's nested rows; a count through a filter), so on a SQLite file
 * they run on a read worker (both in one round trip), not on the thread that answers every other
 * request, and the page's JSON is joined there and handed over as bytes without a copy. Elsewhere
 * (PostgreSQL) the database joins the page into one text: one string for the whole page, not a string
 * per row that lives on while the rest arrives (100 stores, 4.9 MB: under 500 connections on GET /store,
 * peak RSS 347–373 → 275–309 MB).
 */
export async function readList<T>(
  { db, reader, flavor }: Queryable & { flavor: SqlFlavor },
  rows: Query<{ body: unknown }>,
  count: Query<Count>,
): Promise<ListPage<T>> {
  const counting = compile(db, count);
  if (reader) {
    const [json, [counted]] = (await reader.laterPage(compile(db, rows), counting)) as [JsonBytes<T[]>, Count[]];
    return { json, total: counted?.total ?? 0, found: counted?.found === 1 };
  }
  const joined = compile(db, flavor.joinedRows(sql`${rows}`) as Query<{ json: JsonText<T[]> }>);
  const [{ rows: pages }, { rows: counts }] = await Promise.all([db.executeQuery(joined), db.executeQuery(counting)]);
  return { json: pages[0]!.json, total: counts[0]?.total ?? 0, found: counts[0]?.found === 1 };
}
