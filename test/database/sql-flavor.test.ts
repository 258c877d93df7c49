import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';
import { expectStatus, makeItem, makeStore, makeTag } from '../helpers/requests.js';

/** Texts and numbers whose JSON takes escaping or care with digits. */
const NAMES = ['quote " and \\ backslash', 'tab\tnew\nline \u0001 \u001f', 'é 中文 😀 </script>', "it's"];
const PRICES = [0.1, 10, 1234567.891, 1e-7, 123456789012.5];

/**
 * The JSON the database writes for a row and the rows nested in it (an item's tags, a tag's items, a
 * store's items and tags; on SQLite written out around the nested arrays) reads back as the values
 * stored, whatever they hold.
 */
describe.each(BACKENDS)('JSON written by %s', (backend) => {
  const t = useTestApp(backend);

  it('holds every text and number as stored, nested or not', async () => {
    const store = await makeStore(t.app, NAMES[0]!);
    const items = [];
    for (const [i, price] of PRICES.entries()) items.push(await makeItem(t.app, store.id, NAMES[i % NAMES.length]!, price));
    const tags = [];
    for (const name of NAMES) tags.push(await makeTag(t.app, store.id, name));
    for (const tag of tags) await expectStatus(t.app, 201, 'POST', `/item/${items[0].id}/tag/${tag.id}`);

    const item = await expectStatus(t.app, 200, 'GET', `/item/${items[0].id}`);
    expect(item).toEqual({
      id: items[0].id,
      name: NAMES[0],
      price: PRICES[0],
      store: { id: store.id, name: NAMES[0] },
      tags: tags.map((tag, i) => ({ id: tag.id, name: NAMES[i] })),
    });
    const tag = await expectStatus(t.app, 200, 'GET', `/tag/${tags[2].id}`);
    expect(tag).toEqual({
      id: tags[2].id,
      name: NAMES[2],
      store: { id: store.id, name: NAMES[0] },
      items: [{ id: items[0].id, name: NAMES[0], price: PRICES[0] }],
    });
    const read = await expectStatus(t.app, 200, 'GET', `/store/${store.id}`);
    expect(read.items.map((i: { price: number; name: string }) => [i.name, i.price])).toEqual(
      PRICES.map((price, i) => [NAMES[i % NAMES.length], price]),
    );
    expect(read.tags.map((i: { name: string }) => i.name)).toEqual(NAMES);
  });
});
