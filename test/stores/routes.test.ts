import { describe, expect, it } from 'vitest';
import { useTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';
import { call, expectStatus, makeItem, makeStore, makeTag, sendRaw } from '../helpers/requests.js';

/** Empties every table, so a test can expect a list to be exactly what it made. */
async function emptyDatabase(t: TestApp) {
  await t.database.db.deleteFrom('items_tags').execute();
  await t.database.db.deleteFrom('stores').execute();
}

const pagination = (headers: Record<string, unknown>) => {
  expect(headers['x-pagination'], 'X-Pagination header').toEqual(expect.any(String));
  return headers['x-pagination'] as string;
};

const unprocessable = (errors: object) => ({ code: 422, status: 'Unprocessable Entity', errors });

describe.each(BACKENDS)('stores on %s', (backend) => {
  const t = useTestApp(backend);

  const storeNamed = (name: string) => t.database.db.selectFrom('stores').selectAll().where('name', '=', name).execute();

  it('creates a store and answers 201 with the Store shape', async () => {
    const store = await makeStore(t.app, 'Main street');
    expect(store).toEqual({ id: expect.any(Number), name: 'Main street', items: [], tags: [] });
    expect(await expectStatus(t.app, 200, 'GET', `/store/${store.id}`)).toEqual(store);
  });

  it('refuses a second store of the same name with 400', async () => {
    await makeStore(t.app, 'Twice');
    const reply = await call(t.app, 'POST', '/store', { name: 'Twice' });
    expect(reply).toMatchObject({
      status: 400,
      body: { code: 400, status: 'Bad Request', message: 'A store with that name already exists.' },
    });
    expect(await storeNamed('Twice')).toHaveLength(1);
  });

  it('shows a store with its items and tags, ordered by id', async () => {
    const store = await makeStore(t.app, 'Nested');
    const b = await makeItem(t.app, store.id, 'b', 2);
    const a = await makeItem(t.app, store.id, 'a', 1);
    const tag = await makeTag(t.app, store.id, 'sale');
    const body = await expectStatus(t.app, 200, 'GET', `/store/${store.id}`);
    expect(body).toEqual({
      id: store.id,
      name: 'Nested',
      items: [
        { id: b.id, name: 'b', price: 2 },
        { id: a.id, name: 'a', price: 1 },
      ],
      tags: [{ id: tag.id, name: 'sale' }],
    });
  });

  it('deletes a store with its items, tags and links', async () => {
    const store = await makeStore(t.app, 'Doomed');
    const item = await makeItem(t.app, store.id, 'thing');
    const tag = await makeTag(t.app, store.id, 'label');
    await expectStatus(t.app, 201, 'POST', `/item/${item.id}/tag/${tag.id}`);
    expect(await expectStatus(t.app, 200, 'DELETE', `/store/${store.id}`)).toEqual({ message: 'Store deleted' });
    await expectStatus(t.app, 404, 'GET', `/store/${store.id}`);
    await expectStatus(t.app, 404, 'GET', `/item/${item.id}`);
    await expectStatus(t.app, 404, 'GET', `/tag/${tag.id}`);
    const links = await t.database.db.selectFrom('items_tags').selectAll().where('store_id', '=', store.id).execute();
    expect(links).toEqual([]);
    await expectStatus(t.app, 404, 'DELETE', `/store/${store.id}`);
  });

  it('deleting a store leaves every other store, item, tag and link alone', async () => {
    const doomed = await makeStore(t.app, 'Doomed too');
    await makeItem(t.app, doomed.id, 'gone');
    await makeTag(t.app, doomed.id, 'gone');
    const kept = await makeStore(t.app, 'Kept');
    const item = await makeItem(t.app, kept.id, 'stays', 3);
    const tag = await makeTag(t.app, kept.id, 'stays');
    await expectStatus(t.app, 201, 'POST', `/item/${item.id}/tag/${tag.id}`);

    await expectStatus(t.app, 200, 'DELETE', `/store/${doomed.id}`);

    expect(await expectStatus(t.app, 200, 'GET', `/store/${kept.id}`)).toEqual({
      id: kept.id,
      name: 'Kept',
      items: [{ id: item.id, name: 'stays', price: 3 }],
      tags: [{ id: tag.id, name: 'stays' }],
    });
    const tagNow = await expectStatus(t.app, 200, 'GET', `/tag/${tag.id}`);
    expect(tagNow.items).toEqual([{ id: item.id, name: 'stays', price: 3 }]);
  });

  it('answers 404 for a store that does not exist or an id that is not a positive integer', async () => {
    for (const id of ['999999', '0', '-1', 'abc', '1.5', '99999999999']) {
      const reply = await call(t.app, 'GET', `/store/${id}`);
      expect(reply.status, id).toBe(404);
      expect(reply.body).toMatchObject({ code: 404, status: 'Not Found' });
      const deleted = await call(t.app, 'DELETE', `/store/${id}`);
      expect(deleted.status, `DELETE ${id}`).toBe(404);
      expect(deleted.body).toMatchObject({ code: 404, status: 'Not Found' });
    }
  });

  describe('under concurrent requests', () => {
    it('creates one store when ten requests ask for the same name at once; the others get 400', async () => {
      const replies = await Promise.all(
        Array.from({ length: 10 }, () => t.app.inject({ method: 'POST', url: '/store', payload: { name: 'Rush' } })),
      );
      const statuses = replies.map((r) => r.statusCode).sort();
      expect(statuses).toEqual([201, ...Array(9).fill(400)]);
      for (const reply of replies.filter((r) => r.statusCode === 400)) {
        expect(JSON.parse(reply.body)).toEqual({
          code: 400,
          status: 'Bad Request',
          message: 'A store with that name already exists.',
        });
      }
      expect(await storeNamed('Rush')).toHaveLength(1);
    });

    it('a store delete racing a link and a tag delete in that store always succeeds and leaves nothing behind', async () => {
      for (let round = 0; round < 15; round++) {
        const store = await makeStore(t.app, `race store ${round}`);
        const item = await makeItem(t.app, store.id, 'item');
        const linkedTag = await makeTag(t.app, store.id, 'linked');
        const freeTag = await makeTag(t.app, store.id, 'free');
        await expectStatus(t.app, 201, 'POST', `/item/${item.id}/tag/${linkedTag.id}`);

        const others = [
          t.app.inject({ method: 'POST', url: `/item/${item.id}/tag/${freeTag.id}` }),
          t.app.inject({ method: 'DELETE', url: `/tag/${linkedTag.id}` }),
        ];
        if (round % 3 === 1) await new Promise((resolve) => setImmediate(resolve));
        if (round % 3 === 2) await new Promise((resolve) => setTimeout(resolve, 1));
        const [deleted, linked, tagDeleted] = await Promise.all([t.app.inject({ method: 'DELETE', url: `/store/${store.id}` }), ...others]);
        const where = `round ${round}: store ${deleted!.statusCode}, link ${linked!.statusCode}, tag ${tagDeleted!.statusCode}`;
        expect(deleted!.statusCode, where).toBe(200);
        expect([201, 404], where).toContain(linked!.statusCode);
        // The tag is linked until the store goes: it is refused, or already gone with its store.
        expect([400, 404], where).toContain(tagDeleted!.statusCode);

        const rows = await t.database.db.selectFrom('items_tags').selectAll().where('store_id', '=', store.id).execute();
        expect(rows, where).toEqual([]);
        const tagRows = await t.database.db.selectFrom('tags').selectAll().where('store_id', '=', store.id).execute();
        expect(tagRows, where).toEqual([]);
        await expectStatus(t.app, 404, 'GET', `/item/${item.id}`);
      }
    });
  });

  describe('POST /store validation', () => {
    it('a missing name → 422 "Missing data for required field."', async () => {
      const expected = unprocessable({ json: { name: ['Missing data for required field.'] } });
      expect(await call(t.app, 'POST', '/store', {})).toEqual({ status: 422, body: expected, headers: expect.anything() });
      // No body at all reads as an empty object.
      expect(await call(t.app, 'POST', '/store')).toMatchObject({ status: 422, body: expected });
    });

    it('refuses unknown fields, including the read-only id, items, tags and store, and creates nothing', async () => {
      const reply = await call(t.app, 'POST', '/store', { name: 'Sneaky', colour: 'red' });
      expect(reply).toMatchObject({ status: 422, body: unprocessable({ json: { colour: ['Unknown field.'] } }) });

      for (const field of ['id', 'items', 'tags', 'store']) {
        const value = field === 'id' ? 12345 : field === 'store' ? { id: 1, name: 'x' } : [];
        const refused = await call(t.app, 'POST', '/store', { name: 'Sneaky', [field]: value });
        expect(refused.status, field).toBe(422);
        expect(refused.body, field).toEqual(unprocessable({ json: { [field]: ['Unknown field.'] } }));
      }
      expect(await storeNamed('Sneaky')).toEqual([]);
      await expectStatus(t.app, 404, 'GET', '/store/12345');
    });

    it('reports every problem of a body at once', async () => {
      const reply = await call(t.app, 'POST', '/store', { id: 3 });
      expect(reply.body).toEqual(unprocessable({ json: { name: ['Missing data for required field.'], id: ['Unknown field.'] } }));
    });

    it('refuses a name that is not a string: number, boolean, object, list or null', async () => {
      const cases: [unknown, string][] = [
        [42, 'Not a valid string.'],
        [true, 'Not a valid string.'],
        [{ first: 'a' }, 'Not a valid string.'],
        [['a'], 'Not a valid string.'],
        [null, 'Field may not be null.'],
      ];
      for (const [name, message] of cases) {
        const reply = await call(t.app, 'POST', '/store', { name });
        expect(reply.status, JSON.stringify(name)).toBe(422);
        expect(reply.body, JSON.stringify(name)).toEqual(unprocessable({ json: { name: [message] } }));
      }
      // A number is not turned into a string: no store "42" was made.
      expect(await storeNamed('42')).toEqual([]);
    });

    it('refuses a body that is not a JSON object with errors.json._schema', async () => {
      for (const text of ['[]', '[{"name":"In a list"}]', '"A string"', 'null', '7', 'true']) {
        const reply = await sendRaw(t.app, 'POST', '/store', text);
        expect(reply.status, text).toBe(422);
        expect(reply.body, text).toEqual(unprocessable({ json: { _schema: [expect.any(String)] } }));
      }
      expect(await storeNamed('In a list')).toEqual([]);
      expect(await storeNamed('A string')).toEqual([]);
    });
  });

  describe('GET /store', () => {
    it('lists nothing on an empty database, with the empty X-Pagination', async () => {
      await emptyDatabase(t);
      const reply = await call(t.app, 'GET', '/store');
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual([]);
      expect(pagination(reply.headers)).toBe('{"total":0,"total_pages":0}');
    });

    it('lists every store ordered by id, each with its items and tags ordered by id, in the Store shape', async () => {
      await emptyDatabase(t);
      // Names in the opposite order of ids, so an order by name would show.
      const zeta = await makeStore(t.app, 'Zeta');
      const alpha = await makeStore(t.app, 'Alpha');
      const empty = await makeStore(t.app, 'Middle');
      const z1 = await makeItem(t.app, zeta.id, 'zz', 9.5);
      const a1 = await makeItem(t.app, alpha.id, 'only', 1);
      const z2 = await makeItem(t.app, zeta.id, 'aa', 0.25);
      const zTag2 = await makeTag(t.app, zeta.id, 'z-tag');
      const zTag1 = await makeTag(t.app, zeta.id, 'a-tag');
      await expectStatus(t.app, 201, 'POST', `/item/${z1.id}/tag/${zTag1.id}`);

      const reply = await call(t.app, 'GET', '/store');
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual([
        {
          id: zeta.id,
          name: 'Zeta',
          items: [
            { id: z1.id, name: 'zz', price: 9.5 },
            { id: z2.id, name: 'aa', price: 0.25 },
          ],
          tags: [
            { id: zTag2.id, name: 'z-tag' },
            { id: zTag1.id, name: 'a-tag' },
          ],
        },
        { id: alpha.id, name: 'Alpha', items: [{ id: a1.id, name: 'only', price: 1 }], tags: [] },
        { id: empty.id, name: 'Middle', items: [], tags: [] },
      ]);
      // Exactly these keys: nothing internal (store_id) leaks into the nested objects.
      for (const store of reply.body) {
        expect(Object.keys(store).sort()).toEqual(['id', 'items', 'name', 'tags']);
        for (const item of store.items) expect(Object.keys(item).sort()).toEqual(['id', 'name', 'price']);
        for (const tag of store.tags) expect(Object.keys(tag).sort()).toEqual(['id', 'name']);
      }
      expect(pagination(reply.headers)).toBe('{"total":3,"total_pages":1,"first_page":1,"last_page":1,"page":1}');
    });

    it('pages with page and page_size, and says so in X-Pagination as flask-smorest does', async () => {
      await emptyDatabase(t);
      const ids: number[] = [];
      for (const name of ['p1', 'p2', 'p3', 'p4', 'p5']) ids.push((await makeStore(t.app, name)).id);

      const pageOf = async (query: string) => {
        const reply = await call(t.app, 'GET', `/store?${query}`);
        expect(reply.status, query).toBe(200);
        return { ids: reply.body.map((s: { id: number }) => s.id), header: pagination(reply.headers) };
      };

      expect(await pageOf('page_size=2')).toEqual({
        ids: ids.slice(0, 2),
        header: '{"total":5,"total_pages":3,"first_page":1,"last_page":3,"page":1,"next_page":2}',
      });
      expect(await pageOf('page=2&page_size=2')).toEqual({
        ids: ids.slice(2, 4),
        header: '{"total":5,"total_pages":3,"first_page":1,"last_page":3,"page":2,"previous_page":1,"next_page":3}',
      });
      expect(await pageOf('page=3&page_size=2')).toEqual({
        ids: ids.slice(4),
        header: '{"total":5,"total_pages":3,"first_page":1,"last_page":3,"page":3,"previous_page":2}',
      });
      // Past the end: an empty page, and no "page" key (nor previous/next) in the header.
      expect(await pageOf('page=4&page_size=2')).toEqual({
        ids: [],
        header: '{"total":5,"total_pages":3,"first_page":1,"last_page":3}',
      });
      expect(await pageOf('page=2147483647&page_size=1000')).toEqual({
        ids: [],
        header: '{"total":5,"total_pages":1,"first_page":1,"last_page":1}',
      });
      expect(await pageOf('page_size=5')).toEqual({
        ids,
        header: '{"total":5,"total_pages":1,"first_page":1,"last_page":1,"page":1}',
      });
      // A page past the end of an empty list says nothing but the totals.
      await emptyDatabase(t);
      expect(await pageOf('page=3')).toEqual({ ids: [], header: '{"total":0,"total_pages":0}' });
    });

    it('pages 100 stores at a time by default, and up to 1000 on request', async () => {
      await emptyDatabase(t);
      const names = Array.from({ length: 101 }, (_, i) => ({ name: `bulk-${String(i).padStart(3, '0')}` }));
      await t.database.db.insertInto('stores').values(names).execute();

      const first = await call(t.app, 'GET', '/store');
      expect(first.status).toBe(200);
      expect(first.body).toHaveLength(100);
      expect(first.body.map((s: { name: string }) => s.name)).toEqual(names.slice(0, 100).map((n) => n.name));
      expect(pagination(first.headers)).toBe('{"total":101,"total_pages":2,"first_page":1,"last_page":2,"page":1,"next_page":2}');

      const second = await call(t.app, 'GET', '/store?page=2');
      expect(second.body.map((s: { name: string }) => s.name)).toEqual(['bulk-100']);
      expect(pagination(second.headers)).toBe('{"total":101,"total_pages":2,"first_page":1,"last_page":2,"page":2,"previous_page":1}');

      const all = await call(t.app, 'GET', '/store?page_size=1000');
      expect(all.status).toBe(200);
      expect(all.body).toHaveLength(101);
      expect(pagination(all.headers)).toBe('{"total":101,"total_pages":1,"first_page":1,"last_page":1,"page":1}');
    });

    it('refuses a bad page or page_size with 422 and errors.query.<field>', async () => {
      const cases: [string, string, string | undefined][] = [
        ['page=0', 'page', undefined],
        ['page=-1', 'page', undefined],
        ['page=abc', 'page', 'Not a valid integer.'],
        ['page=1.5', 'page', 'Not a valid integer.'],
        ['page_size=0', 'page_size', 'Must be greater than or equal to 1 and less than or equal to 1000.'],
        ['page_size=1001', 'page_size', 'Must be greater than or equal to 1 and less than or equal to 1000.'],
        ['page_size=abc', 'page_size', 'Not a valid integer.'],
      ];
      for (const [query, field, message] of cases) {
        const reply = await call(t.app, 'GET', `/store?${query}`);
        expect(reply.status, query).toBe(422);
        expect(reply.body, query).toEqual(unprocessable({ query: { [field]: [message ?? expect.any(String)] } }));
        expect(reply.headers['x-pagination'], query).toBeUndefined();
      }
    });
  });
});
