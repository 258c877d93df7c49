import type { Executor, Query } from '../database/prepared.js';
import { run, runJsonArray } from '../database/prepared.js';
import type { JsonBytes, JsonText } from '../database/sql-flavor.js';

/** A page of a list as the JSON the database wrote, the filtered total, and whether its parent exists. */
export interface ListPage<T> {
  json: JsonText<T[]> | JsonBytes<T[]>;
  total: number;
  found: boolean;
}

/**
 * Runs a list's two statements at once: the page's rows (`body` JSON each) and its count. Both may
 * take long on a big catalog (a page's nested rows; a count through a filter), so on SQLite they run
 * on the read workers, not on the thread that answers every other request.
 */
export async function readList<T>(
  db: Executor,
  rows: Query<{ body: unknown }>,
  count: Query<{ total: number; found: number }>,
): Promise<ListPage<T>> {
  const [json, [counted]] = await Promise.all([runJsonArray<T>(db, rows), run(db, count, { unbounded: true })]);
  return { json, total: counted?.total ?? 0, found: counted?.found === 1 };
}
