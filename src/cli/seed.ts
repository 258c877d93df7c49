import { sql, type Kysely } from 'kysely';
import { bulkInserter } from '../database/bulk-insert.js';
import type { Database } from '../database/connection.js';
import { progressBar } from './progress.js';

export interface SeedOptions {
  stores: number;
  items: number;
  tagsPerStore: number;
  linksPerItem: number;
  heroes: number;
  teams: number;
  heroLinks: number;
  seed: number;
}

export class SeedError extends Error {}

/** Each option as the command line spells it, for messages. */
const FLAGS: Record<keyof SeedOptions, string> = {
  stores: '--stores',
  items: '--items',
  tagsPerStore: '--tags-per-store',
  linksPerItem: '--links-per-item',
  heroes: '--heroes',
  teams: '--teams',
  heroLinks: '--hero-links',
  seed: '--seed',
};

/** Every id column is PostgreSQL's integer. */
const LARGEST_ID = 2_147_483_647;
/** The generator below keeps 32 bits of state: a larger seed would repeat a smaller one's catalog. */
const SEEDS = 2 ** 32;

/**
 * Refuses options that cannot make the catalog they describe, naming the option, before anything is
 * written: items need a store to belong to, and an item's tags (a hero's teams) are distinct, so an
 * item cannot have more tags than its store has (a hero more teams than there are).
 */
export function checkSeedOptions(options: SeedOptions): void {
  const flag = (key: keyof SeedOptions) => `${FLAGS[key]} ${options[key]}`;
  for (const key of Object.keys(FLAGS) as (keyof SeedOptions)[]) {
    const largest = key === 'seed' ? SEEDS - 1 : LARGEST_ID;
    if (options[key] > largest) {
      throw new SeedError(`${flag(key)} is out of range: it must be a whole number from 0 to ${largest}`);
    }
  }
  if (options.items > 0 && options.stores === 0) {
    throw new SeedError(`${flag('stores')} leaves the items without a store: give --stores 1 or more, or --items 0`);
  }
  if (options.stores * options.tagsPerStore > LARGEST_ID) {
    throw new SeedError(`${flag('stores')} × ${flag('tagsPerStore')} makes more tags than there are ids (${LARGEST_ID})`);
  }
  if (options.items > 0 && options.linksPerItem > options.tagsPerStore) {
    throw new SeedError(`${flag('linksPerItem')} is more than ${flag('tagsPerStore')}: an item links to distinct tags of its own store`);
  }
  if (options.heroes > 0 && options.heroLinks > options.teams) {
    throw new SeedError(`${flag('heroLinks')} is more than ${flag('teams')}: a hero joins distinct teams`);
  }
}

/** mulberry32: a small, fast generator, so the same seed always makes the same catalog. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct numbers from 1 to `range`. */
function distinct(next: () => number, count: number, range: number): number[] {
  const picked = new Set<number>();
  while (picked.size < Math.min(count, range)) picked.add(1 + Math.floor(next() * range));
  return [...picked];
}

const CHUNK = 20_000;

/**
 * Fills an empty database with a catalog: stores with items and tags, each item linked to tags of its
 * own store, and heroes linked to teams. Ids run from 1 in order. Rows go in by the thousand
 * (bulk inserts), in one transaction, so a million links take seconds.
 */
export async function seedCatalog(database: Database, options: SeedOptions): Promise<void> {
  const { db } = database;
  const [stores, heroes] = await Promise.all([
    db.selectFrom('stores').select('id').limit(1).execute(),
    db.selectFrom('hero').select('id').limit(1).execute(),
  ]);
  if (stores.length + heroes.length > 0) throw new SeedError('seed needs a database without stores or heroes');

  const next = random(options.seed);
  const bar = progressBar();
  const insert = {
    stores: bulkInserter(database, 'stores', { id: 'integer', name: 'text' }),
    items: bulkInserter(database, 'items', { id: 'integer', name: 'text', price: 'double precision', store_id: 'integer' }),
    tags: bulkInserter(database, 'tags', { id: 'integer', name: 'text', store_id: 'integer' }),
    links: bulkInserter(database, 'items_tags', { item_id: 'integer', tag_id: 'integer', store_id: 'integer' }),
    teams: bulkInserter(database, 'team', { id: 'integer', name: 'text', headquarters: 'text' }),
    heroes: bulkInserter(database, 'hero', { id: 'integer', name: 'text', secret_name: 'text', age: 'integer' }),
    heroLinks: bulkInserter(database, 'heroteamlink', { team_id: 'integer', hero_id: 'integer', is_training: 'boolean' }),
  };
  const bool = (value: boolean) => database.flavor.bindBoolean(value);

  /** Makes `total` rows with `row(i)` (one or more rows each) and writes them in chunks. */
  async function fill(trx: Kysely<unknown>, label: string, total: number, write: typeof insert.stores, row: (i: number) => unknown[][]) {
    let rows: unknown[][] = [];
    for (let i = 1; i <= total; i++) {
      rows.push(...row(i));
      if (rows.length >= CHUNK || i === total) {
        await write(trx, rows);
        rows = [];
        bar.update(label, i, total);
      }
    }
  }

  const { tagsPerStore } = options;
  await db.transaction().execute(async (trx) => {
    const t = trx as unknown as Kysely<unknown>;
    await fill(t, 'stores', options.stores, insert.stores, (i) => [[i, `Store ${i}`]]);
    const storeOf = (item: number) => ((item - 1) % options.stores) + 1;
    await fill(t, 'items', options.items, insert.items, (i) => [
      [i, `Item ${i}`, Math.round((0.5 + next() * 500) * 100) / 100, storeOf(i)],
    ]);
    await fill(t, 'tags', options.stores * tagsPerStore, insert.tags, (i) => [[i, `tag ${i}`, Math.ceil(i / tagsPerStore)]]);
    await fill(t, 'items linked', options.items, insert.links, (item) => {
      const store = storeOf(item);
      return distinct(next, options.linksPerItem, tagsPerStore).map((j) => [item, (store - 1) * tagsPerStore + j, store]);
    });
    await fill(t, 'teams', options.teams, insert.teams, (i) => [[i, `Team ${i}`, `Headquarters ${i}`]]);
    await fill(t, 'heroes', options.heroes, insert.heroes, (i) => [
      [i, `Hero ${i}`, `Secret ${i}`, next() < 0.2 ? null : 16 + Math.floor(next() * 60)],
    ]);
    await fill(t, 'heroes linked', options.heroes, insert.heroLinks, (hero) =>
      distinct(next, options.heroLinks, options.teams).map((team) => [team, hero, bool(next() < 0.3)]),
    );
  });
  await resetSequences(database, ['stores', 'items', 'tags', 'team', 'hero']);
}

/** After rows with explicit ids, the next id the database hands out must follow them. */
async function resetSequences({ db, flavor }: Database, tables: string[]) {
  if (flavor.name !== 'postgres') return; // SQLite's AUTOINCREMENT already follows the largest id
  for (const table of tables) {
    await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), coalesce(max(id), 0) + 1, false) FROM ${sql.table(table)}`.execute(db);
  }
}
