import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';
import { call, expectStatus, makeItem, makeStore, makeTag } from '../helpers/requests.js';

describe.each(BACKENDS)('stores on %s', (backend) => {
  const t = useTestApp(backend);

  it('creates a store and answers 201 with the Store shape', async () => {
    const store = await makeStore(t.app, 'Main street');
    expect(store).toEqual({ id: expect.any(Number), name: 'Main street', items: [], tags: [] });
  });

  it('refuses a second store of the same name with 400', async () => {
    await makeStore(t.app, 'Twice');
    const reply = await call(t.app, 'POST', '/store', { name: 'Twice' });
    expect(reply).toMatchObject({
      status: 400,
      body: { code: 400, status: 'Bad Request', message: 'A store with that name already exists.' },
    });
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
  });

  it('answers 404 for a store that does not exist or an id that is not a positive integer', async () => {
    for (const id of ['999999', '0', '-1', 'abc', '1.5', '99999999999']) {
      const reply = await call(t.app, 'GET', `/store/${id}`);
      expect(reply.status, id).toBe(404);
      expect(reply.body).toMatchObject({ code: 404, status: 'Not Found' });
    }
    await expectStatus(t.app, 404, 'DELETE', '/store/999999');
  });
});
