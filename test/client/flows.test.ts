import type { paths } from '../../client/openapi.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import type { OpenApiDocument } from '../helpers/openapi.js';
import { startServer, type Running } from '../helpers/process.js';
import { pagination, typedClients, type TypedClient } from '../helpers/typed-client.js';

/**
 * The main flows through the client generated from /openapi.json (openapi-typescript's types,
 * openapi-fetch), against the service running as its own process. A request or an answer the types do
 * not allow fails the type check; an answer the document does not describe fails the test.
 */

/** The data of an answer, after checking its status (the envelope is shown when it differs). */
async function expectData<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>, status: number): Promise<T> {
  const { data, error, response } = await call;
  expect(response.status, JSON.stringify(error)).toBe(status);
  return data as T;
}

type ItemQuery = NonNullable<paths['/item']['get']['parameters']['query']>;

const names = <T extends { name: string }>(rows: T[]) => rows.map((row) => row.name);

describe('the generated typed client against a running service', () => {
  let testDatabase: TestDatabase;
  let server: Running;
  let clients: ReturnType<typeof typedClients>;
  let anonymous: TypedClient;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('sqlite');
    server = await startServer({ DATABASE_URL: testDatabase.url, AUTH_RATE_LIMIT: '1000' });
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenApiDocument;
    clients = typedClients(server.url, document);
    anonymous = clients.client();
  });
  afterAll(async () => {
    await server?.stop();
    await testDatabase?.drop();
  });
  afterEach(() => {
    // Every answer of the test matched the document; the list is emptied for the next test.
    expect(clients.problems.splice(0)).toEqual([]);
  });

  /** Signs up and signs in a new user through the client: a client that sends its access token. */
  async function signUp(username: string) {
    const password = `${username}'s password`;
    expect(await expectData(anonymous.POST('/register', { body: { username, password } }), 201)).toEqual({
      message: 'User created successfully.',
    });
    const tokens = await expectData(anonymous.POST('/login', { body: { username, password } }), 200);
    const api = clients.client(tokens.access_token);
    const me = await expectData(api.GET('/me'), 200);
    return { api, me, tokens, password };
  }

  it('signs up, signs in, and learns who it is from GET /me', async () => {
    const { me, tokens } = await signUp('ana');
    expect(me).toEqual({ id: expect.any(Number), username: 'ana', is_admin: false });
    expect(tokens).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String) });
    const wrong = await anonymous.POST('/login', { body: { username: 'ana', password: 'wrong' } });
    expect(wrong.response.status).toBe(401);
    expect(wrong.error).toEqual({ code: 401, status: 'Unauthorized', message: 'Invalid credentials.' });
  });

  it('makes a store with items and tags, links them, and reads them back from both ends', async () => {
    const { api, me } = await signUp('bea');
    const store = await expectData(api.POST('/store', { body: { name: "Bea's shop" } }), 201);
    expect(store).toEqual({ id: expect.any(Number), name: "Bea's shop", items: [], tags: [] });
    const mine = await expectData(api.GET('/store', { params: { query: { owner_id: me.id } } }), 200);
    expect(names(mine)).toEqual(["Bea's shop"]);

    const chair = await expectData(api.POST('/item', { body: { name: 'Chair', price: 20, store_id: store.id } }), 201);
    expect(chair).toEqual({ id: expect.any(Number), name: 'Chair', price: 20, store: { id: store.id, name: "Bea's shop" }, tags: [] });
    const changed = await expectData(api.PUT('/item/{item_id}', { params: { path: { item_id: chair.id } }, body: { price: 25.5 } }), 200);
    expect(changed).toMatchObject({ name: 'Chair', price: 25.5 });

    const wood = await expectData(
      api.POST('/store/{store_id}/tag', { params: { path: { store_id: store.id } }, body: { name: 'wood' } }),
      201,
    );
    const link = { params: { path: { item_id: chair.id, tag_id: wood.id } } };
    expect(await expectData(api.POST('/item/{item_id}/tag/{tag_id}', link), 201)).toMatchObject({
      name: 'wood',
      items: [{ id: chair.id, name: 'Chair', price: 25.5 }],
    });
    // Linking again changes nothing, and says so with 200.
    await expectData(api.POST('/item/{item_id}/tag/{tag_id}', link), 200);

    const item = await expectData(api.GET('/item/{item_id}', { params: { path: { item_id: chair.id } } }), 200);
    expect(item.tags).toEqual([{ id: wood.id, name: 'wood' }]);
    const tagItems = await expectData(anonymous.GET('/tag/{tag_id}/item', { params: { path: { tag_id: wood.id } } }), 200);
    expect(names(tagItems)).toEqual(['Chair']);
    const itemTags = await expectData(anonymous.GET('/item/{item_id}/tag', { params: { path: { item_id: chair.id } } }), 200);
    expect(names(itemTags)).toEqual(['wood']);

    const unlinked = await expectData(api.DELETE('/item/{item_id}/tag/{tag_id}', link), 200);
    expect(unlinked).toMatchObject({ message: 'Item removed from tag', item: { id: chair.id, tags: [] }, tag: { id: wood.id, items: [] } });
    const notLinked = await api.DELETE('/item/{item_id}/tag/{tag_id}', link);
    expect(notLinked.error).toEqual({ code: 404, status: 'Not Found', message: 'Item is not linked to that tag.' });
  });

  it('asks questions through the links (§6): tags_all, tags_any, tags_none, q, bounds, sort, pages', async () => {
    const { api } = await signUp('cy');
    const store = await expectData(api.POST('/store', { body: { name: "Cy's market" } }), 201);
    const tag = async (name: string) =>
      expectData(api.POST('/store/{store_id}/tag', { params: { path: { store_id: store.id } }, body: { name } }), 201);
    const [red, round] = [await tag('red'), await tag('round')];
    const item = async (name: string, price: number, tags: number[]) => {
      const made = await expectData(api.POST('/item', { body: { name, price, store_id: store.id } }), 201);
      const body = { tag_ids: tags };
      await expectData(api.PUT('/item/{item_id}/tag', { params: { path: { item_id: made.id } }, body }), 200);
      return made;
    };
    await item('Apple', 1, [red.id, round.id]);
    await item('Cherry', 5, [red.id]);
    await item('Orange', 2, [round.id]);
    await item('Bread', 3, []);

    const list = (query: ItemQuery) =>
      expectData(anonymous.GET('/item', { params: { query: { store_id: store.id, ...query } } }), 200).then(names);
    expect(await list({ tags_all: `${red.id},${round.id}` })).toEqual(['Apple']);
    expect(await list({ tags_any: `${red.id},${round.id}` })).toEqual(['Apple', 'Cherry', 'Orange']);
    expect(await list({ tags_none: String(red.id) })).toEqual(['Orange', 'Bread']);
    expect(await list({ q: 'RR' })).toEqual(['Cherry']);
    expect(await list({ price_min: 2, price_max: 3 })).toEqual(['Orange', 'Bread']);
    expect(await list({ sort: '-price' })).toEqual(['Cherry', 'Bread', 'Orange', 'Apple']);
    expect(await list({ tags_all: '999' })).toEqual([]);

    const page = await anonymous.GET('/item', { params: { query: { store_id: store.id, page: 2, page_size: 3 } } });
    expect(names(page.data ?? [])).toEqual(['Bread']);
    expect(pagination(page.response)).toEqual({ total: 4, total_pages: 2, first_page: 1, last_page: 2, page: 2, previous_page: 1 });

    const storeItems = await expectData(
      anonymous.GET('/store/{store_id}/item', {
        params: { path: { store_id: store.id }, query: { tags_any: String(round.id), sort: 'name' } },
      }),
      200,
    );
    expect(names(storeItems)).toEqual(['Apple', 'Orange']);
    const tags = await expectData(anonymous.GET('/tag', { params: { query: { store_id: store.id, sort: '-name' } } }), 200);
    expect(names(tags)).toEqual(['round', 'red']);

    const refused = await anonymous.GET('/item', { params: { query: { tags_all: 'red' } } });
    expect(refused.response.status).toBe(422);
    expect(refused.error?.errors).toHaveProperty('query.tags_all');
  });

  it('sets a whole link set in one request, from either end', async () => {
    const { api } = await signUp('dee');
    const store = await expectData(api.POST('/store', { body: { name: "Dee's deli" } }), 201);
    const [a, b, c] = await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        expectData(api.POST('/store/{store_id}/tag', { params: { path: { store_id: store.id } }, body: { name } }), 201),
      ),
    ).then((tags) => tags.sort((x, y) => x.id - y.id));
    const item = await expectData(api.POST('/item', { body: { name: 'Soup', price: 4, store_id: store.id } }), 201);
    const path = { item_id: item.id };
    const set = async (tagIds: number[]) =>
      expectData(api.PUT('/item/{item_id}/tag', { params: { path }, body: { tag_ids: tagIds } }), 200);
    expect(names((await set([a!.id, b!.id])).tags)).toEqual(['a', 'b']);
    expect(names((await set([c!.id, a!.id])).tags)).toEqual(['a', 'c']);

    const missing = await api.PUT('/item/{item_id}/tag', { params: { path }, body: { tag_ids: [a!.id, 999_999] } });
    expect(missing.error).toEqual({ code: 404, status: 'Not Found', message: 'Tag not found.' });
    // All or nothing: the refused set changed nothing.
    expect(names((await expectData(api.GET('/item/{item_id}', { params: { path } }), 200)).tags)).toEqual(['a', 'c']);

    const tag = await expectData(
      api.PUT('/tag/{tag_id}/item', { params: { path: { tag_id: b!.id } }, body: { item_ids: [item.id] } }),
      200,
    );
    expect(names(tag.items)).toEqual(['Soup']);
  });

  it('makes heroes and teams, links them with is_training, filters, and sets a team whole', async () => {
    const { api } = await signUp('eve');
    const admin = clients.client(await server.adminToken());
    const team = async (name: string, headquarters: string) => {
      const { heroes, ...made } = await expectData(api.POST('/teams', { body: { name, headquarters } }), 201);
      expect(heroes).toEqual([]);
      return made;
    };
    const preventers = await team('Preventers', 'Sharp Tower');
    const zForce = await team('Z-Force', "Sister Margaret's Bar");

    const deadpond = await expectData(
      api.POST('/heroes', { body: { name: 'Deadpond', secret_name: 'Dive Wilson', teams: [{ team_id: zForce.id }] } }),
      201,
    );
    expect(deadpond.teams).toEqual([{ ...zForce, is_training: false }]);
    const { teams: rustyTeams, ...rusty } = await expectData(
      api.POST('/heroes', { body: { name: 'Rusty-Man', secret_name: 'Tommy Sharp', age: 48 } }),
      201,
    );
    expect(rustyTeams).toEqual([]);

    const link = { params: { path: { hero_id: rusty.id, team_id: preventers.id } } };
    expect(await expectData(api.POST('/heroes/{hero_id}/teams/{team_id}', { ...link, body: { is_training: true } }), 201)).toEqual({
      hero_id: rusty.id,
      team_id: preventers.id,
      is_training: true,
    });
    const sameLink = { params: { path: { team_id: preventers.id, hero_id: rusty.id } } };
    expect(await expectData(api.GET('/teams/{team_id}/heroes/{hero_id}', sameLink), 200)).toMatchObject({ is_training: true });

    const training = await expectData(anonymous.GET('/heroes', { params: { query: { is_training: true } } }), 200);
    expect(names(training)).toEqual(['Rusty-Man']);
    await expectData(api.PATCH('/heroes/{hero_id}/teams/{team_id}', { ...link, body: { is_training: false } }), 200);
    expect(await expectData(anonymous.GET('/heroes', { params: { query: { is_training: true } } }), 200)).toEqual([]);

    const inPreventers = await expectData(anonymous.GET('/teams/{team_id}/heroes', { params: { path: { team_id: preventers.id } } }), 200);
    expect(inPreventers).toEqual([{ ...rusty, is_training: false }]);
    const both = await expectData(anonymous.GET('/heroes', { params: { query: { teams_any: `${preventers.id},${zForce.id}` } } }), 200);
    expect(names(both)).toEqual(['Deadpond', 'Rusty-Man']);

    // Removing a member takes an admin; adding does not.
    const body = { heroes: [{ hero_id: deadpond.id, is_training: true }] };
    const refused = await api.PUT('/teams/{team_id}/heroes', { params: { path: { team_id: preventers.id } }, body });
    expect(refused.response.status).toBe(403);
    const set = await expectData(admin.PUT('/teams/{team_id}/heroes', { params: { path: { team_id: preventers.id } }, body }), 200);
    const { teams: _teams, ...plainDeadpond } = deadpond;
    expect(set.heroes).toEqual([{ ...plainDeadpond, is_training: true }]);
    const hero = await expectData(
      api.PUT('/heroes/{hero_id}/teams', { params: { path: { hero_id: rusty.id } }, body: { teams: [{ team_id: zForce.id }] } }),
      200,
    );
    expect(hero.teams).toEqual([{ ...zForce, is_training: false }]);
  });

  it("refuses, in the envelope its types describe, what the API refuses: a taken name, bad input, another's store", async () => {
    const owner = await signUp('fay');
    const other = await signUp('gus');
    const store = await expectData(owner.api.POST('/store', { body: { name: "Fay's" } }), 201);

    const taken = await other.api.POST('/store', { body: { name: "Fay's" } });
    expect(taken.error).toEqual({ code: 400, status: 'Bad Request', message: 'A store with that name already exists.' });
    const priceless = await owner.api.POST('/item', { body: { name: 'Thing', price: 'cheap' as unknown as number, store_id: store.id } });
    expect(priceless.response.status).toBe(422);
    expect(priceless.error?.errors).toEqual({ json: { price: [expect.any(String)] } });
    const notYours = await other.api.POST('/store/{store_id}/tag', { params: { path: { store_id: store.id } }, body: { name: 'mine' } });
    expect(notYours.response.status).toBe(403);
    const nothing = await anonymous.GET('/store/{store_id}', { params: { path: { store_id: 999_999 } } });
    expect(nothing.error).toEqual({ code: 404, status: 'Not Found', message: 'Store not found.' });
  });

  it('refreshes the access token, and signs out revoking both tokens', async () => {
    const { tokens } = await signUp('hal');
    const refreshed = await expectData(clients.client(tokens.refresh_token).POST('/refresh'), 200);
    expect(refreshed.access_token).toEqual(expect.any(String));
    // Rotation (a new refresh token) or not, the new access token works, and the old refresh token is spent.
    const rotated = (refreshed as { refresh_token?: string }).refresh_token;
    const api = clients.client(refreshed.access_token);
    await expectData(api.GET('/me'), 200);
    expect((await clients.client(tokens.refresh_token).POST('/refresh')).response.status).toBe(401);

    const current =
      rotated ?? (await expectData(anonymous.POST('/login', { body: { username: 'hal', password: "hal's password" } }), 200)).refresh_token;
    await expectData(api.POST('/logout', { body: { refresh_token: current } }), 200);
    expect((await api.GET('/me')).error).toMatchObject({ code: 401, error: 'token_revoked' });
    expect((await clients.client(current).POST('/refresh')).error).toMatchObject({ code: 401, error: 'token_revoked' });
  });
});
