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
