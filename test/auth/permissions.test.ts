import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp, type SignedIn } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';
import { call, makeHero, makeTeam } from '../helpers/requests.js';

const unauthorized = (error: string) => ({ code: 401, status: 'Unauthorized', error, message: expect.any(String) });
const FORBIDDEN = { code: 403, status: 'Forbidden', message: expect.any(String) };
const notFound = (message: string) => ({ code: 404, status: 'Not Found', message });

/** Who sends a request: nobody (no header), the owner, another signed-in user, or the admin. */
type Caller = 'nobody' | 'owner' | 'other' | 'admin';

describe.each(BACKENDS)('who may do what, on %s', (backend) => {
  const t = useTestApp(backend);
  let owner: SignedIn;
  let other: SignedIn;
  let count = 0;
  const unique = (prefix: string) => `${prefix} ${++count}`;

  beforeAll(async () => {
    owner = await t.signIn('owner');
    other = await t.signIn('other');
  });

  const tokenOf = (caller: Caller): string | null | undefined =>
    ({ nobody: null, owner: owner.access, other: other.access, admin: undefined })[caller];
  const as = (caller: Caller, method: string, url: string, payload?: unknown) =>
    call(t.app, method, url, payload, { token: tokenOf(caller) });

  /**
   * A store of `who`, made through the API with their token: an item linked with one tag, and a
   * second item and tag, unlinked.
   */
  async function storeOf(who: SignedIn) {
    const token = { token: who.access };
    const store = await call(t.app, 'POST', '/store', { name: unique('store') }, token);
    expect(store.status).toBe(201);
    const id = store.body.id;
    const make = async (method: string, url: string, payload?: object) => {
      const reply = await call(t.app, method, url, payload, token);
      expect(reply.status, `${method} ${url} ${JSON.stringify(reply.body)}`).toBe(201);
      return reply.body.id as number;
    };
    const item = await make('POST', '/item', { name: 'linked item', price: 1, store_id: id });
    const freeItem = await make('POST', '/item', { name: 'free item', price: 2, store_id: id });
    const tag = await make('POST', `/store/${id}/tag`, { name: 'linked tag' });
    const freeTag = await make('POST', `/store/${id}/tag`, { name: 'free tag' });
    await make('POST', `/item/${item}/tag/${tag}`);
    return { store: id, item, freeItem, tag, freeTag };
  }
  type Fixture = Awaited<ReturnType<typeof storeOf>>;

  /** Everything a refused request must leave as it was: the store, its items and tags, and their links. */
  const state = async (f: Fixture) =>
    Promise.all(
      [`/store/${f.store}`, `/item/${f.item}`, `/item/${f.freeItem}`, `/tag/${f.tag}`, `/tag/${f.freeTag}`].map(async (url) => {
        const reply = await call(t.app, 'GET', url, undefined, { token: null });
        return [reply.status, reply.body];
      }),
    );

  /** The write routes of stores, items, tags and their links: what is sent, and the success status. */
  const STORE_ROUTES: Array<[string, (f: Fixture) => [string, string, object?], number]> = [
    ['DELETE /store/{id}', (f) => ['DELETE', `/store/${f.store}`], 200],
    ['POST /store/{id}/tag', (f) => ['POST', `/store/${f.store}/tag`, { name: 'new tag' }], 201],
    ['POST /item', (f) => ['POST', '/item', { name: 'new item', price: 3, store_id: f.store }], 201],
    ['PUT /item/{id}', (f) => ['PUT', `/item/${f.item}`, { name: 'renamed', price: 9 }], 200],
    ['DELETE /item/{id}', (f) => ['DELETE', `/item/${f.item}`], 200],
    ['DELETE /tag/{id}', (f) => ['DELETE', `/tag/${f.freeTag}`], 202],
    ['POST /item/{id}/tag/{id}', (f) => ['POST', `/item/${f.freeItem}/tag/${f.freeTag}`], 201],
    ['DELETE /item/{id}/tag/{id}', (f) => ['DELETE', `/item/${f.item}/tag/${f.tag}`], 200],
  ];

  describe.each(STORE_ROUTES)('%s', (_name, request, success) => {
    it('answers 401 without a token, and changes nothing', async () => {
      const f = await storeOf(owner);
      const before = await state(f);
      const reply = await as('nobody', ...request(f));
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual(unauthorized('authorization_required'));
      expect(await state(f)).toEqual(before);
    });

    it('answers 403 in the envelope to a signed-in user who does not own the store, and changes nothing', async () => {
      const f = await storeOf(owner);
      const before = await state(f);
      const reply = await as('other', ...request(f));
      expect(reply.status).toBe(403);
      expect(reply.body).toEqual(FORBIDDEN);
      expect(await state(f)).toEqual(before);
    });

    it('lets the owner do it', async () => {
      const f = await storeOf(owner);
      const before = await state(f);
      const reply = await as('owner', ...request(f));
      expect(reply.status, JSON.stringify(reply.body)).toBe(success);
      expect(await state(f)).not.toEqual(before);
    });

    it('lets an admin do it in a store that is not theirs', async () => {
      const f = await storeOf(owner);
      const before = await state(f);
      const reply = await as('admin', ...request(f));
      expect(reply.status, JSON.stringify(reply.body)).toBe(success);
      expect(await state(f)).not.toEqual(before);
    });

    it("refuses the owner of one store in another's store (the rule is per store, not per user)", async () => {
      const f = await storeOf(other);
      await storeOf(owner);
      const before = await state(f);
      const reply = await as('owner', ...request(f));
      expect(reply).toMatchObject({ status: 403, body: FORBIDDEN });
      expect(await state(f)).toEqual(before);
    });
  });

  describe('what a change by the owner or an admin does', () => {
    it('the owner changes the item: the change is there to read', async () => {
      const f = await storeOf(owner);
      await as('owner', 'PUT', `/item/${f.item}`, { price: 42 });
      expect((await call(t.app, 'GET', `/item/${f.item}`)).body.price).toBe(42);
    });

    it("an admin deletes another user's store: it is gone", async () => {
      const f = await storeOf(owner);
      await as('admin', 'DELETE', `/store/${f.store}`);
      expect((await call(t.app, 'GET', `/store/${f.store}`)).status).toBe(404);
    });
  });

  describe('links check both ends', () => {
    it("refuses to link the caller's own item with another user's tag: 403, not the same-store 400", async () => {
      const mine = await storeOf(owner);
      const theirs = await storeOf(other);
      const reply = await as('owner', 'POST', `/item/${mine.freeItem}/tag/${theirs.freeTag}`);
      expect(reply).toMatchObject({ status: 403, body: FORBIDDEN });
      const reverse = await as('owner', 'POST', `/item/${theirs.freeItem}/tag/${mine.freeTag}`);
      expect(reverse).toMatchObject({ status: 403, body: FORBIDDEN });
      // An admin may touch both, and meets the same-store rule instead.
      const admin = await as('admin', 'POST', `/item/${mine.freeItem}/tag/${theirs.freeTag}`);
      expect(admin).toMatchObject({
        status: 400,
        body: { message: 'Make sure item and tag belong to the same store before linking.' },
      });
    });

    it("refuses to unlink with one end in another user's store", async () => {
      const mine = await storeOf(owner);
      const theirs = await storeOf(other);
      expect(await as('owner', 'DELETE', `/item/${mine.item}/tag/${theirs.tag}`)).toMatchObject({ status: 403, body: FORBIDDEN });
      expect(await as('owner', 'DELETE', `/item/${theirs.item}/tag/${mine.tag}`)).toMatchObject({ status: 403, body: FORBIDDEN });
      expect((await call(t.app, 'GET', `/item/${theirs.item}`)).body.tags).toHaveLength(1);
    });
  });

  describe('POST /store', () => {
    it('answers 401 without a token, and makes no store', async () => {
      const name = unique('store');
      const reply = await as('nobody', 'POST', '/store', { name });
      expect(reply).toMatchObject({ status: 401, body: unauthorized('authorization_required') });
      const stores = await t.database.db.selectFrom('stores').select('id').where('name', '=', name).execute();
      expect(stores).toEqual([]);
    });

    it('lets any signed-in user create a store, which they then own (and others do not)', async () => {
      const reply = await as('other', 'POST', '/store', { name: unique('store') });
      expect(reply.status).toBe(201);
      const id = reply.body.id;
      expect((await as('other', 'POST', `/store/${id}/tag`, { name: 'mine' })).status).toBe(201);
      expect((await as('owner', 'POST', `/store/${id}/tag`, { name: 'not mine' })).status).toBe(403);
      expect((await as('owner', 'DELETE', `/store/${id}`)).status).toBe(403);
      expect((await as('other', 'DELETE', `/store/${id}`)).status).toBe(200);
    });
  });

  describe('a missing resource with a valid token', () => {
    it.each<[string, string, object?]>([
      ['DELETE', '/store/999999'],
      ['POST', '/store/999999/tag', { name: 'x' }],
      ['PUT', '/item/999999', { price: 1 }],
      ['DELETE', '/item/999999'],
      ['DELETE', '/tag/999999'],
    ])('%s %s → 404 to a non-admin and to an admin', async (method, url, payload) => {
      for (const caller of ['other', 'admin'] as const) {
        const reply = await as(caller, method, url, payload);
        expect(reply.status, caller).toBe(404);
        expect(reply.body).toMatchObject({ code: 404, status: 'Not Found' });
      }
    });

    it('POST /item into a store that does not exist → 404 "Store not found."', async () => {
      for (const caller of ['other', 'admin'] as const) {
        const reply = await as(caller, 'POST', '/item', { name: 'x', price: 1, store_id: 999999 });
        expect(reply).toMatchObject({ status: 404, body: notFound('Store not found.') });
      }
    });

    it('a link with a missing end → 404', async () => {
      const f = await storeOf(other);
      expect(await as('other', 'POST', `/item/999999/tag/${f.freeTag}`)).toMatchObject({ status: 404, body: notFound('Item not found.') });
      expect(await as('other', 'POST', `/item/${f.freeItem}/tag/999999`)).toMatchObject({ status: 404, body: notFound('Tag not found.') });
      expect(await as('admin', 'DELETE', `/item/999999/tag/${f.tag}`)).toMatchObject({ status: 404 });
    });
  });

  describe('heroes, teams and their links', () => {
    const heroRows = async (id: number) => t.database.db.selectFrom('hero').select('id').where('id', '=', id).execute();
    const teamRows = async (id: number) => t.database.db.selectFrom('team').select('id').where('id', '=', id).execute();
    const linkRows = async (hero: number, team: number) =>
      t.database.db.selectFrom('heroteamlink').selectAll().where('hero_id', '=', hero).where('team_id', '=', team).execute();
    const pair = async () => {
      const team = await makeTeam(t.app, unique('Team'));
      const hero = await makeHero(t.app, unique('Hero'), 'secret', { teams: [{ team_id: team.id }] });
      return { hero: hero.id as number, team: team.id as number };
    };

    it('POST /heroes and /teams: 401 without a token; any signed-in user creates (201)', async () => {
      const heroName = unique('Hero');
      expect(await as('nobody', 'POST', '/heroes', { name: heroName, secret_name: 's' })).toMatchObject({
        status: 401,
        body: unauthorized('authorization_required'),
      });
      expect(await t.database.db.selectFrom('hero').select('id').where('name', '=', heroName).execute()).toEqual([]);
      expect((await as('other', 'POST', '/heroes', { name: heroName, secret_name: 's' })).status).toBe(201);

      const teamName = unique('Team');
      expect((await as('nobody', 'POST', '/teams', { name: teamName, headquarters: 'hq' })).status).toBe(401);
      expect(await t.database.db.selectFrom('team').select('id').where('name', '=', teamName).execute()).toEqual([]);
      expect((await as('other', 'POST', '/teams', { name: teamName, headquarters: 'hq' })).status).toBe(201);
    });

    it('PATCH /heroes/{id} and /teams/{id}: 401 without a token; any signed-in user changes (200)', async () => {
      const { hero, team } = await pair();
      expect((await as('nobody', 'PATCH', `/heroes/${hero}`, { age: 99 })).status).toBe(401);
      expect((await as('nobody', 'PATCH', `/teams/${team}`, { headquarters: 'x' })).status).toBe(401);
      expect((await call(t.app, 'GET', `/heroes/${hero}`)).body.age).toBeNull();
      expect(await as('other', 'PATCH', `/heroes/${hero}`, { age: 99 })).toMatchObject({ status: 200, body: { age: 99 } });
      expect(await as('other', 'PATCH', `/teams/${team}`, { headquarters: 'x' })).toMatchObject({
        status: 200,
        body: { headquarters: 'x' },
      });
    });

    it('DELETE /heroes/{id}: 401 without a token, 403 for a non-admin (the hero stays), 200 for an admin', async () => {
      const { hero } = await pair();
      expect(await as('nobody', 'DELETE', `/heroes/${hero}`)).toMatchObject({ status: 401, body: unauthorized('authorization_required') });
      expect(await as('other', 'DELETE', `/heroes/${hero}`)).toMatchObject({ status: 403, body: FORBIDDEN });
      expect(await heroRows(hero)).toHaveLength(1);
      expect(await as('admin', 'DELETE', `/heroes/${hero}`)).toMatchObject({ status: 200, body: { message: 'Hero deleted.' } });
      expect(await heroRows(hero)).toHaveLength(0);
    });

    it('DELETE /teams/{id}: 401 without a token, 403 for a non-admin (the team stays), 200 for an admin', async () => {
      const { team } = await pair();
      expect((await as('nobody', 'DELETE', `/teams/${team}`)).status).toBe(401);
      expect(await as('other', 'DELETE', `/teams/${team}`)).toMatchObject({ status: 403, body: FORBIDDEN });
      expect(await teamRows(team)).toHaveLength(1);
      expect(await as('admin', 'DELETE', `/teams/${team}`)).toMatchObject({ status: 200, body: { message: 'Team deleted.' } });
      expect(await teamRows(team)).toHaveLength(0);
    });

    it.each(['heroes', 'teams'])('links seen from /%s: 401 without a token; a signed-in user links and changes', async (side) => {
      const hero = (await makeHero(t.app, unique('Hero'))).id;
      const team = (await makeTeam(t.app, unique('Team'))).id;
      const url = side === 'heroes' ? `/heroes/${hero}/teams/${team}` : `/teams/${team}/heroes/${hero}`;
      expect(await as('nobody', 'POST', url)).toMatchObject({ status: 401, body: unauthorized('authorization_required') });
      expect(await linkRows(hero, team)).toEqual([]);
      expect((await as('other', 'POST', url)).status).toBe(201);
      expect((await as('nobody', 'PATCH', url, { is_training: true })).status).toBe(401);
      expect(await as('other', 'PATCH', url, { is_training: true })).toMatchObject({ status: 200, body: { is_training: true } });
    });

    it.each(['heroes', 'teams'])(
      'unlinking from /%s: 401 without a token, 403 for a non-admin (the link stays), 200 for an admin',
      async (side) => {
        const { hero, team } = await pair();
        const url = side === 'heroes' ? `/heroes/${hero}/teams/${team}` : `/teams/${team}/heroes/${hero}`;
        expect((await as('nobody', 'DELETE', url)).status).toBe(401);
        expect(await as('other', 'DELETE', url)).toMatchObject({ status: 403, body: FORBIDDEN });
        expect(await linkRows(hero, team)).toHaveLength(1);
        expect(await as('admin', 'DELETE', url)).toMatchObject({ status: 200, body: { message: 'Hero removed from team.' } });
        expect(await linkRows(hero, team)).toHaveLength(0);
      },
    );

    it('a missing hero, team or link with a valid token → 404', async () => {
      expect(await as('other', 'PATCH', '/heroes/999999', { age: 1 })).toMatchObject({ status: 404, body: notFound('Hero not found.') });
      expect(await as('other', 'PATCH', '/teams/999999', { name: 'x' })).toMatchObject({ status: 404, body: notFound('Team not found.') });
      expect(await as('admin', 'DELETE', '/heroes/999999')).toMatchObject({ status: 404, body: notFound('Hero not found.') });
      expect(await as('admin', 'DELETE', '/teams/999999')).toMatchObject({ status: 404, body: notFound('Team not found.') });
      const team = (await makeTeam(t.app, unique('Team'))).id;
      expect(await as('other', 'POST', `/heroes/999999/teams/${team}`)).toMatchObject({ status: 404, body: notFound('Hero not found.') });
      const hero = (await makeHero(t.app, unique('Hero'))).id;
      expect(await as('admin', 'DELETE', `/heroes/${hero}/teams/${team}`)).toMatchObject({ status: 404 });
    });
  });

  describe('reads need no token', () => {
    it('answers every read to a caller without a token', async () => {
      const f = await storeOf(owner);
      const team = (await makeTeam(t.app, unique('Team'))).id;
      const hero = (await makeHero(t.app, unique('Hero'), 's', { teams: [{ team_id: team }] })).id;
      const urls = [
        '/store',
        `/store/${f.store}`,
        '/item',
        `/item/${f.item}`,
        `/store/${f.store}/tag`,
        `/tag/${f.tag}`,
        '/heroes',
        `/heroes/${hero}`,
        '/teams',
        `/teams/${team}`,
        `/heroes/${hero}/teams/${team}`,
        `/teams/${team}/heroes/${hero}`,
        '/health',
      ];
      for (const url of urls) {
        const reply = await as('nobody', 'GET', url);
        expect(reply.status, url).toBe(200);
      }
    });
  });

  describe('every write route of the API document', () => {
    it('answers 401 without a token, except sign-up and sign-in', async () => {
      const doc = (await call(t.app, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
      const open = ['POST /register', 'POST /login'];
      let checked = 0;
      for (const [path, operations] of Object.entries(doc.paths)) {
        for (const method of Object.keys(operations).filter((m) => ['post', 'put', 'patch', 'delete'].includes(m))) {
          const name = `${method.toUpperCase()} ${path}`;
          if (open.includes(name)) continue;
          const url = path.replace(/\{\w+\}/g, '1');
          const reply = await as('nobody', method.toUpperCase(), url, method === 'delete' ? undefined : {});
          expect(reply.status, name).toBe(401);
          expect(reply.body, name).toEqual(unauthorized('authorization_required'));
          checked++;
        }
      }
      // Stores, items, tags, links, heroes, teams, hero-team links both ways, refresh, logout, delete user.
      expect(checked).toBeGreaterThanOrEqual(24);
    });
  });
});
