import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

const CACHE_SIZE = 500;

/**
 * Hands Kysely's SQLite driver a prepared statement per distinct SQL text, prepared once and reused:
 * the driver would otherwise prepare every statement on every call. Least recently used ones are dropped
 * past CACHE_SIZE, so statements with a variable shape cannot grow the cache without bound.
 */
export function cachingStatements(db: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => db.close(),
    prepare(sql) {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = db.prepare(sql);
        if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}
