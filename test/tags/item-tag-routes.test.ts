import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';
import { call, expectStatus, makeItem, makeStore, makeTag } from '../helpers/requests.js';

const SAME_STORE = 'Make sure item and tag belong to the same store before linking.';
const NOT_LINKED = 'Item is not linked to that tag.';

describe.each(BACKENDS)('item ↔ tag links on %s', (backend) => {
  const t = useTestApp(backend);
  let storeCount = 0;
  /** A new store with a name of its own. */
  const newStore = () => makeStore(t.app, `links-store-${++storeCount}`);
  const linkRows = (itemId: number, tagId: number) =>
    t.database.db.selectFrom('items_tags').selectAll().where('item_id', '=', itemId).where('tag_id', '=', tagId).execute();

  /** A store with an item and a tag in it. */
  async function pair(itemName = 'item', tagName = 'tag') {
    const store = await newStore();
    const item = await makeItem(t.app, store.id, itemName, 2);
    const tag = await makeTag(t.app, store.id, tagName);
    return { store, item, tag };
  }

  describe('POST /item/{item_id}/tag/{tag_id}', () => {
    it('links an item and a tag of the same store: 201 with the Tag, shown from both sides', async () => {
      const { store, item, tag } = await pair('linked item', 'linked tag');
      const reply = await call(t.app, 'POST', `/item/${item.id}/tag/${tag.id}`);
      expect(reply.status).toBe(201);
      const expected = {
        id: tag.id,
        name: 'linked tag',
        store: { id: store.id, name: store.name },
        items: [{ id: item.id, name: 'linked item', price: 2 }],
      };
      expect(reply.body).toEqual(expected);
      expect(await expectStatus(t.app, 200, 'GET', `/tag/${tag.id}`)).toEqual(expected);
      expect((await expectStatus(t.app, 200, 'GET', `/item/${item.id}`)).tags).toEqual([{ id: tag.id, name: 'linked tag' }]);
      expect(await linkRows(item.id, tag.id)).toEqual([{ item_id: item.id, tag_id: tag.id, store_id: store.id }]);
    });

    it('answers 200 with the Tag when the link already existed, and keeps a single row', async () => {
      const { item, tag } = await pair();
      const created = await expectStatus(t.app, 201, 'POST', `/item/${item.id}/tag/${tag.id}`);
      for (let i = 0; i < 2; i++) {
        const again = await call(t.app, 'POST', `/item/${item.id}/tag/${tag.id}`);
        expect(again.status).toBe(200);
        expect(again.body).toEqual(created);
      }
      expect(await linkRows(item.id, tag.id)).toHaveLength(1);
      expect((await expectStatus(t.app, 200, 'GET', `/tag/${tag.id}`)).items).toHaveLength(1);
    });

    it('links one item to several tags and one tag to several items', async () => {
      const { store, item, tag } = await pair();
      const item2 = await makeItem(t.app, store.id, 'item 2', 3);
      const tag2 = await makeTag(t.app, store.id, 'tag 2');
      await expectStatus(t.app, 201, 'POST', `/item/${item.id}/tag/${tag2.id}`);
      await expectStatus(t.app, 201, 'POST', `/item/${item.id}/tag/${tag.id}`);
      const body = await expectStatus(t.app, 201, 'POST', `/item/${item2.id}/tag/${tag.id}`);
      expect(body.items).toEqual([
        { id: item.id, name: 'item', price: 2 },
        { id: item2.id, name: 'item 2', price: 3 },
      ]);
      expect((await expectStatus(t.app, 200, 'GET', `/item/${item.id}`)).tags).toEqual([
        { id: tag.id, name: 'tag' },
        { id: tag2.id, name: 'tag 2' },
      ]);
    });

    it('answers 404 when the item or the tag is missing, and makes no row', async () => {
      const { item, tag } = await pair();
      for (const url of [
        `/item/999999/tag/${tag.id}`,
        `/item/${item.id}/tag/999999`,
        '/item/999999/tag/999998',
        `/item/abc/tag/${tag.id}`,
        `/item/${item.id}/tag/0`,
      ]) {
        const reply = await call(t.app, 'POST', url);
        expect(reply.status, url).toBe(404);
        expect(reply.body, url).toMatchObject({ code: 404, status: 'Not Found' });
      }
      const rows = await t.database.db
        .selectFrom('items_tags')
        .selectAll()
        .where((eb) => eb.or([eb('item_id', '=', item.id), eb('tag_id', '=', tag.id)]))
        .execute();
      expect(rows).toEqual([]);
    });

    it('refuses to link an item and a tag of different stores with 400, and makes no row', async () => {
      const a = await pair('item in A', 'tag in A');
      const b = await pair('item in B', 'tag in B');
      for (const [item, tag] of [
        [a.item, b.tag],
        [b.item, a.tag],
      ]) {
        const reply = await call(t.app, 'POST', `/item/${item.id}/tag/${tag.id}`);
        expect(reply.status).toBe(400);
        expect(reply.body).toEqual({ code: 400, status: 'Bad Request', message: SAME_STORE });
        expect(await linkRows(item.id, tag.id)).toEqual([]);
      }
      expect((await expectStatus(t.app, 200, 'GET', `/tag/${b.tag.id}`)).items).toEqual([]);
      expect((await expectStatus(t.app, 200, 'GET', `/item/${a.item.id}`)).tags).toEqual([]);
    });
  });

  describe('DELETE /item/{item_id}/tag/{tag_id}', () => {
    it('unlinks: 200 with the message, the item and the tag as they are after unlinking', async () => {
      const { store, item, tag } = await pair('unlinked item', 'unlinked tag');
      const otherItem = await makeItem(t.app, store.id, 'still linked', 4);
      const otherTag = await makeTag(t.app, store.id, 'still there');
      await expectStatus(t.app, 201, 'POST', `/item/${item.id}/tag/${tag.id}`);
      await expectStatus(t.app, 201, 'POST', `/item/${item.id}/tag/${otherTag.id}`);
      await expectStatus(t.app, 201, 'POST', `/item/${otherItem.id}/tag/${tag.id}`);

      const reply = await call(t.app, 'DELETE', `/item/${item.id}/tag/${tag.id}`);
      expect(reply.status).toBe(200);
      const plainStore = { id: store.id, name: store.name };
      expect(reply.body).toEqual({
        message: 'Item removed from tag',
        item: {
          id: item.id,
          name: 'unlinked item',
          price: 2,
          store: plainStore,
          tags: [{ id: otherTag.id, name: 'still there' }],
        },
        tag: {
          id: tag.id,
          name: 'unlinked tag',
          store: plainStore,
          items: [{ id: otherItem.id, name: 'still linked', price: 4 }],
        },
      });
      expect(await linkRows(item.id, tag.id)).toEqual([]);
      expect(await expectStatus(t.app, 200, 'GET', `/item/${item.id}`)).toEqual(reply.body.item);
      expect(await expectStatus(t.app, 200, 'GET', `/tag/${tag.id}`)).toEqual(reply.body.tag);

      // Linking again works and is new.
      await expectStatus(t.app, 201, 'POST', `/item/${item.id}/tag/${tag.id}`);
    });

    it('answers 404 "Item is not linked to that tag." when they are not linked', async () => {
      const { item, tag } = await pair();
      const notLinked = { code: 404, status: 'Not Found', message: NOT_LINKED };
      expect(await call(t.app, 'DELETE', `/item/${item.id}/tag/${tag.id}`)).toMatchObject({ status: 404, body: notLinked });
      // Nor after an unlink: the second one finds nothing.
      await expectStatus(t.app, 201, 'POST', `/item/${item.id}/tag/${tag.id}`);
      await expectStatus(t.app, 200, 'DELETE', `/item/${item.id}/tag/${tag.id}`);
      expect(await call(t.app, 'DELETE', `/item/${item.id}/tag/${tag.id}`)).toMatchObject({ status: 404, body: notLinked });
      // An item and a tag of different stores are never linked.
      const other = await pair();
      expect(await call(t.app, 'DELETE', `/item/${item.id}/tag/${other.tag.id}`)).toMatchObject({
        status: 404,
        body: notLinked,
      });
    });

    it('answers 404 when the item or the tag is missing', async () => {
      const { item, tag } = await pair();
      await expectStatus(t.app, 201, 'POST', `/item/${item.id}/tag/${tag.id}`);
      for (const url of [`/item/999999/tag/${tag.id}`, `/item/${item.id}/tag/999999`, `/item/${item.id}/tag/abc`]) {
        const reply = await call(t.app, 'DELETE', url);
        expect(reply.status, url).toBe(404);
        expect(reply.body, url).toMatchObject({ code: 404, status: 'Not Found' });
        expect(reply.body.message, url).not.toBe(NOT_LINKED);
      }
      expect(await linkRows(item.id, tag.id)).toHaveLength(1);
    });
  });

  describe('the database itself', () => {
    it('refuses a link row between an item and a tag of different stores', async () => {
      const a = await pair();
      const b = await pair();
      const insert = (storeId: number) =>
        t.database.db.insertInto('items_tags').values({ item_id: a.item.id, tag_id: b.tag.id, store_id: storeId }).execute();
      await expect(insert(a.store.id)).rejects.toThrow();
      await expect(insert(b.store.id)).rejects.toThrow();
      expect(await linkRows(a.item.id, b.tag.id)).toEqual([]);
    });

    it('refuses a duplicate link row, and one naming a missing item or tag', async () => {
      const { store, item, tag } = await pair();
      const insert = (itemId: number, tagId: number) =>
        t.database.db.insertInto('items_tags').values({ item_id: itemId, tag_id: tagId, store_id: store.id }).execute();
      await insert(item.id, tag.id);
      await expect(insert(item.id, tag.id)).rejects.toThrow();
      await expect(insert(999999, tag.id)).rejects.toThrow();
      await expect(insert(item.id, 999999)).rejects.toThrow();
      expect(await linkRows(item.id, tag.id)).toHaveLength(1);
    });
  });

  describe('under concurrent requests', () => {
    it('20 identical link requests at once: one 201, nineteen 200, one row', async () => {
      const { item, tag } = await pair();
      const replies = await Promise.all(
        Array.from({ length: 20 }, () => t.app.inject({ method: 'POST', url: `/item/${item.id}/tag/${tag.id}` })),
      );
      const statuses = replies.map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 200)).toHaveLength(19);
      for (const reply of replies) expect(JSON.parse(reply.body).items).toEqual([{ id: item.id, name: 'item', price: 2 }]);
      expect(await linkRows(item.id, tag.id)).toHaveLength(1);
    });

    it('a link and a tag delete at once: never both succeed, and the database agrees with the answers', async () => {
      const store = await newStore();
      // How long the second request starts after the first: the statements of the two interleave
      // differently for each (with no wait the link reads the tag, the delete runs, then the link's
      // insert meets the foreign key).
      const waits: (() => Promise<unknown>)[] = [
        async () => undefined,
        () => new Promise((resolve) => process.nextTick(resolve)),
        () => new Promise((resolve) => setImmediate(resolve)),
        async () => {
          await new Promise((resolve) => setImmediate(resolve));
          await new Promise((resolve) => process.nextTick(resolve));
        },
        () => new Promise((resolve) => setTimeout(resolve, 0)),
      ];
      const seen = { link: 0, delete: 0 };
      for (let round = 0; round < 40; round++) {
        const item = await makeItem(t.app, store.id, `race item ${round}`);
        const tag = await makeTag(t.app, store.id, `race tag ${round}`);
        const link = () => t.app.inject({ method: 'POST', url: `/item/${item.id}/tag/${tag.id}` });
        const remove = () => t.app.inject({ method: 'DELETE', url: `/tag/${tag.id}` });
        const linkFirst = round % 2 === 0;
        const first = linkFirst ? link() : remove();
        await waits[Math.floor(round / 2) % waits.length]!();
        const second = linkFirst ? remove() : link();
        const [linked, deleted] = linkFirst ? await Promise.all([first, second]) : await Promise.all([second, first]);

        const where = `round ${round}: link ${linked.statusCode} ${linked.body}, delete ${deleted.statusCode} ${deleted.body}`;
        const linkWorked = linked.statusCode === 200 || linked.statusCode === 201;
        const deleteWorked = deleted.statusCode === 202;
        expect([201, 404], where).toContain(linked.statusCode);
        expect([202, 400], where).toContain(deleted.statusCode);
        // Exactly one of them wins: a link to a deleted tag, or a deleted tag that was linked, is impossible.
        expect(linkWorked !== deleteWorked, where).toBe(true);
        if (linkWorked) {
          seen.link++;
          expect(JSON.parse(linked.body), where).toMatchObject({ id: tag.id, items: [{ id: item.id }] });
          expect(JSON.parse(deleted.body), where).toMatchObject({
            code: 400,
            message: 'Could not delete tag. Make sure tag is not associated with any items, then try again.',
          });
        } else {
          seen.delete++;
          expect(JSON.parse(linked.body), where).toMatchObject({ code: 404, status: 'Not Found' });
          expect(JSON.parse(deleted.body), where).toEqual({ message: 'Tag deleted.' });
        }

        // The database agrees: the tag exists iff its delete failed, the link row iff the link succeeded.
        const tagRows = await t.database.db.selectFrom('tags').select('id').where('id', '=', tag.id).execute();
        const rows = await linkRows(item.id, tag.id);
        expect(tagRows.length, where).toBe(deleteWorked ? 0 : 1);
        expect(rows.length, where).toBe(linkWorked ? 1 : 0);
      }
      // Both orders of events happened, so both sides of the race were exercised.
      expect(seen.link, JSON.stringify(seen)).toBeGreaterThan(0);
      expect(seen.delete, JSON.stringify(seen)).toBeGreaterThan(0);
    });
  });
});
