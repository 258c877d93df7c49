import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';
import { call } from '../helpers/requests.js';

const MANY = 200;

const ids = (rows: Array<{ id: number }>) => rows.map((row) => row.id);
const ascending = (values: number[]) => [...values].sort((a, b) => a - b);

/**
 * API.md §2: the number of SQL statements a request runs does not grow with the number of rows it
 * returns. Each read is measured on a row with one nested row and on one with MANY.
 */
describe.each(BACKENDS)('nested reads on %s run a fixed number of statements', (backend) => {
  const t = useTestApp(backend);

  // A small store: one item, one tag, linked. A big store: MANY items and MANY tags, its first item
  // linked to every tag and its first tag linked to every item.
  const small = { store: 0, item: 0, tag: 0 };
  const big = { store: 0, item: 0, tag: 0 };

  beforeAll(async () => {
    const { db } = t.database;
    const stores = await db
      .insertInto('stores')
      .values([{ name: 'Small' }, { name: 'Big' }])
      .returning('id')
      .execute();
    small.store = stores[0]!.id;
    big.store = stores[1]!.id;

    const [smallItem] = await db
      .insertInto('items')
      .values({ name: 'only item', price: 1, store_id: small.store })
      .returning('id')
      .execute();
    const [smallTag] = await db.insertInto('tags').values({ name: 'only tag', store_id: small.store }).returning('id').execute();
    small.item = smallItem!.id;
    small.tag = smallTag!.id;
    await db.insertInto('items_tags').values({ item_id: small.item, tag_id: small.tag, store_id: small.store }).execute();

    const items = await db
      .insertInto('items')
      .values(Array.from({ length: MANY }, (_, i) => ({ name: `item ${i}`, price: i + 0.5, store_id: big.store })))
      .returning('id')
      .execute();
    const tags = await db
      .insertInto('tags')
      .values(Array.from({ length: MANY }, (_, i) => ({ name: `tag ${i}`, store_id: big.store })))
      .returning('id')
      .execute();
    big.item = Math.min(...ids(items));
    big.tag = Math.min(...ids(tags));
    await db
      .insertInto('items_tags')
      .values([
        ...tags.map((tag) => ({ item_id: big.item, tag_id: tag.id, store_id: big.store })),
        ...items.filter((item) => item.id !== big.item).map((item) => ({ item_id: item.id, tag_id: big.tag, store_id: big.store })),
      ])
      .execute();
  });

  /** A GET's body and the number of statements it ran. */
  async function measure(url: string) {
    const before = t.statements();
    const reply = await call(t.app, 'GET', url);
    const statements = t.statements() - before;
    expect(reply.status, `${url} → ${JSON.stringify(reply.body)?.slice(0, 200)}`).toBe(200);
    return { statements, body: reply.body };
  }

  it('GET /store/{id}: one statement for a store with 1 item and tag, and for one with 200', async () => {
    const one = await measure(`/store/${small.store}`);
    const many = await measure(`/store/${big.store}`);
    expect(one.body.items).toHaveLength(1);
    expect(one.body.tags).toHaveLength(1);
    expect(many.body.items).toHaveLength(MANY);
    expect(many.body.tags).toHaveLength(MANY);
    expect(ids(many.body.items)).toEqual(ascending(ids(many.body.items)));
    expect(many.body.items[MANY - 1]).toEqual({ id: expect.any(Number), name: `item ${MANY - 1}`, price: MANY - 0.5 });
    expect(one.statements).toBe(1);
    expect(many.statements).toBe(one.statements);
  });

  it('GET /item/{id}: one statement for an item with 1 tag, and for one with 200', async () => {
    const one = await measure(`/item/${small.item}`);
    const many = await measure(`/item/${big.item}`);
    expect(one.body.tags).toEqual([{ id: small.tag, name: 'only tag' }]);
    expect(one.body.store).toEqual({ id: small.store, name: 'Small' });
    expect(many.body.tags).toHaveLength(MANY);
    expect(ids(many.body.tags)).toEqual(ascending(ids(many.body.tags)));
    expect(many.body.store).toEqual({ id: big.store, name: 'Big' });
    expect(one.statements).toBe(1);
    expect(many.statements).toBe(one.statements);
  });

  it('GET /tag/{id}: one statement for a tag with 1 item, and for one with 200', async () => {
    const one = await measure(`/tag/${small.tag}`);
    const many = await measure(`/tag/${big.tag}`);
    expect(one.body.items).toEqual([{ id: small.item, name: 'only item', price: 1 }]);
    expect(one.body.store).toEqual({ id: small.store, name: 'Small' });
    expect(many.body.items).toHaveLength(MANY);
    expect(ids(many.body.items)).toEqual(ascending(ids(many.body.items)));
    expect(one.statements).toBe(1);
    expect(many.statements).toBe(one.statements);
  });

  it('GET /store/{id}/tag: as many statements for 1 tag with 1 item as for 200 tags, one with 200 items', async () => {
    const one = await measure(`/store/${small.store}/tag`);
    const many = await measure(`/store/${big.store}/tag?page_size=1000`);
    expect(one.body).toHaveLength(1);
    expect(one.body[0].items).toHaveLength(1);
    expect(many.body).toHaveLength(MANY);
    expect(many.body[0]).toMatchObject({ id: big.tag, store: { id: big.store, name: 'Big' } });
    expect(many.body[0].items).toHaveLength(MANY);
    expect(many.statements).toBe(one.statements);
  });

  it('GET /store: as many statements for 1 store with 1 item as for every store, one with 200 items', async () => {
    const one = await measure('/store?page_size=1');
    const all = await measure('/store');
    expect(ids(one.body)).toEqual([small.store]);
    expect(one.body[0].items).toHaveLength(1);
    expect(ids(all.body)).toEqual([small.store, big.store]);
    expect(all.body[1].items).toHaveLength(MANY);
    expect(all.body[1].tags).toHaveLength(MANY);
    expect(all.statements).toBe(one.statements);
  });

  it('GET /item: as many statements for a page of 1 item with 1 tag as for 201 items, one with 200 tags', async () => {
    const one = await measure('/item?page_size=1');
    const all = await measure('/item?page_size=1000');
    expect(ids(one.body)).toEqual([small.item]);
    expect(one.body[0].tags).toHaveLength(1);
    expect(all.body).toHaveLength(MANY + 1);
    expect(ids(all.body)).toEqual(ascending(ids(all.body)));
    const bigItem = all.body.find((item: { id: number }) => item.id === big.item);
    expect(bigItem.tags).toHaveLength(MANY);
    expect(bigItem.store).toEqual({ id: big.store, name: 'Big' });
    expect(all.statements).toBe(one.statements);
  });

  it('GET /store/{id}/tag and the lists keep their count on later pages too', async () => {
    const first = await measure(`/store/${big.store}/tag?page_size=50`);
    const last = await measure(`/store/${big.store}/tag?page_size=50&page=4`);
    const past = await measure(`/store/${big.store}/tag?page_size=50&page=9`);
    expect(ids(first.body)).toHaveLength(50);
    expect(ids(last.body)).toHaveLength(50);
    expect(past.body).toEqual([]);
    expect(last.statements).toBe(first.statements);
    expect(past.statements).toBe(first.statements);
  });

  describe('API.md §6: filtered lists, collections and sets', () => {
    /** Statements a request ran, failing unless it answered `status`. */
    async function count(method: string, url: string, body?: unknown, status = 200) {
      const before = t.statements();
      const reply = await call(t.app, method, url, body);
      expect(reply.status, `${method} ${url} → ${JSON.stringify(reply.body)?.slice(0, 200)}`).toBe(status);
      return { statements: t.statements() - before, body: reply.body };
    }
    const bigTags = async () =>
      ascending((await t.database.db.selectFrom('tags').select('id').where('store_id', '=', big.store).execute()).map((r) => r.id));
    const bigItems = async () =>
      ascending((await t.database.db.selectFrom('items').select('id').where('store_id', '=', big.store).execute()).map((r) => r.id));

    it('a filter of 1 id and one of 100 run as many statements, whatever the rows they match', async () => {
      const tags = await bigTags();
      for (const mode of ['all', 'any', 'none']) {
        const one = await count('GET', `/item?tags_${mode}=${small.tag}`);
        const hundred = await count('GET', `/item?tags_${mode}=${tags.slice(0, 100).join(',')}&page_size=1000`);
        expect(hundred.statements, mode).toBe(one.statements);
      }
      const any = await count('GET', `/item?tags_any=${tags.slice(0, 100).join(',')}&page_size=1000`);
      expect(any.body).toHaveLength(MANY);
      const items = await bigItems();
      const one = await count('GET', `/tag?items_all=${small.item}`);
      const hundred = await count('GET', `/tag?items_any=${items.slice(0, 100).join(',')}&sort=-name&q=tag&page_size=1000`);
      expect(hundred.body).toHaveLength(MANY);
      expect(hundred.statements).toBe(one.statements);
    });

    it('a collection of 1 row and one of 200 run as many statements', async () => {
      const one = await count('GET', `/tag/${small.tag}/item`);
      const many = await count('GET', `/tag/${big.tag}/item?page_size=1000&sort=-price`);
      expect(one.body).toHaveLength(1);
      expect(many.body).toHaveLength(MANY);
      expect(many.statements).toBe(one.statements);
      const ofItem = await count('GET', `/item/${big.item}/tag?page_size=1000&items_any=${big.item}`);
      expect(ofItem.body).toHaveLength(MANY);
      expect(ofItem.statements).toBe(one.statements);
      expect((await count('GET', `/store/${big.store}/item?page_size=1000`)).statements).toBe(one.statements);
    });

    it('setting 1 link and setting 200 (adding 100, removing 100, keeping 100) run as many statements', async () => {
      const tags = await bigTags();
      const [item] = await t.database.db
        .insertInto('items')
        .values([{ name: 'set me', price: 1, store_id: big.store }])
        .returning('id')
        .execute();
      const url = `/item/${item!.id}/tag`;
      const small1 = await count('PUT', url, { tag_ids: [tags[0]] });
      const small2 = await count('PUT', url, { tag_ids: [tags[1]] });
      await count('PUT', url, { tag_ids: tags.slice(0, 100) });
      const big1 = await count('PUT', url, { tag_ids: tags.slice(100, 200).concat(tags.slice(50, 100)) });
      expect(big1.body.tags).toHaveLength(150);
      expect(big1.statements).toBe(small2.statements);
      expect(small1.statements).toBeLessThanOrEqual(small2.statements);
    });
  });

  describe('heroes and teams', () => {
    // A small pair: one hero in one team. A big hero in MANY teams, and a big team with MANY heroes;
    // every third link is a hero still training there.
    const lone = { hero: 0, team: 0 };
    const crowd = { hero: 0, team: 0, teams: [] as number[], heroes: [] as number[] };
    /** is_training as the backend stores it: 0/1 on SQLite, a boolean on PostgreSQL. */
    const stored = (training: boolean) => (backend === 'sqlite' ? Number(training) : training);
    const training = (i: number) => i % 3 === 0;

    beforeAll(async () => {
      const { db } = t.database;
      const [loneHero] = await db.insertInto('hero').values({ name: 'Lone hero', secret_name: 'Lone', age: 30 }).returning('id').execute();
      const [loneTeam] = await db.insertInto('team').values({ name: 'Lone team', headquarters: 'Lone HQ' }).returning('id').execute();
      lone.hero = loneHero!.id;
      lone.team = loneTeam!.id;
      await db
        .insertInto('heroteamlink')
        .values({ hero_id: lone.hero, team_id: lone.team, is_training: stored(true) })
        .execute();

      const [bigHero] = await db.insertInto('hero').values({ name: 'Busy hero', secret_name: 'Busy', age: null }).returning('id').execute();
      const [bigTeam] = await db.insertInto('team').values({ name: 'Big team', headquarters: 'Big HQ' }).returning('id').execute();
      crowd.hero = bigHero!.id;
      crowd.team = bigTeam!.id;
      const teams = await db
        .insertInto('team')
        .values(Array.from({ length: MANY }, (_, i) => ({ name: `team ${i}`, headquarters: `hq ${i}` })))
        .returning('id')
        .execute();
      const heroes = await db
        .insertInto('hero')
        .values(Array.from({ length: MANY }, (_, i) => ({ name: `hero ${i}`, secret_name: `secret ${i}`, age: i })))
        .returning('id')
        .execute();
      crowd.teams = ascending(ids(teams));
      crowd.heroes = ascending(ids(heroes));
      await db
        .insertInto('heroteamlink')
        .values([
          ...crowd.teams.map((team, i) => ({ hero_id: crowd.hero, team_id: team, is_training: stored(training(i)) })),
          ...crowd.heroes.map((hero, i) => ({ hero_id: hero, team_id: crowd.team, is_training: stored(training(i)) })),
        ])
        .execute();
    });

    it('GET /heroes/{id}: one statement for a hero in 1 team, and for one in 200, with each is_training', async () => {
      const one = await measure(`/heroes/${lone.hero}`);
      const many = await measure(`/heroes/${crowd.hero}`);
      expect(one.body).toEqual({
        id: lone.hero,
        name: 'Lone hero',
        secret_name: 'Lone',
        age: 30,
        teams: [{ id: lone.team, name: 'Lone team', headquarters: 'Lone HQ', is_training: true }],
      });
      expect(many.body.teams).toHaveLength(MANY);
      expect(ids(many.body.teams)).toEqual(crowd.teams);
      expect(many.body.teams.map((team: { is_training: boolean }) => team.is_training)).toEqual(crowd.teams.map((_, i) => training(i)));
      expect(many.body.teams[MANY - 1]).toEqual({
        id: crowd.teams[MANY - 1],
        name: `team ${MANY - 1}`,
        headquarters: `hq ${MANY - 1}`,
        is_training: training(MANY - 1),
      });
      expect(one.statements).toBe(1);
      expect(many.statements).toBe(one.statements);
    });

    it('GET /teams/{id}: one statement for a team with 1 hero, and for one with 200, with each is_training', async () => {
      const one = await measure(`/teams/${lone.team}`);
      const many = await measure(`/teams/${crowd.team}`);
      expect(one.body).toEqual({
        id: lone.team,
        name: 'Lone team',
        headquarters: 'Lone HQ',
        heroes: [{ id: lone.hero, name: 'Lone hero', secret_name: 'Lone', age: 30, is_training: true }],
      });
      expect(many.body.heroes).toHaveLength(MANY);
      expect(ids(many.body.heroes)).toEqual(crowd.heroes);
      expect(many.body.heroes.map((hero: { is_training: boolean }) => hero.is_training)).toEqual(crowd.heroes.map((_, i) => training(i)));
      expect(many.body.heroes[0]).toEqual({
        id: crowd.heroes[0],
        name: 'hero 0',
        secret_name: 'secret 0',
        age: 0,
        is_training: true,
      });
      expect(one.statements).toBe(1);
      expect(many.statements).toBe(one.statements);
    });

    it('GET /heroes and GET /teams: as many statements for a page of 1 as for every row', async () => {
      for (const list of ['/heroes', '/teams']) {
        const one = await measure(`${list}?page_size=1`);
        const all = await measure(`${list}?page_size=1000`);
        expect(one.body, list).toHaveLength(1);
        expect(all.body.length, list).toBeGreaterThan(MANY);
        expect(ids(all.body), list).toEqual(ascending(ids(all.body)));
        expect(all.statements, list).toBe(one.statements);

        const oneByLimit = await measure(`${list}?limit=1`);
        const hundred = await measure(`${list}?offset=1&limit=100`);
        expect(oneByLimit.body, list).toHaveLength(1);
        expect(hundred.body, list).toHaveLength(100);
        expect(hundred.statements, list).toBe(oneByLimit.statements);
      }
    });
  });
});
