import type { Executor, Query } from '../database/prepared.js';
import { run } from '../database/prepared.js';
import { arrayJson, type JsonText } from '../database/sql-flavor.js';

/** A page of a list as the JSON the database wrote, the filtered total, and whether its parent exists. */
export interface ListPage<T> {
  json: JsonText<T[]>;
  total: number;
  found: boolean;
}

/** Runs a list's two statements at once: the page's rows (`body` JSON each) and its count. */
export async function readList<T>(
  db: Executor,
  rows: Query<{ body: unknown }>,
  count: Query<{ total: number; found: number }>,
): Promise<ListPage<T>> {
  const [page, [counted]] = await Promise.all([run(db, rows), run(db, count)]);
  return { json: arrayJson<T>(page), total: counted?.total ?? 0, found: counted?.found === 1 };
}
