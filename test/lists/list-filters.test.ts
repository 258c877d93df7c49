import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';
import { call, expectStatus, makeHero, makeItem, makeStore, makeTag, makeTeam } from '../helpers/requests.js';

const unprocessable = (query: object) => ({ code: 422, status: 'Unprocessable Entity', errors: { query } });
const ids = (rows: Array<{ id: number }>) => rows.map((row) => row.id);

/** API.md §6: the questions the top-level lists answer, and the 422s for questions they cannot. */
describe.each(BACKENDS)('filters on lists on %s', (backend) => {
  const t = useTestApp(backend);

  // Store A: items chair (20), table (80), lamp_50% (5), stool (unlinked, 20); tags wood, metal, sale.
  // chair: wood, sale; table: wood, metal; lamp: metal, sale. Store B: one item "Chair B", one tag.
  const a = { store: 0, chair: 0, table: 0, lamp: 0, stool: 0, wood: 0, metal: 0, sale: 0 };
  const b = { store: 0, item: 0, tag: 0 };
  const heroes = { young: 0, old: 0, ageless: 0 };
  const teams = { z: 0, p: 0 };

  beforeAll(async () => {
    a.store = (await makeStore(t.app, 'Store A')).id;
    b.store = (await makeStore(t.app, 'Store B')).id;
    a.chair = (await makeItem(t.app, a.store, 'chair', 20)).id;
    a.table = (await makeItem(t.app, a.store, 'Table', 80)).id;
    a.lamp = (await makeItem(t.app, a.store, 'lamp_50%', 5)).id;
    a.stool = (await makeItem(t.app, a.store, 'stool', 20)).id;
    b.item = (await makeItem(t.app, b.store, 'Chair B', 1)).id;
    a.wood = (await makeTag(t.app, a.store, 'wood')).id;
    a.metal = (await makeTag(t.app, a.store, 'metal')).id;
    a.sale = (await makeTag(t.app, a.store, 'sale')).id;
    b.tag = (await makeTag(t.app, b.store, 'wood')).id;
    const links: [number, number][] = [
      [a.chair, a.wood],
      [a.chair, a.sale],
      [a.table, a.wood],
      [a.table, a.metal],
      [a.lamp, a.metal],
      [a.lamp, a.sale],
      [b.item, b.tag],
    ];
    for (const [item, tag] of links) await expectStatus(t.app, 201, 'POST', `/item/${item}/tag/${tag}`);

    heroes.young = (await makeHero(t.app, 'Spider-Boy', 'Pedro', { age: 16 })).id;
    heroes.old = (await makeHero(t.app, 'Rusty-Man', 'Tommy', { age: 48 })).id;
    heroes.ageless = (await makeHero(t.app, 'Deadpond', 'Dive')).id;
    teams.z = (await makeTeam(t.app, 'Z-Force', 'Sister Margaret’s Bar')).id;
    teams.p = (await makeTeam(t.app, 'Preventers', 'Sharp Tower')).id;
    await expectStatus(t.app, 201, 'POST', `/heroes/${heroes.young}/teams/${teams.p}`, { is_training: true });
    await expectStatus(t.app, 201, 'POST', `/heroes/${heroes.old}/teams/${teams.p}`);
    await expectStatus(t.app, 201, 'POST', `/heroes/${heroes.ageless}/teams/${teams.z}`);
    await expectStatus(t.app, 201, 'POST', `/heroes/${heroes.young}/teams/${teams.z}`);
  });

  /** The ids a GET lists, and its X-Pagination total. */
  async function list(url: string) {
    const reply = await call(t.app, 'GET', url);
    expect(reply.status, `${url} → ${JSON.stringify(reply.body)}`).toBe(200);
    const pagination = reply.headers['x-pagination'] ? JSON.parse(String(reply.headers['x-pagination'])) : undefined;
    return { ids: ids(reply.body), body: reply.body, total: pagination?.total as number | undefined };
  }

  describe('items through their tags', () => {
    it('tags_all: items linked to every one of the tags', async () => {
      expect((await list(`/item?tags_all=${a.wood},${a.sale}`)).ids).toEqual([a.chair]);
      expect((await list(`/item?tags_all=${a.sale},${a.wood},${a.sale}`)).ids).toEqual([a.chair]);
      expect((await list(`/item?tags_all=${a.wood},${a.metal},${a.sale}`)).ids).toEqual([]);
    });

    it('tags_any: items linked to at least one; with one id it is tags_all', async () => {
      expect((await list(`/item?tags_any=${a.wood},${a.metal}`)).ids).toEqual([a.chair, a.table, a.lamp]);
      expect((await list(`/item?tags_any=${a.sale}`)).ids).toEqual((await list(`/item?tags_all=${a.sale}`)).ids);
    });

    it('tags_none: items linked to none of them, unlinked items included', async () => {
      expect((await list(`/item?tags_none=${a.sale}`)).ids).toEqual([a.table, a.stool, b.item]);
      expect((await list(`/item?tags_none=${a.wood}&store_id=${a.store}`)).ids).toEqual([a.lamp, a.stool]);
    });

    it('an id that names nothing matches nothing', async () => {
      expect((await list('/item?tags_all=999999')).ids).toEqual([]);
      expect((await list('/item?tags_any=999999')).ids).toEqual([]);
      expect((await list(`/item?tags_none=999999&store_id=${b.store}`)).ids).toEqual([b.item]);
    });

    it('filters combine, and X-Pagination counts the filtered rows', async () => {
      const both = await list(`/item?tags_any=${a.wood},${a.metal}&tags_none=${a.sale}&price_min=10`);
      expect(both.ids).toEqual([a.table]);
      expect(both.total).toBe(1);
      const paged = await list(`/item?store_id=${a.store}&page_size=3&page=2`);
      expect(paged.ids).toEqual([a.stool]);
      expect(paged.total).toBe(4);
    });

    it('the same filters on a store’s items: GET /store/{id}/item lists plain items, 404 for no store', async () => {
      const page = await list(`/store/${a.store}/item?tags_any=${a.metal}&sort=-price`);
      expect(page.body).toEqual([
        { id: a.table, name: 'Table', price: 80 },
        { id: a.lamp, name: 'lamp_50%', price: 5 },
      ]);
      expect(page.total).toBe(2);
      expect((await list(`/store/${b.store}/item`)).ids).toEqual([b.item]);
      expect(await call(t.app, 'GET', '/store/999999/item')).toMatchObject({ status: 404, body: { message: 'Store not found.' } });
      expect((await call(t.app, 'GET', `/store/${a.store}/item?store_id=${a.store}`)).status).toBe(422);
    });
  });

  describe('q, bounds, store_id, owner_id and sort', () => {
    it('q is a case-insensitive substring of the name, with % and _ taken literally', async () => {
      expect((await list('/item?q=CHAIR')).ids).toEqual([a.chair, b.item]);
      expect((await list('/item?q=%25')).ids).toEqual([a.lamp]);
      expect((await list('/item?q=p_5')).ids).toEqual([a.lamp]);
      expect((await list('/item?q=_')).ids).toEqual([a.lamp]);
      expect((await list('/tag?q=WOO')).ids).toEqual([a.wood, b.tag]);
      expect((await list('/store?q=b')).ids).toEqual([b.store]);
      expect((await list('/heroes?q=man')).ids).toEqual([heroes.old]);
      expect((await list('/teams?q=force')).ids).toEqual([teams.z]);
    });

    it('price_min/price_max and age_min/age_max are inclusive', async () => {
      expect((await list('/item?price_min=5&price_max=20')).ids).toEqual([a.chair, a.lamp, a.stool]);
      expect((await list('/item?price_min=20.5')).ids).toEqual([a.table]);
      expect((await list('/heroes?age_min=16&age_max=16')).ids).toEqual([heroes.young]);
      expect((await list('/heroes?age_max=47.5')).ids).toEqual([heroes.young]);
    });

    it('store_id on /item and /tag, owner_id on /store', async () => {
      expect((await list(`/item?store_id=${b.store}`)).ids).toEqual([b.item]);
      expect((await list(`/tag?store_id=${a.store}`)).ids).toEqual([a.wood, a.metal, a.sale]);
      expect((await list(`/store?owner_id=${t.admin.id}`)).ids).toEqual([a.store, b.store]);
      expect((await list('/store?owner_id=999999')).ids).toEqual([]);
    });

    it('GET /tag lists every tag, with its store and items', async () => {
      const all = await list('/tag');
      expect(all.ids).toEqual([a.wood, a.metal, a.sale, b.tag]);
      expect(all.body[3]).toEqual({
        id: b.tag,
        name: 'wood',
        store: { id: b.store, name: 'Store B' },
        items: [{ id: b.item, name: 'Chair B', price: 1 }],
      });
      expect((await list(`/tag?items_all=${a.chair},${a.lamp}`)).ids).toEqual([a.sale]);
      expect((await list(`/tag?items_none=${a.table}&store_id=${a.store}`)).ids).toEqual([a.sale]);
    });

    it('sort by several fields, - for descending, ties by id ascending', async () => {
      expect((await list(`/item?store_id=${a.store}&sort=price`)).ids).toEqual([a.lamp, a.chair, a.stool, a.table]);
      expect((await list(`/item?store_id=${a.store}&sort=-price`)).ids).toEqual([a.table, a.chair, a.stool, a.lamp]);
      expect((await list(`/item?store_id=${a.store}&sort=price,-name`)).ids).toEqual([a.lamp, a.stool, a.chair, a.table]);
      expect((await list('/tag?sort=name')).ids).toEqual([a.metal, a.sale, a.wood, b.tag]);
      // Text sorts by its bytes on both databases: capitals first.
      expect((await list(`/item?store_id=${a.store}&sort=name`)).ids).toEqual([a.table, a.chair, a.lamp, a.stool]);
    });

    it('a null age sorts after every age, and first when descending', async () => {
      expect((await list('/heroes?sort=age')).ids).toEqual([heroes.young, heroes.old, heroes.ageless]);
      expect((await list('/heroes?sort=-age')).ids).toEqual([heroes.ageless, heroes.old, heroes.young]);
    });
  });

  describe('heroes and teams through their links', () => {
    it('teams_all / teams_any / teams_none on /heroes, heroes_* on /teams', async () => {
      expect((await list(`/heroes?teams_all=${teams.z},${teams.p}`)).ids).toEqual([heroes.young]);
      expect((await list(`/heroes?teams_any=${teams.z},${teams.p}`)).ids).toEqual([heroes.young, heroes.old, heroes.ageless]);
      expect((await list(`/heroes?teams_none=${teams.z}`)).ids).toEqual([heroes.old]);
      expect((await list(`/teams?heroes_all=${heroes.young},${heroes.old}`)).ids).toEqual([teams.p]);
      expect((await list(`/teams?heroes_none=${heroes.ageless}`)).ids).toEqual([teams.p]);
    });

    it('is_training counts only links with that value', async () => {
      expect((await list(`/heroes?teams_any=${teams.p}&is_training=true`)).ids).toEqual([heroes.young]);
      expect((await list(`/heroes?teams_any=${teams.p}&is_training=false`)).ids).toEqual([heroes.old]);
      expect((await list(`/heroes?teams_all=${teams.z},${teams.p}&is_training=true`)).ids).toEqual([]);
      expect((await list(`/heroes?teams_none=${teams.p}&is_training=true`)).ids).toEqual([heroes.old, heroes.ageless]);
      // Alone, it asks for heroes with at least one such link.
      expect((await list('/heroes?is_training=true')).ids).toEqual([heroes.young]);
      expect((await list(`/teams?is_training=true`)).ids).toEqual([teams.p]);
    });

    it('offset/limit still work with filters (no X-Pagination), and page/page_size count the filtered rows', async () => {
      const reply = await call(t.app, 'GET', `/heroes?teams_any=${teams.z},${teams.p}&offset=1&limit=1`);
      expect(ids(reply.body)).toEqual([heroes.old]);
      expect(reply.headers['x-pagination']).toBeUndefined();
      expect((await list(`/heroes?teams_any=${teams.p}&page_size=1`)).total).toBe(2);
    });
  });

  describe('questions that cannot be asked: 422 in errors.query', () => {
    const cases: [string, object][] = [
      ['/item?color=red', { color: ['Unknown field.'] }],
      ['/store?store_id=1', { store_id: ['Unknown field.'] }],
      ['/heroes?tags_all=1', { tags_all: ['Unknown field.'] }],
      ['/item?sort=colour', { sort: ['Unknown sort field: colour.'] }],
      ['/item?sort=price,,name', { sort: ['Not a valid sort: fields separated by commas.'] }],
      ['/item?sort=tags', { sort: ['Unknown sort field: tags.'] }],
      ['/item?tags_all=1,x', { tags_all: ['Not a valid list of ids: positive integers separated by commas.'] }],
      ['/item?tags_any=', { tags_any: ['Not a valid list of ids: positive integers separated by commas.'] }],
      ['/item?tags_none=-1', { tags_none: ['Not a valid list of ids: positive integers separated by commas.'] }],
      ['/item?tags_all=0', { tags_all: ['Ids are from 1 to 2147483647.'] }],
      ['/item?tags_all=99999999999', { tags_all: ['Ids are from 1 to 2147483647.'] }],
      [`/item?tags_all=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}`, { tags_all: ['At most 100 ids.'] }],
      ['/item?price_min=cheap', { price_min: ['Not a valid number.'] }],
      ['/heroes?age_max=old', { age_max: ['Not a valid number.'] }],
      ['/heroes?is_training=maybe', { is_training: ['Not a valid boolean.'] }],
      ['/item?store_id=abc', { store_id: ['Not a valid integer.'] }],
    ];
    it.each(cases)('%s', async (url, errors) => {
      expect(await call(t.app, 'GET', url)).toMatchObject({ status: 422, body: unprocessable(errors) });
    });

    it('100 ids are accepted', async () => {
      const hundred = Array.from({ length: 100 }, (_, i) => i + 1).join(',');
      expect((await call(t.app, 'GET', `/item?tags_any=${hundred}`)).status).toBe(200);
    });
  });
});
