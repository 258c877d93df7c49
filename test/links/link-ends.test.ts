import { beforeAll, describe, expect, it } from 'vitest';
import type { SignedIn } from '../helpers/app.js';
import { useTestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';
import { call, expectStatus, makeHero, makeItem, makeStore, makeTag, makeTeam } from '../helpers/requests.js';

const ids = (rows: Array<{ id: number }>) => rows.map((row) => row.id);
const notFound = (message: string) => ({ code: 404, status: 'Not Found', message });
const SAME_STORE = 'Make sure item and tag belong to the same store before linking.';

/** API.md §6: each end of a link lists the other as a collection, and sets it whole. */
describe.each(BACKENDS)('the other end as a collection, and set whole, on %s', (backend) => {
  const t = useTestApp(backend);
  let n = 0;

  /** A store with `items` items and `tags` tags, none linked. */
  async function store(items: number, tags: number, token?: string) {
    const name = `store ${++n}`;
    const s = token ? (await call(t.app, 'POST', '/store', { name }, { token })).body : await makeStore(t.app, name);
    const itemIds: number[] = [];
    const tagIds: number[] = [];
    for (let i = 0; i < items; i++) itemIds.push((await makeItem(t.app, s.id, `item ${n}.${i}`, i + 1)).id);
    for (let i = 0; i < tags; i++) tagIds.push((await makeTag(t.app, s.id, `tag ${n}.${i}`)).id);
    return { id: s.id as number, items: itemIds, tags: tagIds };
  }
  const linksOfItem = async (item: number) =>
    (await t.database.db.selectFrom('items_tags').select('tag_id').where('item_id', '=', item).orderBy('tag_id').execute()).map(
      (r) => r.tag_id,
    );
  const heroLinks = async (hero: number) =>
    (await t.database.db.selectFrom('heroteamlink').selectAll().where('hero_id', '=', hero).orderBy('team_id').execute()).map((r) => ({
      team_id: r.team_id,
      is_training: Boolean(r.is_training),
    }));

  describe('GET /item/{id}/tag and /tag/{id}/item', () => {
    it('list the linked rows, plain, paginated, filtered and sorted; 404 when the row does not exist', async () => {
      const s = await store(3, 3);
      for (const tag of s.tags) await expectStatus(t.app, 201, 'POST', `/item/${s.items[0]}/tag/${tag}`);
      await expectStatus(t.app, 201, 'POST', `/item/${s.items[2]}/tag/${s.tags[0]}`);

      const tags = await call(t.app, 'GET', `/item/${s.items[0]}/tag?page_size=2`);
      expect(tags.status).toBe(200);
      expect(tags.body).toEqual([
        { id: s.tags[0], name: `tag ${n}.0` },
        { id: s.tags[1], name: `tag ${n}.1` },
      ]);
      expect(JSON.parse(String(tags.headers['x-pagination']))).toMatchObject({ total: 3, next_page: 2 });
      expect(ids((await call(t.app, 'GET', `/item/${s.items[0]}/tag?sort=-name`)).body)).toEqual([...s.tags].reverse());
      expect(ids((await call(t.app, 'GET', `/item/${s.items[0]}/tag?items_all=${s.items[2]}`)).body)).toEqual([s.tags[0]]);
      expect(ids((await call(t.app, 'GET', `/item/${s.items[1]}/tag`)).body)).toEqual([]);

      const items = await call(t.app, 'GET', `/tag/${s.tags[0]}/item?price_min=2`);
      expect(items.body).toEqual([{ id: s.items[2], name: `item ${n}.2`, price: 3 }]);
      expect(ids((await call(t.app, 'GET', `/tag/${s.tags[0]}/item?tags_all=${s.tags[1]}`)).body)).toEqual([s.items[0]]);

      expect(await call(t.app, 'GET', '/item/999999/tag')).toMatchObject({ status: 404, body: notFound('Item not found.') });
      expect(await call(t.app, 'GET', '/tag/999999/item')).toMatchObject({ status: 404, body: notFound('Tag not found.') });
      expect((await call(t.app, 'GET', `/tag/${s.tags[0]}/item?tags=1`)).status).toBe(422);
    });
  });

  describe('GET /heroes/{id}/teams and /teams/{id}/heroes', () => {
    it('list the linked rows with is_training; is_training=… keeps the links with that value', async () => {
      const hero = await makeHero(t.app, `hero ${++n}`, 'secret', { age: 30 });
      const other = await makeHero(t.app, `hero ${++n}`, 'secret', { age: 20 });
      const z = await makeTeam(t.app, `Z ${n}`);
      const p = await makeTeam(t.app, `P ${n}`);
      await expectStatus(t.app, 201, 'POST', `/heroes/${hero.id}/teams/${z.id}`, { is_training: true });
      await expectStatus(t.app, 201, 'POST', `/heroes/${hero.id}/teams/${p.id}`);
      await expectStatus(t.app, 201, 'POST', `/heroes/${other.id}/teams/${z.id}`);

      expect((await call(t.app, 'GET', `/heroes/${hero.id}/teams`)).body).toEqual([
        { id: z.id, name: z.name, headquarters: z.headquarters, is_training: true },
        { id: p.id, name: p.name, headquarters: p.headquarters, is_training: false },
      ]);
      expect(ids((await call(t.app, 'GET', `/heroes/${hero.id}/teams?is_training=false`)).body)).toEqual([p.id]);
      expect(ids((await call(t.app, 'GET', `/heroes/${hero.id}/teams?sort=-is_training,-id`)).body)).toEqual([z.id, p.id]);
      expect(ids((await call(t.app, 'GET', `/teams/${z.id}/heroes?is_training=true`)).body)).toEqual([hero.id]);
      expect(ids((await call(t.app, 'GET', `/teams/${z.id}/heroes?sort=age`)).body)).toEqual([other.id, hero.id]);
      expect(ids((await call(t.app, 'GET', `/teams/${z.id}/heroes?teams_all=${p.id}`)).body)).toEqual([hero.id]);
      expect(ids((await call(t.app, 'GET', `/teams/${z.id}/heroes?offset=1&limit=5`)).body)).toEqual([other.id]);
      expect(await call(t.app, 'GET', '/teams/999999/heroes')).toMatchObject({ status: 404, body: notFound('Team not found.') });
    });
  });

  describe('PUT /item/{id}/tag and /tag/{id}/item', () => {
    it('makes the links exactly the ones given and answers with the row', async () => {
      const s = await store(2, 4);
      const [item] = s.items;
      await expectStatus(t.app, 201, 'POST', `/item/${item}/tag/${s.tags[0]}`);
      await expectStatus(t.app, 201, 'POST', `/item/${item}/tag/${s.tags[1]}`);
      const reply = await call(t.app, 'PUT', `/item/${item}/tag`, { tag_ids: [s.tags[3], s.tags[1]] });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ id: item, store: { id: s.id } });
      expect(ids(reply.body.tags)).toEqual([s.tags[1], s.tags[3]]);
      expect(await linksOfItem(item!)).toEqual([s.tags[1], s.tags[3]]);
      expect(ids((await expectStatus(t.app, 200, 'PUT', `/item/${item}/tag`, { tag_ids: [] })).tags)).toEqual([]);

      const tagReply = await call(t.app, 'PUT', `/tag/${s.tags[2]}/item`, { item_ids: s.items });
      expect(tagReply.status).toBe(200);
      expect(ids(tagReply.body.items)).toEqual(s.items);
    });

    it('a link that stays keeps its row: only the difference is written', async () => {
      const s = await store(1, 3);
      const [item] = s.items;
      await expectStatus(t.app, 201, 'POST', `/item/${item}/tag/${s.tags[0]}`);
      const before = t.statements();
      await expectStatus(t.app, 200, 'PUT', `/item/${item}/tag`, { tag_ids: [s.tags[0]] });
      const unchanged = t.statements() - before;
      const mark = t.statements();
      await expectStatus(t.app, 200, 'PUT', `/item/${item}/tag`, { tag_ids: [s.tags[0], s.tags[1]] });
      // One more statement (the insert), no delete.
      expect(t.statements() - mark).toBe(unchanged + 1);
    });

    it('a missing id or a tag of another store changes nothing: 404 / 400', async () => {
      const s = await store(1, 2);
      const other = await store(1, 1);
      const [item] = s.items;
      await expectStatus(t.app, 201, 'POST', `/item/${item}/tag/${s.tags[0]}`);
      expect(await call(t.app, 'PUT', `/item/${item}/tag`, { tag_ids: [s.tags[1], 999999] })).toMatchObject({
        status: 404,
        body: notFound('Tag not found.'),
      });
      expect(await call(t.app, 'PUT', `/item/${item}/tag`, { tag_ids: [s.tags[1], other.tags[0]] })).toMatchObject({
        status: 400,
        body: { code: 400, message: SAME_STORE },
      });
      expect(await call(t.app, 'PUT', `/tag/${s.tags[0]}/item`, { item_ids: [999999] })).toMatchObject({
        status: 404,
        body: notFound('Item not found.'),
      });
      expect(await linksOfItem(item!)).toEqual([s.tags[0]]);
      expect(await call(t.app, 'PUT', '/item/999999/tag', { tag_ids: [] })).toMatchObject({
        status: 404,
        body: notFound('Item not found.'),
      });
    });

    it('422 for duplicates, a value that is not a list, more than 1000 ids, unknown fields', async () => {
      const s = await store(1, 1);
      const url = `/item/${s.items[0]}/tag`;
      const cases: [unknown, object][] = [
        [{ tag_ids: [s.tags[0], s.tags[0]] }, { tag_ids: ['Each tag_id may appear only once.'] }],
        [{ tag_ids: s.tags[0] }, { tag_ids: ['Not a valid list.'] }],
        [{ tag_ids: ['x'] }, { tag_ids: { 0: ['Not a valid integer.'] } }],
        [{ tag_ids: Array.from({ length: 1001 }, (_, i) => i + 1) }, { tag_ids: ['Longer than maximum length 1000.'] }],
        [{}, { tag_ids: ['Missing data for required field.'] }],
        [{ tag_ids: [], item_ids: [] }, { item_ids: ['Unknown field.'] }],
      ];
      for (const [body, errors] of cases) {
        const reply = await call(t.app, 'PUT', url, body);
        expect(reply.status, JSON.stringify(body).slice(0, 80)).toBe(422);
        expect(reply.body.errors.json, JSON.stringify(body).slice(0, 80)).toEqual(errors);
      }
    });

    describe('who may', () => {
      let owner: SignedIn;
      let stranger: SignedIn;
      beforeAll(async () => {
        owner = await t.signIn(`owner ${backend}`);
        stranger = await t.signIn(`stranger ${backend}`);
      });

      it("the store's owner or an admin; 401 without a token, 403 for another user, and nothing changes", async () => {
        const s = await store(1, 2, owner.access);
        const url = `/item/${s.items[0]}/tag`;
        expect((await call(t.app, 'PUT', url, { tag_ids: [s.tags[0]] }, { token: owner.access })).status).toBe(200);
        expect((await call(t.app, 'PUT', url, { tag_ids: [s.tags[1]] }, { token: null })).status).toBe(401);
        expect((await call(t.app, 'PUT', url, { tag_ids: [s.tags[1]] }, { token: stranger.access })).status).toBe(403);
        expect((await call(t.app, 'PUT', `/tag/${s.tags[1]}/item`, { item_ids: s.items }, { token: stranger.access })).status).toBe(403);
        expect(await linksOfItem(s.items[0]!)).toEqual([s.tags[0]]);
        expect((await call(t.app, 'PUT', url, { tag_ids: [s.tags[1]] })).status).toBe(200);
      });

      it('heroes and teams: any signed-in user may add links; removing one takes an admin', async () => {
        const hero = await makeHero(t.app, `hero ${++n}`);
        const z = await makeTeam(t.app, `Z ${n}`);
        const p = await makeTeam(t.app, `P ${n}`);
        const url = `/heroes/${hero.id}/teams`;
        expect((await call(t.app, 'PUT', url, { teams: [{ team_id: z.id }] }, { token: stranger.access })).status).toBe(200);
        expect(
          (await call(t.app, 'PUT', url, { teams: [{ team_id: z.id, is_training: true }, { team_id: p.id }] }, { token: stranger.access }))
            .status,
        ).toBe(200);
        expect(await call(t.app, 'PUT', url, { teams: [{ team_id: p.id }] }, { token: stranger.access })).toMatchObject({
          status: 403,
          body: { message: 'Admin privilege required.' },
        });
        expect(await heroLinks(hero.id)).toEqual([
          { team_id: z.id, is_training: true },
          { team_id: p.id, is_training: false },
        ]);
        expect((await call(t.app, 'PUT', url, { teams: [{ team_id: p.id }] })).status).toBe(200);
        expect((await call(t.app, 'PUT', url, { teams: [] }, { token: null })).status).toBe(401);
      });
    });

    it('two concurrent sets of one item end with one of the two sets, never a mix', async () => {
      const s = await store(1, 8);
      const [item] = s.items;
      const first = s.tags.slice(0, 4);
      const second = s.tags.slice(3, 8);
      for (let round = 0; round < 5; round++) {
        const replies = await Promise.all(
          Array.from({ length: 6 }, (_, i) => call(t.app, 'PUT', `/item/${item}/tag`, { tag_ids: i % 2 ? first : second })),
        );
        expect(replies.map((r) => r.status)).toEqual(Array(6).fill(200));
        const stored = await linksOfItem(item!);
        expect([first, second].map((set) => JSON.stringify([...set].sort((x, y) => x - y)))).toContain(JSON.stringify(stored));
      }
    });
  });

  describe('PUT /heroes/{id}/teams and /teams/{id}/heroes', () => {
    it('links that stay keep is_training unless the body gives it; new links get the default', async () => {
      const hero = await makeHero(t.app, `hero ${++n}`);
      const [z, p, x] = [await makeTeam(t.app, `Z ${n}`), await makeTeam(t.app, `P ${n}`), await makeTeam(t.app, `X ${n}`)];
      await expectStatus(t.app, 201, 'POST', `/heroes/${hero.id}/teams/${z.id}`, { is_training: true });
      await expectStatus(t.app, 201, 'POST', `/heroes/${hero.id}/teams/${p.id}`, { is_training: true });
      const reply = await call(t.app, 'PUT', `/heroes/${hero.id}/teams`, {
        teams: [{ team_id: z.id }, { team_id: p.id, is_training: false }, { team_id: x.id }],
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ id: hero.id, name: hero.name });
      expect(reply.body.teams.map((team: { id: number; is_training: boolean }) => [team.id, team.is_training])).toEqual([
        [z.id, true],
        [p.id, false],
        [x.id, false],
      ]);

      const team = await call(t.app, 'PUT', `/teams/${x.id}/heroes`, { heroes: [{ hero_id: hero.id, is_training: true }] });
      expect(team.status).toBe(200);
      expect(team.body.heroes).toEqual([{ id: hero.id, name: hero.name, secret_name: hero.secret_name, age: hero.age, is_training: true }]);
      expect(await call(t.app, 'PUT', `/teams/${x.id}/heroes`, { heroes: [{ hero_id: 999999 }] })).toMatchObject({
        status: 404,
        body: notFound('Hero not found.'),
      });
      expect(await call(t.app, 'PUT', `/heroes/${hero.id}/teams`, { teams: [{ team_id: x.id }, { team_id: x.id }] })).toMatchObject({
        status: 422,
        body: { errors: { json: { teams: ['Each team_id may appear only once.'] } } },
      });
      expect(await call(t.app, 'PUT', `/heroes/${hero.id}/teams`, { teams: [{ team_id: x.id, is_training: 'yes' }] })).toMatchObject({
        status: 422,
        body: { errors: { json: { teams: { 0: { is_training: ['Not a valid boolean.'] } } } } },
      });
      expect(await heroLinks(hero.id)).toEqual([
        { team_id: z.id, is_training: true },
        { team_id: p.id, is_training: false },
        { team_id: x.id, is_training: true },
      ]);
    });
  });
});
