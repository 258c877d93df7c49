import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';
import { call, expectStatus, makeItem, makeStore, makeTag } from '../helpers/requests.js';

const unprocessable = (errors: object) => ({ code: 422, status: 'Unprocessable Entity', errors });
const TAG_KEYS = ['id', 'items', 'name', 'store'];
const LINKED = 'Could not delete tag. Make sure tag is not associated with any items, then try again.';

describe.each(BACKENDS)('tags on %s', (backend) => {
  const t = useTestApp(backend);
  let storeCount = 0;
  /** A new store with a name of its own. */
  const newStore = () => makeStore(t.app, `tags-store-${++storeCount}`);
  const tagsNamed = (name: string) => t.database.db.selectFrom('tags').selectAll().where('name', '=', name).execute();

  describe('GET /store/{id}/tag', () => {
    it("lists only that store's tags, ordered by id, in the Tag shape", async () => {
      const store = await newStore();
      const other = await newStore();
      const zebra = await makeTag(t.app, store.id, 'zebra');
      const foreign = await makeTag(t.app, other.id, 'foreign');
      const apple = await makeTag(t.app, store.id, 'apple');
      const second = await makeItem(t.app, store.id, 'second', 2);
      const first = await makeItem(t.app, store.id, 'first', 1);
      // Linked in the opposite order of the item ids, so an order by link would show.
      await expectStatus(t.app, 201, 'POST', `/item/${first.id}/tag/${zebra.id}`);
      await expectStatus(t.app, 201, 'POST', `/item/${second.id}/tag/${zebra.id}`);

      const reply = await call(t.app, 'GET', `/store/${store.id}/tag`);
      expect(reply.status).toBe(200);
      const plainStore = { id: store.id, name: store.name };
      expect(reply.body).toEqual([
        {
          id: zebra.id,
          name: 'zebra',
          store: plainStore,
          items: [
            { id: second.id, name: 'second', price: 2 },
            { id: first.id, name: 'first', price: 1 },
          ],
        },
        { id: apple.id, name: 'apple', store: plainStore, items: [] },
      ]);
      for (const tag of reply.body) expect(Object.keys(tag).sort()).toEqual(TAG_KEYS);

      expect(await expectStatus(t.app, 200, 'GET', `/store/${other.id}/tag`)).toEqual([
        { id: foreign.id, name: 'foreign', store: { id: other.id, name: other.name }, items: [] },
      ]);
    });

    it('answers 200 with an empty list for a store without tags', async () => {
      const store = await newStore();
      await makeItem(t.app, store.id, 'untagged');
      const reply = await call(t.app, 'GET', `/store/${store.id}/tag`);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual([]);
    });

    it('answers 404 when the store does not exist', async () => {
      const gone = await newStore();
      await expectStatus(t.app, 200, 'DELETE', `/store/${gone.id}`);
      for (const id of ['999999', String(gone.id), '0', 'abc']) {
        const reply = await call(t.app, 'GET', `/store/${id}/tag`);
        expect(reply.status, id).toBe(404);
        expect(reply.body, id).toMatchObject({ code: 404, status: 'Not Found' });
      }
    });
  });

  describe('POST /store/{id}/tag', () => {
    it('creates a tag and answers 201 with the Tag shape', async () => {
      const store = await newStore();
      const reply = await call(t.app, 'POST', `/store/${store.id}/tag`, { name: 'fresh' });
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({ id: expect.any(Number), name: 'fresh', store: { id: store.id, name: store.name }, items: [] });
      expect(Object.keys(reply.body).sort()).toEqual(TAG_KEYS);
      expect(await expectStatus(t.app, 200, 'GET', `/tag/${reply.body.id}`)).toEqual(reply.body);
      expect((await expectStatus(t.app, 200, 'GET', `/store/${store.id}`)).tags).toEqual([{ id: reply.body.id, name: 'fresh' }]);
    });

    it('refuses a second tag of the same name in the same store with 400', async () => {
      const store = await newStore();
      const first = await makeTag(t.app, store.id, 'twin');
      const reply = await call(t.app, 'POST', `/store/${store.id}/tag`, { name: 'twin' });
      expect(reply.status).toBe(400);
      expect(reply.body).toEqual({
        code: 400,
        status: 'Bad Request',
        message: 'A tag with that name already exists in that store.',
      });
      expect((await expectStatus(t.app, 200, 'GET', `/store/${store.id}/tag`)).map((tag: { id: number }) => tag.id)).toEqual([first.id]);
    });

    it('creates one tag when ten requests ask for the same name in a store at once; the others get 400', async () => {
      const store = await newStore();
      const replies = await Promise.all(
        Array.from({ length: 10 }, () => t.app.inject({ method: 'POST', url: `/store/${store.id}/tag`, payload: { name: 'rushed' } })),
      );
      expect(replies.map((r) => r.statusCode).sort()).toEqual([201, ...Array(9).fill(400)]);
      for (const reply of replies.filter((r) => r.statusCode === 400)) {
        expect(JSON.parse(reply.body).message).toBe('A tag with that name already exists in that store.');
      }
      expect(await tagsNamed('rushed')).toHaveLength(1);
    });

    it('allows the same name in another store', async () => {
      const one = await newStore();
      const two = await newStore();
      const a = await makeTag(t.app, one.id, 'common');
      const b = await makeTag(t.app, two.id, 'common');
      expect(b.id).not.toBe(a.id);
      expect(b.store).toEqual({ id: two.id, name: two.name });
      expect(await tagsNamed('common')).toHaveLength(2);
    });

    it('answers 404 when the store does not exist, and creates nothing', async () => {
      for (const id of ['999999', '0', 'abc']) {
        const reply = await call(t.app, 'POST', `/store/${id}/tag`, { name: 'nowhere' });
        expect(reply.status, id).toBe(404);
        expect(reply.body, id).toMatchObject({ code: 404, status: 'Not Found' });
      }
      expect(await tagsNamed('nowhere')).toEqual([]);
    });

    it('refuses a missing name, a name that is not a string and unknown fields with 422', async () => {
      const store = await newStore();
      const cases: [unknown, object][] = [
        [{}, { name: ['Missing data for required field.'] }],
        [undefined, { name: ['Missing data for required field.'] }],
        [{ name: 3 }, { name: ['Not a valid string.'] }],
        [{ name: null }, { name: ['Field may not be null.'] }],
        [{ name: 'ok', id: 5 }, { id: ['Unknown field.'] }],
        [{ name: 'ok', items: [] }, { items: ['Unknown field.'] }],
        [{ name: 'ok', store: { id: store.id } }, { store: ['Unknown field.'] }],
        [['ok'], { _schema: [expect.any(String)] }],
      ];
      for (const [body, errors] of cases) {
        const reply = await call(t.app, 'POST', `/store/${store.id}/tag`, body);
        expect(reply.status, JSON.stringify(body)).toBe(422);
        expect(reply.body, JSON.stringify(body)).toEqual(unprocessable({ json: errors }));
      }
      expect(await expectStatus(t.app, 200, 'GET', `/store/${store.id}/tag`)).toEqual([]);
    });
  });

  describe('GET /tag/{id}', () => {
    it('shows a tag with its store and items ordered by id', async () => {
      const store = await newStore();
      const tag = await makeTag(t.app, store.id, 'shown');
      const a = await makeItem(t.app, store.id, 'a', 1);
      const b = await makeItem(t.app, store.id, 'b', 2);
      await expectStatus(t.app, 201, 'POST', `/item/${b.id}/tag/${tag.id}`);
      await expectStatus(t.app, 201, 'POST', `/item/${a.id}/tag/${tag.id}`);
      expect(await expectStatus(t.app, 200, 'GET', `/tag/${tag.id}`)).toEqual({
        id: tag.id,
        name: 'shown',
        store: { id: store.id, name: store.name },
        items: [
          { id: a.id, name: 'a', price: 1 },
          { id: b.id, name: 'b', price: 2 },
        ],
      });
    });

    it('answers 404 for a tag that does not exist or an id that is not a positive integer', async () => {
      for (const id of ['999999', '0', '-2', 'abc', '1.5']) {
        const reply = await call(t.app, 'GET', `/tag/${id}`);
        expect(reply.status, id).toBe(404);
        expect(reply.body, id).toMatchObject({ code: 404, status: 'Not Found' });
      }
    });
  });

  describe('DELETE /tag/{id}', () => {
    it('deletes a tag without items: 202 {"message":"Tag deleted."}, then 404', async () => {
      const store = await newStore();
      const doomed = await makeTag(t.app, store.id, 'doomed');
      const kept = await makeTag(t.app, store.id, 'kept');
      const reply = await call(t.app, 'DELETE', `/tag/${doomed.id}`);
      expect(reply.status).toBe(202);
      expect(reply.body).toEqual({ message: 'Tag deleted.' });
      await expectStatus(t.app, 404, 'GET', `/tag/${doomed.id}`);
      expect((await expectStatus(t.app, 200, 'GET', `/store/${store.id}/tag`)).map((tag: { id: number }) => tag.id)).toEqual([kept.id]);
      const again = await call(t.app, 'DELETE', `/tag/${doomed.id}`);
      expect(again.status).toBe(404);
      expect(again.body).toMatchObject({ code: 404, status: 'Not Found' });
      // Its name is free again.
      await makeTag(t.app, store.id, 'doomed');
    });

    it('refuses to delete a tag linked to an item with 400, and keeps the tag and its links', async () => {
      const store = await newStore();
      const tag = await makeTag(t.app, store.id, 'busy');
      const item = await makeItem(t.app, store.id, 'holder', 3);
      await expectStatus(t.app, 201, 'POST', `/item/${item.id}/tag/${tag.id}`);

      const reply = await call(t.app, 'DELETE', `/tag/${tag.id}`);
      expect(reply.status).toBe(400);
      expect(reply.body).toEqual({ code: 400, status: 'Bad Request', message: LINKED });
      expect(await expectStatus(t.app, 200, 'GET', `/tag/${tag.id}`)).toEqual({
        id: tag.id,
        name: 'busy',
        store: { id: store.id, name: store.name },
        items: [{ id: item.id, name: 'holder', price: 3 }],
      });
      expect((await expectStatus(t.app, 200, 'GET', `/item/${item.id}`)).tags).toEqual([{ id: tag.id, name: 'busy' }]);

      // Once unlinked, it can go.
      await expectStatus(t.app, 200, 'DELETE', `/item/${item.id}/tag/${tag.id}`);
      expect(await expectStatus(t.app, 202, 'DELETE', `/tag/${tag.id}`)).toEqual({ message: 'Tag deleted.' });
      expect((await expectStatus(t.app, 200, 'GET', `/item/${item.id}`)).tags).toEqual([]);
    });

    it('answers 404 for a tag that does not exist or an id that is not a positive integer', async () => {
      for (const id of ['999999', '0', 'abc']) {
        const reply = await call(t.app, 'DELETE', `/tag/${id}`);
        expect(reply.status, id).toBe(404);
        expect(reply.body, id).toMatchObject({ code: 404, status: 'Not Found' });
      }
    });
  });
});
