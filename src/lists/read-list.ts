import { compile, type Queryable, type Query } from '../database/prepared.js';
import { arrayJson, type JsonBytes, type JsonText } from '../database/sql-flavor.js';

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
 * they run on the read workers, not on the thread that answers every other request, and the page's
 * JSON is joined there and handed over as bytes without a copy.
 */
export async function readList<T>({ db, reader }: Queryable, rows: Query<{ body: unknown }>, count: Query<Count>): Promise<ListPage<T>> {
  const [page, counting] = [compile(db, rows), compile(db, count)];
  const [json, [counted]] = reader
    ? await Promise.all([
        reader.laterJsonArray(page.sql, page.parameters) as Promise<JsonBytes<T[]>>,
        reader.later(counting.sql, counting.parameters) as Promise<Count[]>,
      ])
    : await Promise.all([db.executeQuery(page).then(({ rows }) => arrayJson<T>(rows)), db.executeQuery(counting).then(({ rows }) => rows)]);
  return { json, total: counted?.total ?? 0, found: counted?.found === 1 };
}
