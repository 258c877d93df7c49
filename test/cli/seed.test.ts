import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/database/connection.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { finished, runTs } from '../helpers/process.js';

const SMALL = ['--stores', '3', '--items', '30', '--tags-per-store', '4', '--links-per-item', '2'];
const HEROES = ['--heroes', '12', '--teams', '5', '--hero-links', '2'];

const seed = (url: string, extra: string[] = []) =>
  finished(runTs('src/cli/main.ts', ['seed', ...SMALL, ...HEROES, ...extra], { DATABASE_URL: url }));

async function snapshot(testDatabase: TestDatabase) {
  const { db } = openDatabase(testDatabase.config);
  try {
    return {
      items: await db.selectFrom('items').selectAll().orderBy('id').execute(),
      links: await db.selectFrom('items_tags').selectAll().orderBy('item_id').orderBy('tag_id').execute(),
      heroLinks: await db.selectFrom('heroteamlink').select(['hero_id', 'team_id']).orderBy('hero_id').orderBy('team_id').execute(),
      crossStore: await db
        .selectFrom('items_tags as l')
        .innerJoin('items as i', 'i.id', 'l.item_id')
        .innerJoin('tags as t', 't.id', 'l.tag_id')
        .select('l.item_id')
        .where((eb) => eb.or([eb('i.store_id', '!=', eb.ref('t.store_id')), eb('l.store_id', '!=', eb.ref('i.store_id'))]))
        .execute(),
      nextStore: (await db.insertInto('stores').values({ name: 'After the seed' }).returning('id').executeTakeFirstOrThrow()).id,
    };
  } finally {
    await db.destroy();
  }
}

describe.each(BACKENDS)('junction seed on %s', (backend) => {
  const databases: TestDatabase[] = [];
  let first: Awaited<ReturnType<typeof snapshot>>;
  beforeAll(async () => {
    databases.push(await createTestDatabase(backend), await createTestDatabase(backend));
    const run = await seed(databases[0]!.url);
    expect(run.code, run.stderr).toBe(0);
    first = await snapshot(databases[0]!);
  });
  afterAll(() => Promise.all(databases.map((d) => d.drop())));

  it('makes the catalog asked for, every item linked only to tags of its own store', () => {
    expect(first.items).toHaveLength(30);
    expect(first.links).toHaveLength(60);
    expect(first.heroLinks).toHaveLength(24);
    expect(first.crossStore).toEqual([]);
  });

  it('makes the same catalog from the same seed, and another from another seed', async () => {
    const run = await seed(databases[1]!.url);
    expect(run.code, run.stderr).toBe(0);
    const again = await snapshot(databases[1]!);
    expect(again.items).toEqual(first.items);
    expect(again.links).toEqual(first.links);
    const other = await createTestDatabase(backend);
    try {
      await seed(other.url, ['--seed', '7']);
      expect((await snapshot(other)).links).not.toEqual(first.links);
    } finally {
      await other.drop();
    }
  });

  it('leaves the ids the database hands out next after the seeded ones', () => {
    expect(first.nextStore).toBe(4);
  });

  it('refuses a database that already has data, and options that are not numbers', async () => {
    const again = await seed(databases[0]!.url);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('seed needs a database without stores or heroes');
    const bad = await seed(databases[0]!.url, ['--items', 'many']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--items must be a whole number');
  });
});

describe('junction seed with options that cannot make a catalog', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'junction-seed-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    [['--stores', '0'], '--stores 0 leaves the items without a store: give --stores 1 or more, or --items 0'],
    [['--tags-per-store', '0'], '--links-per-item 10 is more than --tags-per-store 0: an item links to distinct tags of its own store'],
    [['--tags-per-store', '4', '--links-per-item', '5'], '--links-per-item 5 is more than --tags-per-store 4'],
    [['--teams', '2'], '--hero-links 3 is more than --teams 2: a hero joins distinct teams'],
    [
      ['--stores', '100000', '--tags-per-store', '100000'],
      '--stores 100000 × --tags-per-store 100000 makes more tags than there are ids (2147483647)',
    ],
    [['--items', '2147483648'], '--items 2147483648 is out of range: it must be a whole number from 0 to 2147483647'],
    [['--seed', '4294967296'], '--seed 4294967296 is out of range: it must be a whole number from 0 to 4294967295'],
  ])('%j: says which option is wrong, before touching the database, and exits 1', async (options, message) => {
    const file = path.join(dir, 'catalog.db');
    const run = await finished(runTs('src/cli/main.ts', ['seed', ...options], { DATABASE_URL: `sqlite:${file}` }));
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(`junction: ${message}`);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('makes a catalog of heroes alone, or of stores without items', async () => {
    const file = path.join(dir, 'heroes.db');
    const options = ['--stores', '0', '--items', '0', '--tags-per-store', '0', '--heroes', '3', '--teams', '1', '--hero-links', '1'];
    const run = await finished(runTs('src/cli/main.ts', ['seed', ...options], { DATABASE_URL: `sqlite:${file}` }));
    expect(run.code, run.stderr).toBe(0);
    const empty = path.join(dir, 'empty-stores.db');
    const stores = ['--stores', '2', '--items', '0', '--tags-per-store', '0', '--heroes', '0', '--teams', '0'];
    const again = await finished(runTs('src/cli/main.ts', ['seed', ...stores], { DATABASE_URL: `sqlite:${empty}` }));
    expect(again.code, again.stderr).toBe(0);
  });
});
