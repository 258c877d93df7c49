import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';
import { call, makeHero, makeStore, makeTeam } from '../helpers/requests.js';

const REFUSED = 'Must not contain NUL characters or unpaired surrogates.';

/** Text no database stores as given: a NUL character, and unpaired surrogates of both halves. */
const UNSTORABLE = ['nul\u0000inside', '\u0000', 'high\ud800', '\udc00low', 'reversed\udc00\ud800'];

describe.each(BACKENDS)('storable text on %s', (backend) => {
  const t = useTestApp(backend);

  it('every string field of every route refuses unstorable text with 422 and a field message, and stores nothing', async () => {
    const store = await makeStore(t.app, 'Text store');
    const item = (await call(t.app, 'POST', '/item', { name: 'Text item', price: 1, store_id: store.id })).body;
    const hero = await makeHero(t.app, 'Text hero');
    const team = await makeTeam(t.app, 'Text team');
    const bodies: [string, string, Record<string, unknown>][] = [
      ['POST', '/store', { name: 'x' }],
      ['POST', '/item', { name: 'x', price: 1, store_id: store.id }],
      ['PUT', `/item/${item.id}`, { name: 'x' }],
      ['POST', `/store/${store.id}/tag`, { name: 'x' }],
      ['POST', '/heroes', { name: 'x', secret_name: 'y' }],
      ['PATCH', `/heroes/${hero.id}`, { name: 'x', secret_name: 'y' }],
      ['POST', '/teams', { name: 'x', headquarters: 'y' }],
      ['PATCH', `/teams/${team.id}`, { name: 'x', headquarters: 'y' }],
      ['POST', '/register', { username: 'x', password: 'y' }],
      ['POST', '/login', { username: 'x', password: 'y' }],
    ];
    const before = await snapshot();
    for (const [method, url, body] of bodies) {
      for (const field of Object.keys(body).filter((key) => typeof body[key] === 'string')) {
        for (const text of UNSTORABLE) {
          const reply = await call(t.app, method, url, { ...body, [field]: text });
          const label = `${method} ${url} ${field}=${JSON.stringify(text)}`;
          expect(reply.status, label).toBe(422);
          expect(reply.body, label).toEqual({ code: 422, status: 'Unprocessable Entity', errors: { json: { [field]: [REFUSED] } } });
        }
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('stores text with emoji, accents and other scripts exactly as sent', async () => {
    const name = 'Café 😀 東京 \u{1F9D1}\u200D\u{1F4BB}';
    const store = await makeStore(t.app, name);
    expect(store.name).toBe(name);
    expect((await call(t.app, 'GET', `/store/${store.id}`)).body.name).toBe(name);
  });

  /** Every row the text routes could have made or changed. */
  async function snapshot() {
    const { db } = t.database;
    return Promise.all([
      db.selectFrom('stores').selectAll().orderBy('id').execute(),
      db.selectFrom('items').selectAll().orderBy('id').execute(),
      db.selectFrom('tags').selectAll().orderBy('id').execute(),
      db.selectFrom('hero').selectAll().orderBy('id').execute(),
      db.selectFrom('team').selectAll().orderBy('id').execute(),
      db.selectFrom('users').select(['id', 'username']).orderBy('id').execute(),
    ]);
  }
});
