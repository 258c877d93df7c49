import { describe, expect, it } from 'vitest';
import { rowCount, useTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';
import { call, expectStatus, makeItem, makeStore, makeTag, sendRaw } from '../helpers/requests.js';

/** Empties every table, so a test can expect a list to be exactly what it made. */
async function emptyDatabase(t: TestApp) {
  await t.database.db.deleteFrom('items_tags').execute();
  await t.database.db.deleteFrom('stores').execute();
}

const unprocessable = (errors: object) => ({ code: 422, status: 'Unprocessable Entity', errors });
const ITEM_KEYS = ['id', 'name', 'price', 'store', 'tags'];

describe.each(BACKENDS)('items on %s', (backend) => {
  const t = useTestApp(backend);
  let storeCount = 0;
  /** A new store with a name of its own. */
  const newStore = () => makeStore(t.app, `items-store-${++storeCount}`);
  const countItems = () => rowCount(t, 'items');

  describe('POST /item', () => {
    it('creates an item and answers 201 with the Item shape, never echoing store_id', async () => {
      const store = await newStore();
      const reply = await call(t.app, 'POST', '/item', { name: 'Chair', price: 15.99, store_id: store.id });
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({
        id: expect.any(Number),
        name: 'Chair',
        price: 15.99,
        store: { id: store.id, name: store.name },
        tags: [],
      });
      expect(Object.keys(reply.body).sort()).toEqual(ITEM_KEYS);
      expect(Object.keys(reply.body.store).sort()).toEqual(['id', 'name']);
      expect(await expectStatus(t.app, 200, 'GET', `/item/${reply.body.id}`)).toEqual(reply.body);
      // The store lists it.
      const shown = await expectStatus(t.app, 200, 'GET', `/store/${store.id}`);
      expect(shown.items).toEqual([{ id: reply.body.id, name: 'Chair', price: 15.99 }]);
    });

    it('accepts numeric strings for price and store_id ("20" → 20)', async () => {
      const store = await newStore();
      const reply = await call(t.app, 'POST', '/item', { name: 'Lamp', price: '20', store_id: String(store.id) });
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({ name: 'Lamp', price: 20, store: { id: store.id } });
      expect(typeof reply.body.price).toBe('number');
      const decimal = await call(t.app, 'POST', '/item', { name: 'Bulb', price: '9.99', store_id: store.id });
      expect(decimal.body).toMatchObject({ price: 9.99 });
    });

    it('requires name, price and store_id, and says which are missing', async () => {
      const store = await newStore();
      const full = { name: 'Desk', price: 50, store_id: store.id };
      const missing = ['Missing data for required field.'];
      expect((await call(t.app, 'POST', '/item', {})).body).toEqual(
        unprocessable({ json: { name: missing, price: missing, store_id: missing } }),
      );
      for (const field of ['name', 'price', 'store_id'] as const) {
        const body: Record<string, unknown> = { ...full };
        delete body[field];
        const reply = await call(t.app, 'POST', '/item', body);
        expect(reply.status, field).toBe(422);
        expect(reply.body, field).toEqual(unprocessable({ json: { [field]: missing } }));
      }
      expect((await expectStatus(t.app, 200, 'GET', `/store/${store.id}`)).items).toEqual([]);
    });

    it('refuses values of the wrong type', async () => {
      const store = await newStore();
      const cases: [Record<string, unknown>, string, string][] = [
        [{ name: 123 }, 'name', 'Not a valid string.'],
        [{ name: false }, 'name', 'Not a valid string.'],
        [{ name: { a: 1 } }, 'name', 'Not a valid string.'],
        [{ name: null }, 'name', 'Field may not be null.'],
        [{ price: 'cheap' }, 'price', 'Not a valid number.'],
        [{ price: true }, 'price', 'Not a valid number.'],
        [{ price: null }, 'price', 'Field may not be null.'],
        [{ store_id: 'abc' }, 'store_id', 'Not a valid integer.'],
        [{ store_id: 1.5 }, 'store_id', 'Not a valid integer.'],
      ];
      for (const [override, field, message] of cases) {
        const body = { name: 'Typed', price: 1, store_id: store.id, ...override };
        const reply = await call(t.app, 'POST', '/item', body);
        expect(reply.status, JSON.stringify(override)).toBe(422);
        expect(reply.body, JSON.stringify(override)).toEqual(unprocessable({ json: { [field]: [message] } }));
      }
      expect((await expectStatus(t.app, 200, 'GET', `/store/${store.id}`)).items).toEqual([]);
    });

    it('refuses unknown and read-only fields', async () => {
      const store = await newStore();
      for (const [field, value] of [
        ['id', 4242],
        ['tags', []],
        ['store', { id: store.id, name: store.name }],
        ['colour', 'red'],
      ] as const) {
        const reply = await call(t.app, 'POST', '/item', { name: 'Extra', price: 1, store_id: store.id, [field]: value });
        expect(reply.status, field).toBe(422);
        expect(reply.body, field).toEqual(unprocessable({ json: { [field]: ['Unknown field.'] } }));
      }
      expect((await expectStatus(t.app, 200, 'GET', `/store/${store.id}`)).items).toEqual([]);
    });

    it('refuses a body that is not a JSON object with errors.json._schema', async () => {
      for (const text of ['[]', '"Chair"', 'null', '12']) {
        const reply = await sendRaw(t.app, 'POST', '/item', text);
        expect(reply.status, text).toBe(422);
        expect(reply.body, text).toEqual(unprocessable({ json: { _schema: [expect.any(String)] } }));
      }
    });

    it('answers 404 "Store not found." when store_id names no store, and creates nothing', async () => {
      const before = await countItems();
      const reply = await call(t.app, 'POST', '/item', { name: 'Orphan', price: 1, store_id: 999999 });
      expect(reply.status).toBe(404);
      expect(reply.body).toEqual({ code: 404, status: 'Not Found', message: 'Store not found.' });
      // A store that existed once is no better.
      const gone = await newStore();
      await expectStatus(t.app, 200, 'DELETE', `/store/${gone.id}`);
      const late = await call(t.app, 'POST', '/item', { name: 'Orphan', price: 1, store_id: gone.id });
      expect(late.body).toEqual({ code: 404, status: 'Not Found', message: 'Store not found.' });
      expect(await countItems()).toBe(before);
    });
  });

  describe('GET /item', () => {
    it('lists every item ordered by id in the Item shape, tags ordered by id', async () => {
      await emptyDatabase(t);
      let reply = await call(t.app, 'GET', '/item');
      expect(reply).toMatchObject({ status: 200, body: [] });
      expect(reply.headers['x-pagination']).toBe('{"total":0,"total_pages":0}');

      const s1 = await newStore();
      const s2 = await newStore();
      const x = await makeItem(t.app, s2.id, 'x', 2);
      const y = await makeItem(t.app, s1.id, 'y', 3);
      const w = await makeItem(t.app, s2.id, 'w', 4);
      const tagB = await makeTag(t.app, s2.id, 'b');
      const tagA = await makeTag(t.app, s2.id, 'a');
      // Linked in the opposite order of the tag ids, so an order by link would show.
      await expectStatus(t.app, 201, 'POST', `/item/${x.id}/tag/${tagA.id}`);
      await expectStatus(t.app, 201, 'POST', `/item/${x.id}/tag/${tagB.id}`);

      reply = await call(t.app, 'GET', '/item');
      expect(reply.status).toBe(200);
      const plainS1 = { id: s1.id, name: s1.name };
      const plainS2 = { id: s2.id, name: s2.name };
      expect(reply.body).toEqual([
        {
          id: x.id,
          name: 'x',
          price: 2,
          store: plainS2,
          tags: [
            { id: tagB.id, name: 'b' },
            { id: tagA.id, name: 'a' },
          ],
        },
        { id: y.id, name: 'y', price: 3, store: plainS1, tags: [] },
        { id: w.id, name: 'w', price: 4, store: plainS2, tags: [] },
      ]);
      for (const item of reply.body) expect(Object.keys(item).sort()).toEqual(ITEM_KEYS);
      expect(reply.headers['x-pagination']).toBe('{"total":3,"total_pages":1,"first_page":1,"last_page":1,"page":1}');
    });

    it('pages with page and page_size and the X-Pagination header', async () => {
      await emptyDatabase(t);
      const store = await newStore();
      const ids: number[] = [];
      for (const name of ['i1', 'i2', 'i3']) ids.push((await makeItem(t.app, store.id, name)).id);

      const pages = [
        ['page_size=2', ids.slice(0, 2), '{"total":3,"total_pages":2,"first_page":1,"last_page":2,"page":1,"next_page":2}'],
        ['page=2&page_size=2', ids.slice(2), '{"total":3,"total_pages":2,"first_page":1,"last_page":2,"page":2,"previous_page":1}'],
        ['page=3&page_size=2', [], '{"total":3,"total_pages":2,"first_page":1,"last_page":2}'],
        [
          'page=2&page_size=1',
          ids.slice(1, 2),
          '{"total":3,"total_pages":3,"first_page":1,"last_page":3,"page":2,"previous_page":1,"next_page":3}',
        ],
      ] as const;
      for (const [query, expectedIds, header] of pages) {
        const reply = await call(t.app, 'GET', `/item?${query}`);
        expect(reply.status, query).toBe(200);
        expect(
          reply.body.map((i: { id: number }) => i.id),
          query,
        ).toEqual(expectedIds);
        expect(reply.headers['x-pagination'], query).toBe(header);
      }

      for (const [query, field] of [
        ['page=0', 'page'],
        ['page=abc', 'page'],
        ['page_size=1001', 'page_size'],
        ['page_size=0', 'page_size'],
      ] as const) {
        const reply = await call(t.app, 'GET', `/item?${query}`);
        expect(reply.status, query).toBe(422);
        expect(reply.body, query).toEqual(unprocessable({ query: { [field]: [expect.any(String)] } }));
      }
    });
  });

  describe('GET /item/{id}', () => {
    it('shows an item with its store and tags', async () => {
      const store = await newStore();
      const item = await makeItem(t.app, store.id, 'Shown', 7.25);
      const tag = await makeTag(t.app, store.id, 'shown-tag');
      await expectStatus(t.app, 201, 'POST', `/item/${item.id}/tag/${tag.id}`);
      expect(await expectStatus(t.app, 200, 'GET', `/item/${item.id}`)).toEqual({
        id: item.id,
        name: 'Shown',
        price: 7.25,
        store: { id: store.id, name: store.name },
        tags: [{ id: tag.id, name: 'shown-tag' }],
      });
    });

    it('answers 404 for an item that does not exist or an id that is not a positive integer', async () => {
      for (const id of ['999999', '0', '-3', 'abc', '2.5', '99999999999']) {
        const reply = await call(t.app, 'GET', `/item/${id}`);
        expect(reply.status, id).toBe(404);
        expect(reply.body, id).toMatchObject({ code: 404, status: 'Not Found' });
      }
    });
  });

  describe('PUT /item/{id}', () => {
    it('changes only the given fields: the name alone, the price alone, or both', async () => {
      const store = await newStore();
      const item = await makeItem(t.app, store.id, 'Original', 10);
      const other = await makeItem(t.app, store.id, 'Bystander', 5);
      const base = { id: item.id, store: { id: store.id, name: store.name }, tags: [] };

      let body = await expectStatus(t.app, 200, 'PUT', `/item/${item.id}`, { name: 'Renamed' });
      expect(body).toEqual({ ...base, name: 'Renamed', price: 10 });
      expect(await expectStatus(t.app, 200, 'GET', `/item/${item.id}`)).toEqual(body);

      body = await expectStatus(t.app, 200, 'PUT', `/item/${item.id}`, { price: 12.5 });
      expect(body).toEqual({ ...base, name: 'Renamed', price: 12.5 });

      body = await expectStatus(t.app, 200, 'PUT', `/item/${item.id}`, { name: 'Both', price: '3' });
      expect(body).toEqual({ ...base, name: 'Both', price: 3 });
      expect(await expectStatus(t.app, 200, 'GET', `/item/${item.id}`)).toEqual(body);

      // A price of 0 is a price, not "no price".
      body = await expectStatus(t.app, 200, 'PUT', `/item/${item.id}`, { price: 0 });
      expect(body).toEqual({ ...base, name: 'Both', price: 0 });

      expect(await expectStatus(t.app, 200, 'GET', `/item/${other.id}`)).toMatchObject({ name: 'Bystander', price: 5 });
    });

    it('changes nothing for an empty body (or none) and answers the item', async () => {
      const store = await newStore();
      const item = await makeItem(t.app, store.id, 'Steady', 4);
      expect(await expectStatus(t.app, 200, 'PUT', `/item/${item.id}`, {})).toEqual(item);
      expect(await expectStatus(t.app, 200, 'PUT', `/item/${item.id}`)).toEqual(item);
      expect(await expectStatus(t.app, 200, 'GET', `/item/${item.id}`)).toEqual(item);
    });

    it('keeps the item in its store and its tags', async () => {
      const store = await newStore();
      const item = await makeItem(t.app, store.id, 'Tagged', 1);
      const tag = await makeTag(t.app, store.id, 'keep');
      await expectStatus(t.app, 201, 'POST', `/item/${item.id}/tag/${tag.id}`);
      const body = await expectStatus(t.app, 200, 'PUT', `/item/${item.id}`, { name: 'Tagged again' });
      expect(body.tags).toEqual([{ id: tag.id, name: 'keep' }]);
      expect(body.store).toEqual({ id: store.id, name: store.name });
      // The tag shows the new name.
      expect((await expectStatus(t.app, 200, 'GET', `/tag/${tag.id}`)).items).toEqual([{ id: item.id, name: 'Tagged again', price: 1 }]);
    });

    it('refuses store_id and other unknown fields with 422 "Unknown field." and changes nothing', async () => {
      const store = await newStore();
      const elsewhere = await newStore();
      const item = await makeItem(t.app, store.id, 'Stays put', 2);
      for (const extra of [{ store_id: elsewhere.id }, { id: 777777 }, { tags: [] }, { store: { id: elsewhere.id } }]) {
        const [field] = Object.keys(extra);
        const reply = await call(t.app, 'PUT', `/item/${item.id}`, { name: 'Moved', ...extra });
        expect(reply.status, field).toBe(422);
        expect(reply.body, field).toEqual(unprocessable({ json: { [field!]: ['Unknown field.'] } }));
      }
      expect(await expectStatus(t.app, 200, 'GET', `/item/${item.id}`)).toEqual(item);
      expect((await expectStatus(t.app, 200, 'GET', `/store/${elsewhere.id}`)).items).toEqual([]);
    });

    it('refuses null and wrong types with 422 and changes nothing', async () => {
      const store = await newStore();
      const item = await makeItem(t.app, store.id, 'Unchanged', 6);
      const cases: [Record<string, unknown>, string, string][] = [
        [{ price: null }, 'price', 'Field may not be null.'],
        [{ name: null }, 'name', 'Field may not be null.'],
        [{ name: 5 }, 'name', 'Not a valid string.'],
        [{ price: 'lots' }, 'price', 'Not a valid number.'],
      ];
      for (const [body, field, message] of cases) {
        const reply = await call(t.app, 'PUT', `/item/${item.id}`, { ...body });
        expect(reply.status, JSON.stringify(body)).toBe(422);
        expect(reply.body, JSON.stringify(body)).toEqual(unprocessable({ json: { [field]: [message] } }));
      }
      // A valid field next to an invalid one is not applied either.
      expect((await call(t.app, 'PUT', `/item/${item.id}`, { name: 'Half', price: null })).status).toBe(422);
      const notObject = await sendRaw(t.app, 'PUT', `/item/${item.id}`, '["name"]');
      expect(notObject.body).toEqual(unprocessable({ json: { _schema: [expect.any(String)] } }));
      expect(await expectStatus(t.app, 200, 'GET', `/item/${item.id}`)).toEqual(item);
    });

    it('answers 404 for an unknown id and creates nothing', async () => {
      const before = await countItems();
      for (const id of ['999999', '0', 'abc']) {
        const reply = await call(t.app, 'PUT', `/item/${id}`, { name: 'Ghost', price: 1 });
        expect(reply.status, id).toBe(404);
        expect(reply.body, id).toMatchObject({ code: 404, status: 'Not Found' });
      }
      expect(await countItems()).toBe(before);
      await expectStatus(t.app, 404, 'GET', '/item/999999');
      const ghosts = await t.database.db.selectFrom('items').selectAll().where('name', '=', 'Ghost').execute();
      expect(ghosts).toEqual([]);
    });
  });

  describe('DELETE /item/{id}', () => {
    it('deletes the item and its links, and answers 404 afterwards', async () => {
      const store = await newStore();
      const doomed = await makeItem(t.app, store.id, 'Doomed', 1);
      const kept = await makeItem(t.app, store.id, 'Kept', 2);
      const tag = await makeTag(t.app, store.id, 'shared');
      await expectStatus(t.app, 201, 'POST', `/item/${doomed.id}/tag/${tag.id}`);
      await expectStatus(t.app, 201, 'POST', `/item/${kept.id}/tag/${tag.id}`);

      const reply = await call(t.app, 'DELETE', `/item/${doomed.id}`);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ message: 'Item deleted.' });

      await expectStatus(t.app, 404, 'GET', `/item/${doomed.id}`);
      // The tag no longer lists it, but still lists the other item.
      expect((await expectStatus(t.app, 200, 'GET', `/tag/${tag.id}`)).items).toEqual([{ id: kept.id, name: 'Kept', price: 2 }]);
      expect((await expectStatus(t.app, 200, 'GET', `/store/${store.id}`)).items).toEqual([{ id: kept.id, name: 'Kept', price: 2 }]);
      const links = await t.database.db.selectFrom('items_tags').selectAll().where('item_id', '=', doomed.id).execute();
      expect(links).toEqual([]);

      const again = await call(t.app, 'DELETE', `/item/${doomed.id}`);
      expect(again.status).toBe(404);
      expect(again.body).toMatchObject({ code: 404, status: 'Not Found' });
    });

    it('answers 404 for an item that does not exist or an id that is not a positive integer', async () => {
      for (const id of ['999999', '0', 'abc']) {
        const reply = await call(t.app, 'DELETE', `/item/${id}`);
        expect(reply.status, id).toBe(404);
        expect(reply.body, id).toMatchObject({ code: 404, status: 'Not Found' });
      }
    });
  });
});
