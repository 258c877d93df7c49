// The databases under test: made fresh for every run, filled by `junction seed` (the real command, so the
// bench measures the catalog users get), and read directly for the ids the scenarios draw from.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Sqlite as BetterSqlite3 } from '../src/database/sqlite-driver.js';
import pg from 'pg';
import type { SeedOptions } from '../src/cli/seed.js';
import { ROOT } from './server.js';

export type Kind = 'sqlite' | 'postgres';

/** The options of `junction seed` but its seed, which the bench fixes. */
export type CatalogSize = Omit<SeedOptions, 'seed'>;

export const FULL: CatalogSize = {
  stores: 100,
  items: 100_000,
  tagsPerStore: 50,
  linksPerItem: 10,
  heroes: 10_000,
  teams: 1_000,
  heroLinks: 3,
};
export const QUICK: CatalogSize = { stores: 10, items: 2_000, tagsPerStore: 20, linksPerItem: 10, heroes: 1_000, teams: 100, heroLinks: 3 };

/**
 * 1/100 of the catalog's stores with their items and tags, so 1/100 of the links: each store as in the full
 * catalog (1,000 items of 10 tags, 50 tags of about 200 items), so that every read answers as many rows as
 * there and only the number of links around them differs. (Fewer items in as many stores would make a
 * tag's items 2 and an intersection of two tags mostly empty: smaller answers, not a smaller catalog.)
 */
export const fewerLinks = (size: CatalogSize): CatalogSize => {
  const stores = Math.max(1, Math.round(size.stores / 100));
  return { ...size, stores, items: (size.items / size.stores) * stores };
};

export const links = (size: CatalogSize) => size.items * size.linksPerItem;

const DATA_DIR = path.join(ROOT, 'bench', '.data');
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A query on either database, rows as objects. */
export type Query = <Row = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<Row[]>;

export async function withDatabase<T>(url: string, use: (query: Query) => Promise<T>): Promise<T> {
  if (url.startsWith('sqlite:')) {
    const db = new BetterSqlite3(url.slice('sqlite:'.length));
    try {
      return await use(async <Row>(text: string, params: unknown[] = []) => db.prepare(text).all(...params) as Row[]);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(async <Row>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as Row[]);
  } finally {
    await client.end();
  }
}

/** Whether PostgreSQL answers; the bench runs on SQLite alone (and says why) when it does not. */
export async function postgresAvailable(): Promise<string | undefined> {
  try {
    await withDatabase(POSTGRES_URL, (query) => query('SELECT 1'));
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${POSTGRES_URL} did not answer: ${(error as Error).message}`;
  }
}

/** An empty database named `name` (an existing one is dropped), as a DATABASE_URL. */
export async function freshDatabase(kind: Kind, name: string): Promise<string> {
  if (kind === 'sqlite') {
    mkdirSync(DATA_DIR, { recursive: true });
    const file = path.join(DATA_DIR, `${name}.db`);
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    return `sqlite:${file}`;
  }
  await withDatabase(POSTGRES_URL, async (query) => {
    await query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await query(`CREATE DATABASE ${name}`);
  });
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(kind: Kind, url: string): Promise<void> {
  if (kind === 'sqlite') return; // kept in bench/.data for a look afterwards; the next run replaces it
  const name = new URL(url).pathname.slice(1);
  await withDatabase(POSTGRES_URL, (query) => query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

const run = promisify(execFile);

/** Seeds with `junction seed`; returns the seconds it took. */
export async function seed(kind: Kind, url: string, size: CatalogSize): Promise<number> {
  const env = { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' };
  const flags = {
    stores: size.stores,
    items: size.items,
    'tags-per-store': size.tagsPerStore,
    'links-per-item': size.linksPerItem,
    heroes: size.heroes,
    teams: size.teams,
    'hero-links': size.heroLinks,
    seed: 42,
  };
  const args = Object.entries(flags).flatMap(([flag, value]) => [`--${flag}`, String(value)]);
  const started = performance.now();
  await run(process.execPath, ['bin/junction.js', 'migrate'], { cwd: ROOT, env });
  await run(process.execPath, ['bin/junction.js', 'seed', ...args], { cwd: ROOT, env, maxBuffer: 64 << 20 });
  const seconds = (performance.now() - started) / 1000;
  // Autovacuum would vacuum and analyze the fresh tables within a minute or so, in the middle of a scenario; doing
  // it now gives every scenario the plans (and index-only scans) a settled database has. SQLite keeps no
  // statistics unless asked.
  if (kind === 'postgres') await withDatabase(url, (query) => query('VACUUM ANALYZE'));
  return seconds;
}

/** What the scenarios draw from: id ranges, and each store's tags (links must stay within a store). */
export interface Pools {
  items: number;
  tags: number;
  stores: number;
  heroes: number;
  /** store_id of item i at index i. */
  storeOfItem: Int32Array;
  tagsOfStore: Map<number, number[]>;
}

export async function readPools(url: string): Promise<Pools> {
  return withDatabase(url, async (query) => {
    const max = async (table: string) => Number((await query<{ n: number }>(`SELECT max(id) AS n FROM ${table}`))[0]?.n ?? 0);
    const [items, tags, stores, heroes] = [await max('items'), await max('tags'), await max('stores'), await max('hero')];
    const storeOfItem = new Int32Array(items + 1);
    for (const row of await query<{ id: number; store_id: number }>('SELECT id, store_id FROM items')) {
      storeOfItem[row.id] = row.store_id;
    }
    const tagsOfStore = new Map<number, number[]>();
    for (const row of await query<{ id: number; store_id: number }>('SELECT id, store_id FROM tags ORDER BY id')) {
      const list = tagsOfStore.get(row.store_id) ?? [];
      list.push(row.id);
      tagsOfStore.set(row.store_id, list);
    }
    return { items, tags, stores, heroes, storeOfItem, tagsOfStore };
  });
}
