import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/database/connection.js';
import type { Tables } from '../../src/database/tables.js';
import type { App } from '../../src/http/app-types.js';
import { errorHandling } from '../../src/http/error-handler.js';
import { IdempotencyHeaders, idempotency, KEY_LIFETIME_MS } from '../../src/http/idempotency.js';
import { HttpError } from '../../src/http/http-error.js';
import { rowCount, TEST_SECRET, useTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS, createTestDatabase } from '../helpers/databases.js';
import { startServer } from '../helpers/process.js';
import { makeHero, makeItem, makeStore, makeTag, makeTeam } from '../helpers/requests.js';

interface Sent {
  status: number;
  /** The body exactly as sent. */
  text: string;
  body: any;
  replayed: unknown;
}

/** A request with an `Idempotency-Key` (none when `key` is undefined), as the admin unless `token` says. */
async function send(app: App, method: string, url: string, body: unknown, key?: string, token?: string): Promise<Sent> {
  const headers: Record<string, string> = {};
  if (key !== undefined) headers['idempotency-key'] = key;
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await app.inject({ method: method as 'POST', url, payload: body as object, headers });
  return {
    status: response.statusCode,
    text: response.body,
    body: JSON.parse(response.body),
    replayed: response.headers['idempotent-replayed'],
  };
}

/** The key's row, if the database kept one. */
const keyRows = (t: TestApp, key: string) => t.database.db.selectFrom('idempotency_keys').selectAll().where('key', '=', key).execute();

const headerRefusal = (message: string | RegExp) => ({
  code: 422,
  status: 'Unprocessable Entity',
  errors: { headers: { 'Idempotency-Key': [expect.stringMatching(message)] } },
});

/** A create of API.md's, with what it needs made first (without keys), and the table its row goes to. */
interface CreateCase {
  name: string;
  prepare(t: TestApp, n: string): Promise<{ url: string; body?: object; table: keyof Tables; status?: number }>;
}

const CREATES: CreateCase[] = [
  { name: 'POST /store', prepare: async (_t, n) => ({ url: '/store', body: { name: `store ${n}` }, table: 'stores' }) },
  {
    name: 'POST /item',
    prepare: async (t, n) => {
      const store = await makeStore(t.app, `item's store ${n}`);
      return { url: '/item', body: { name: 'chair', price: '20', store_id: store.id }, table: 'items' };
    },
  },
  {
    name: 'POST /store/{id}/tag',
    prepare: async (t, n) => {
      const store = await makeStore(t.app, `tag's store ${n}`);
      return { url: `/store/${store.id}/tag`, body: { name: 'sale' }, table: 'tags' };
    },
  },
  {
    name: 'POST /heroes (with a team)',
    prepare: async (t, n) => {
      const team = await makeTeam(t.app, `hero's team ${n}`);
      return { url: '/heroes', body: { name: 'Deadpond', secret_name: 'Dive Wilson', teams: [{ team_id: team.id }] }, table: 'hero' };
    },
  },
  {
    name: 'POST /teams',
    prepare: async (_t, n) => ({ url: '/teams', body: { name: `team ${n}`, headquarters: 'Sharp Tower' }, table: 'team' }),
  },
  {
    name: 'POST /register',
    prepare: async (_t, n) => ({ url: '/register', body: { username: `user-${n}`, password: 'a good password' }, table: 'users' }),
  },
  {
    name: 'POST /item/{item_id}/tag/{tag_id}',
    prepare: async (t, n) => {
      const store = await makeStore(t.app, `link's store ${n}`);
      const [item, tag] = [await makeItem(t.app, store.id, 'lamp'), await makeTag(t.app, store.id, 'light')];
      return { url: `/item/${item.id}/tag/${tag.id}`, table: 'items_tags' };
    },
  },
  {
    name: 'POST /heroes/{hero_id}/teams/{team_id}',
    prepare: async (t, n) => {
      const [hero, team] = [await makeHero(t.app, `hero ${n}`), await makeTeam(t.app, `team of ${n}`)];
      return { url: `/heroes/${hero.id}/teams/${team.id}`, body: { is_training: true }, table: 'heroteamlink' };
    },
  },
  {
    name: 'POST /teams/{team_id}/heroes/{hero_id}',
    prepare: async (t, n) => {
      const [hero, team] = [await makeHero(t.app, `hero ${n}`), await makeTeam(t.app, `team of ${n}`)];
      return { url: `/teams/${team.id}/heroes/${hero.id}`, body: {}, table: 'heroteamlink' };
    },
  },
];

describe.each(BACKENDS)('Idempotency-Key on creates, on %s', (backend) => {
  const t = useTestApp(backend);

  describe.each(CREATES)('$name', ({ prepare }) => {
    it('answers a retry with the same key the first answer again, and creates nothing', async () => {
      const { url, body, table } = await prepare(t, randomUUID());
      const key = randomUUID();
      const before = await rowCount(t, table);
      const first = await send(t.app, 'POST', url, body, key);
      expect(first.status, first.text).toBe(201);
      expect(first.replayed).toBeUndefined();
      expect(await rowCount(t, table)).toBe(before + 1);

      const again = await send(t.app, 'POST', url, body, key);
      expect(again).toEqual({ ...first, replayed: 'true' });
      expect(await rowCount(t, table)).toBe(before + 1);
    });

    it('refuses the same key with another request of the route (422) and creates nothing', async () => {
      const first = await prepare(t, randomUUID());
      // Another body (a new name), or another path (new rows to link).
      const other = await prepare(t, randomUUID());
      const key = randomUUID();
      expect((await send(t.app, 'POST', first.url, first.body, key)).status).toBe(201);
      const before = await rowCount(t, other.table);
      const refused = await send(t.app, 'POST', other.url, other.body, key);
      expect(refused).toMatchObject({ status: 422, body: headerRefusal(/another request/) });
      expect(await rowCount(t, other.table)).toBe(before);
    });

    it('without the header, creates as before and keeps no key', async () => {
      const { url, body, table } = await prepare(t, randomUUID());
      const [before, keysBefore] = [await rowCount(t, table), await rowCount(t, 'idempotency_keys')];
      const first = await send(t.app, 'POST', url, body);
      expect(first.status).toBe(201);
      expect(first.replayed).toBeUndefined();
      expect(await rowCount(t, table)).toBe(before + 1);
      expect(await rowCount(t, 'idempotency_keys')).toBe(keysBefore);
    });
  });

  it('refuses the same key with another body of the same route, in the envelope, and creates nothing', async () => {
    const key = randomUUID();
    expect((await send(t.app, 'POST', '/store', { name: `first ${key}` }, key)).status).toBe(201);
    const second = await send(t.app, 'POST', '/store', { name: `second ${key}` }, key);
    expect(second.status).toBe(422);
    expect(second.body).toEqual(
      headerRefusal('This key was used for another request in the last 24 hours; send a new key with a new request.'),
    );
    expect(await t.database.db.selectFrom('stores').select('id').where('name', '=', `second ${key}`).execute()).toEqual([]);
  });

  it('takes the same body with its fields in another order, or a number sent as a numeric string, as the same request', async () => {
    const store = await makeStore(t.app, `order ${randomUUID()}`);
    const key = randomUUID();
    const first = await send(t.app, 'POST', '/item', { name: 'desk', price: 20, store_id: store.id }, key);
    const reordered = await send(t.app, 'POST', '/item', { store_id: store.id, price: '20', name: 'desk' }, key);
    expect(reordered).toEqual({ ...first, replayed: 'true' });
  });

  it('creates exactly once when ten requests with the same key arrive at once; every answer is the same', async () => {
    const key = randomUUID();
    const name = `concurrent ${key}`;
    const answers = await Promise.all(Array.from({ length: 10 }, () => send(t.app, 'POST', '/store', { name }, key)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers.filter((a) => a.replayed === undefined)).toHaveLength(1);
    expect(await t.database.db.selectFrom('stores').select('id').where('name', '=', name).execute()).toHaveLength(1);
  });

  it('creates a hero and its links exactly once under ten concurrent requests with the same key', async () => {
    const team = await makeTeam(t.app, `concurrent team ${randomUUID()}`);
    const key = randomUUID();
    const body = { name: `Racer ${key}`, secret_name: 'R', teams: [{ team_id: team.id, is_training: true }] };
    const answers = await Promise.all(Array.from({ length: 10 }, () => send(t.app, 'POST', '/heroes', body, key)));
    expect(new Set(answers.map((a) => `${a.status} ${a.text}`))).toEqual(new Set([`201 ${answers[0]!.text}`]));
    expect(await t.database.db.selectFrom('hero').select('id').where('name', '=', body.name).execute()).toHaveLength(1);
    expect(await t.database.db.selectFrom('heroteamlink').select('hero_id').where('team_id', '=', team.id).execute()).toHaveLength(1);
  });

  it("keeps one caller's keys apart from another's", async () => {
    const [ana, bob] = [await t.signIn(`ana-${randomUUID()}`), await t.signIn(`bob-${randomUUID()}`)];
    const key = `shared ${randomUUID()}`;
    const anas = { name: `Ana's ${ana.id}` };
    const made = await send(t.app, 'POST', '/store', anas, key, ana.access);
    // The same key is Bob's own: another body is no conflict, it makes Bob's store.
    const bobs = await send(t.app, 'POST', '/store', { name: `Bob's ${bob.id}` }, key, bob.access);
    expect([made.status, bobs.status]).toEqual([201, 201]);
    expect(bobs.body.id).not.toBe(made.body.id);
    // Ana's exact request with Ana's key, sent by Bob, is a request of Bob's: never a replay of her answer.
    const copy = await send(t.app, 'POST', '/store', anas, `copied ${key}`, bob.access);
    await send(t.app, 'POST', '/store', { name: `Ana's other ${ana.id}` }, `copied ${key}`, ana.access);
    const copied = await send(t.app, 'POST', '/store', { name: `Ana's other ${ana.id}` }, `copied ${key}`, bob.access);
    expect(copy).toMatchObject({ status: 400, body: { message: 'A store with that name already exists.' } });
    expect(copied).toMatchObject({ status: 400, replayed: undefined });
    expect(await send(t.app, 'POST', '/store', anas, key, ana.access)).toEqual({ ...made, replayed: 'true' });
  });

  it('holds across instances and restarts: a second app on the same database replays the answer', async () => {
    const key = randomUUID();
    const first = await send(t.app, 'POST', '/teams', { name: `restart ${key}`, headquarters: 'HQ' }, key);
    const database = openDatabase(t.testDatabase.config);
    const second = await buildApp({ database, secret: TEST_SECRET });
    try {
      await second.ready();
      const again = await send(second, 'POST', '/teams', { name: `restart ${key}`, headquarters: 'HQ' }, key, t.admin.access);
      expect(again).toEqual({ ...first, replayed: 'true' });
      expect(await t.database.db.selectFrom('team').select('id').where('name', '=', `restart ${key}`).execute()).toHaveLength(1);
    } finally {
      await second.close();
      await database.close();
    }
  });

  it('keeps no refused request: a 4xx may be sent again with the same key, and then succeed', async () => {
    const name = `taken ${randomUUID()}`;
    const taken = await makeStore(t.app, name);
    const key = randomUUID();
    const refused = await send(t.app, 'POST', '/store', { name }, key);
    expect(refused).toMatchObject({ status: 400, body: { message: 'A store with that name already exists.' } });
    expect(await keyRows(t, key)).toEqual([]);

    await send(t.app, 'DELETE', `/store/${taken.id}`, undefined);
    const retried = await send(t.app, 'POST', '/store', { name }, key);
    expect(retried).toMatchObject({ status: 201, body: { name }, replayed: undefined });
    expect((await send(t.app, 'POST', '/store', { name }, key)).replayed).toBe('true');
  });

  it('refuses concurrent requests with the same key alike when the create is refused, and keeps none', async () => {
    const name = `refused at once ${randomUUID()}`;
    await makeStore(t.app, name);
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 5 }, () => send(t.app, 'POST', '/store', { name }, key)));
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(400));
    expect(await keyRows(t, key)).toEqual([]);
  });

  it('forgets a key after 24 hours: the same request then creates again, and expired keys are purged', async () => {
    const key = randomUUID();
    const body = { name: `yesterday ${key}`, headquarters: 'HQ' };
    const first = await send(t.app, 'POST', '/teams', body, key);
    const other = randomUUID();
    await send(t.app, 'POST', '/teams', { name: `other ${other}`, headquarters: 'HQ' }, other);
    // Both keys were first used a day and a moment ago.
    await t.database.db
      .updateTable('idempotency_keys')
      .set({ created_at: sql`created_at - ${KEY_LIFETIME_MS + 1}` })
      .where('key', 'in', [key, other])
      .execute();

    const again = await send(t.app, 'POST', '/teams', body, key);
    expect(again).toMatchObject({ status: 201, replayed: undefined });
    expect(again.body.id).not.toBe(first.body.id);
    expect(await keyRows(t, other)).toEqual([]);
    expect(await keyRows(t, key)).toHaveLength(1);
    // Renewed: the new answer is the one replayed now.
    expect(await send(t.app, 'POST', '/teams', body, key)).toEqual({ ...again, replayed: 'true' });
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['longer than 255 characters', 'k'.repeat(256)],
    ['not ASCII', 'clé'],
    ['a control character', 'a\tb'],
  ])('refuses a key that is %s (422) and creates nothing', async (_what, key) => {
    const name = `malformed ${randomUUID()}`;
    const answer = await send(t.app, 'POST', '/store', { name }, key);
    expect(answer).toMatchObject({ status: 422, body: headerRefusal('Must be 1 to 255 printable ASCII characters.') });
    expect(await t.database.db.selectFrom('stores').select('id').where('name', '=', name).execute()).toEqual([]);
  });

  it('takes a key of 255 printable characters', async () => {
    const key = `${randomUUID()} ~!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}`.padEnd(255, 'z');
    const name = `long key ${randomUUID()}`;
    expect((await send(t.app, 'POST', '/store', { name }, key)).status).toBe(201);
    expect((await send(t.app, 'POST', '/store', { name }, key)).replayed).toBe('true');
  });

  it('runs exactly the statements it ran before for a create without the header', async () => {
    const counted = async (url: string, body?: object) => {
      const before = t.statements();
      const answer = await send(t.app, 'POST', url, body);
      expect(answer.status, answer.text).toBe(201);
      return { count: t.statements() - before, body: answer.body };
    };
    const n = randomUUID();
    // The token check, the insert, the read-back (and BEGIN/COMMIT where the create is a transaction).
    const store = await counted('/store', { name: `counted ${n}` });
    expect(store.count).toBe(3);
    const item = await counted('/item', { name: 'i', price: 1, store_id: store.body.id });
    expect(item.count).toBe(4); // + the store's owner
    const tag = await counted(`/store/${store.body.id}/tag`, { name: 't' });
    expect(tag.count).toBe(4);
    expect((await counted(`/item/${item.body.id}/tag/${tag.body.id}`)).count).toBe(3); // the checked insert, the tag
    const team = await counted('/teams', { name: `counted ${n}`, headquarters: 'h' });
    expect(team.count).toBe(5);
    const hero = await counted('/heroes', { name: 'H', secret_name: 's', teams: [{ team_id: team.body.id }] });
    expect(hero.count).toBe(6);
    expect((await counted(`/heroes/${(await makeHero(t.app, 'solo')).id}/teams/${team.body.id}`, {})).count).toBe(2);
    // + the sign-in rate limit's count (in the database, so every instance shares it)
    expect((await counted('/register', { username: `counted-${n}`, password: 'a good password' })).count).toBe(2);
  });
});

describe.each(BACKENDS)('the key and the create commit together, on %s', (backend) => {
  const t = useTestApp(backend);

  /** An app of one route that makes a store through `idempotent`, then fails as `fail` says. */
  async function probe(fail: (attempt: number) => Error | undefined) {
    const app = Fastify().withTypeProvider() as unknown as App;
    errorHandling(app);
    const idempotent = idempotency(t.database, TEST_SECRET);
    let attempts = 0;
    app.post('/probe', { schema: { headers: IdempotencyHeaders } }, async (request, reply) =>
      idempotent(request, reply, async (executor) => {
        const { name } = request.body as { name: string };
        const made = await sql<{ id: number }>`INSERT INTO stores (name) VALUES (${name}) RETURNING id`.execute(executor);
        const failure = fail(++attempts);
        if (failure) throw failure;
        return { status: 201, body: made.rows[0] };
      }),
    );
    await app.ready();
    return app;
  }

  it('leaves neither the create nor the key when the request fails after the create, and a retry then makes it once', async () => {
    const failures: Array<Error | undefined> = [new Error('the process died here'), new HttpError(409, 'refused late'), undefined];
    const app = await probe((attempt) => failures[attempt - 1]);
    const key = randomUUID();
    const name = `probe ${key}`;
    const stores = () => t.database.db.selectFrom('stores').select('id').where('name', '=', name).execute();
    try {
      expect((await send(app, 'POST', '/probe', { name }, key)).status).toBe(500);
      expect((await send(app, 'POST', '/probe', { name }, key)).status).toBe(409);
      expect(await keyRows(t, key)).toEqual([]);
      const made = await send(app, 'POST', '/probe', { name }, key);
      expect(made.status).toBe(201);
      expect(await send(app, 'POST', '/probe', { name }, key)).toEqual({ ...made, replayed: 'true' });
    } finally {
      await app.close();
    }
    expect(await stores()).toHaveLength(1);
  });
});

describe.each(BACKENDS)('a process killed (SIGKILL) under keyed creates, on %s', (backend) => {
  it('never leaves a create without its key: retrying every key after a restart makes each row exactly once', async () => {
    const testDatabase = await createTestDatabase(backend);
    const env = { DATABASE_URL: testDatabase.url };
    try {
      const first = await startServer(env);
      const token = await first.adminToken();
      const requests = Array.from({ length: 80 }, (_, i) => ({ key: randomUUID(), body: { name: `crash ${i}`, headquarters: 'HQ' } }));
      const post = (url: string, { key, body }: (typeof requests)[number]) =>
        fetch(`${url}/teams`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
        }).then(async (response) => ({
          status: response.status,
          text: await response.text(),
          replayed: response.headers.get('idempotent-replayed'),
        }));

      // Eight lanes send the creates; the process is killed once a quarter of them are answered, others in flight.
      const answered = new Map<string, { status: number; text: string }>();
      const exited = new Promise((resolve) => first.child.once('exit', resolve));
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < requests.length) {
            const request = requests[next++]!;
            try {
              answered.set(request.key, await post(first.url, request));
            } catch {
              return; // the connection died with the process
            }
            if (answered.size === requests.length / 4) first.child.kill('SIGKILL');
          }
        }),
      );
      await exited;
      expect(answered.size).toBeGreaterThanOrEqual(requests.length / 4);
      expect(answered.size).toBeLessThan(requests.length);

      const second = await startServer(env);
      try {
        for (const request of requests) {
          const retry = await post(second.url, request);
          expect(retry.status, retry.text).toBe(201);
          const before = answered.get(request.key);
          if (before) expect({ status: retry.status, text: retry.text, replayed: retry.replayed }).toEqual({ ...before, replayed: 'true' });
        }
      } finally {
        await second.stop();
      }
      const check = openDatabase(testDatabase.config);
      try {
        const names = await check.db.selectFrom('team').select('name').where('name', 'like', 'crash %').execute();
        expect(names.map((row) => row.name).sort()).toEqual(requests.map((request) => request.body.name).sort());
      } finally {
        await check.close();
      }
    } finally {
      await testDatabase.drop();
    }
  }, 60_000);
});

describe('the API document', () => {
  const t = useTestApp('sqlite');

  it('declares Idempotency-Key on every create, and the 422 it may bring', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const creates = [
      '/store',
      '/item',
      '/store/{store_id}/tag',
      '/heroes',
      '/teams',
      '/register',
      '/item/{item_id}/tag/{tag_id}',
      '/heroes/{hero_id}/teams/{team_id}',
      '/teams/{team_id}/heroes/{hero_id}',
    ];
    for (const path of creates) {
      const operation = doc.paths[path].post;
      const header = operation.parameters.find((p: { in: string; name: string }) => p.in === 'header');
      expect(header, path).toMatchObject({ name: 'Idempotency-Key', required: false, schema: { type: 'string' } });
      expect(header.description ?? header.schema.description, path).toMatch(/24 hours/);
      expect(Object.keys(operation.responses), path).toContain('422');
    }
    const headerParams = Object.entries(doc.paths as Record<string, Record<string, { parameters?: { in: string }[] }>>).flatMap(
      ([path, methods]) =>
        Object.entries(methods)
          .filter(([, operation]) => operation.parameters?.some((p) => p.in === 'header'))
          .map(([method]) => `${method} ${path}`),
    );
    expect(headerParams.sort()).toEqual(creates.map((path) => `post ${path}`).sort());
  });
});
