import { describe, expect, it } from 'vitest';
import { useTestApp, type SignedIn } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';
import { call, makeHero, makeItem, makeStore, makeTag, makeTeam } from '../helpers/requests.js';

/**
 * API.md §3–§5 through the link mechanism: every answer a link, an unlink or a link's PATCH can give,
 * refusals included, runs at most two statements of its own, whatever the checks (existence of both
 * ends, the caller's right to them, the same store), plus the token check every signed-in request makes.
 */
describe.each(BACKENDS)('link operations in two statements, on %s', (backend) => {
  const t = useTestApp(backend);
  let n = 0;
  let other: SignedIn;

  /** Sends the request (as the admin, or `as`), expects `status` and `message`, and answers the statements of its own. */
  async function statements(method: string, url: string, status: number, message?: string, as?: SignedIn, body?: object) {
    const before = t.statements();
    const reply = await call(t.app, method, url, body, as ? { token: as.access } : {});
    expect(reply.status, `${method} ${url} → ${JSON.stringify(reply.body)}`).toBe(status);
    if (message) expect(reply.body.message).toBe(message);
    // Reads are public: only the writes check a token.
    return t.statements() - before - (method === 'GET' ? 0 : 1);
  }

  async function storeWithItemAndTag() {
    const store = await makeStore(t.app, `two statements ${++n}`);
    return { store, item: await makeItem(t.app, store.id, 'item'), tag: await makeTag(t.app, store.id, `tag ${n}`) };
  }

  it('items ↔ tags: link, link again, unlink, unlink again', async () => {
    const { item, tag } = await storeWithItemAndTag();
    const url = `/item/${item.id}/tag/${tag.id}`;
    expect(await statements('POST', url, 201)).toBe(2);
    expect(await statements('POST', url, 200)).toBe(2);
    expect(await statements('DELETE', url, 200, 'Item removed from tag')).toBe(2);
    expect(await statements('DELETE', url, 404, 'Item is not linked to that tag.')).toBe(2);
  });

  it('items ↔ tags: every refusal, in the order a client is told', async () => {
    other ??= await t.signIn(`not the owner ${backend}`);
    const { item, tag } = await storeWithItemAndTag();
    const elsewhere = await storeWithItemAndTag();
    const forbidden = 'Only the owner of that store or an admin may do that.';
    for (const method of ['POST', 'DELETE']) {
      expect(await statements(method, `/item/999999/tag/${tag.id}`, 404, 'Item not found.')).toBe(2);
      expect(await statements(method, `/item/${item.id}/tag/999999`, 404, 'Tag not found.')).toBe(2);
      expect(await statements(method, `/item/${item.id}/tag/${tag.id}`, 403, forbidden, other)).toBe(2);
      // The item's store is checked first: a missing tag behind a forbidden item is still a 403.
      expect(await statements(method, `/item/${item.id}/tag/999999`, 403, forbidden, other)).toBe(2);
    }
    const mine = await call(t.app, 'POST', '/store', { name: `mine ${++n}` }, { token: other.access });
    const myItem = await call(t.app, 'POST', '/item', { name: 'mine', price: 1, store_id: mine.body.id }, { token: other.access });
    // Their own item, someone else's tag: 403 for the tag.
    expect(await statements('POST', `/item/${myItem.body.id}/tag/${tag.id}`, 403, forbidden, other)).toBe(2);
    expect(
      await statements(
        'POST',
        `/item/${item.id}/tag/${elsewhere.tag.id}`,
        400,
        'Make sure item and tag belong to the same store before linking.',
      ),
    ).toBe(2);
    expect(await statements('DELETE', `/item/${item.id}/tag/${elsewhere.tag.id}`, 404, 'Item is not linked to that tag.')).toBe(2);
    const links = await t.database.db.selectFrom('items_tags').selectAll().where('item_id', 'in', [item.id, myItem.body.id]).execute();
    expect(links).toEqual([]);
  });

  it('heroes ↔ teams: a new link, a PATCH and an unlink take one statement; anything else two', async () => {
    const hero = await makeHero(t.app, `Two Statements ${++n}`);
    const team = await makeTeam(t.app, `Two Statements ${n}`);
    const url = `/heroes/${hero.id}/teams/${team.id}`;
    expect(await statements('POST', url, 201, undefined, undefined, { is_training: true })).toBe(1);
    expect(await statements('POST', `/teams/${team.id}/heroes/${hero.id}`, 200)).toBe(2);
    expect(await statements('PATCH', url, 200, undefined, undefined, { is_training: false })).toBe(1);
    expect(await statements('GET', url, 200)).toBe(1);
    expect(await statements('DELETE', url, 200, 'Hero removed from team.')).toBe(1);
    expect(await statements('DELETE', url, 404, 'Hero is not in that team.')).toBe(2);
    expect(await statements('PATCH', url, 404, 'Hero is not in that team.', undefined, { is_training: true })).toBe(2);
    expect(await statements('GET', url, 404, 'Hero is not in that team.')).toBe(2);
    expect(await statements('POST', `/heroes/999999/teams/${team.id}`, 404, 'Hero not found.')).toBe(2);
    expect(await statements('POST', `/heroes/${hero.id}/teams/999999`, 404, 'Team not found.')).toBe(2);
    expect(await statements('PATCH', `/heroes/${hero.id}/teams/999999`, 404, 'Team not found.', undefined, {})).toBe(2);
  });
});
