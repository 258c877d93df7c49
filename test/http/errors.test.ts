import { METHODS } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startTestApp, useTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS, type Backend } from '../helpers/databases.js';
import { call, makeStore } from '../helpers/requests.js';

/** The envelope's keys, and nothing else. */
const ENVELOPE_KEYS = ['code', 'errors', 'message', 'status'];

type Answer = { status: number; body: any; headers: Record<string, unknown> };

function expectEnvelope(reply: Answer, code: number, status: string) {
  expect(reply.status).toBe(code);
  expect(String(reply.headers['content-type'])).toMatch(/^application\/json/);
  expect(reply.body).toMatchObject({ code, status });
  for (const key of Object.keys(reply.body)) expect(ENVELOPE_KEYS).toContain(key);
  if ('message' in reply.body) expect(typeof reply.body.message).toBe('string');
}

/** A raw request: a body exactly as given, with its content type. */
async function send(t: TestApp, method: 'POST' | 'PUT', url: string, payload: string | Buffer, contentType: string) {
  const response = await t.app.inject({ method, url, payload, headers: { 'content-type': contentType } });
  return { status: response.statusCode, body: JSON.parse(response.body), headers: response.headers };
}

/** What a server error must never show: stack frames, file paths, SQL or driver words. */
function expectNothingInternal(text: string) {
  expect(text).not.toMatch(/\bat [\w.<>]+ \(|\bat file:|node_modules|\.ts:\d+|\.js:\d+/);
  expect(text).not.toMatch(/\b(select|from|insert|update|delete|where|json_object|json_build_object|items_tags)\b/i);
  expect(text).not.toMatch(/sqlite|postgres|relation|no such table|stack|driver|destroyed|connection/i);
}

/** An app on its own database, for tests that break the database. */
async function withOwnApp(backend: Backend, test: (t: TestApp) => Promise<void>) {
  const t = await startTestApp(backend);
  try {
    await test(t);
  } finally {
    // The test may have closed the database already; the test database is dropped in any case.
    await t.app.close();
    await t.database.close().catch(() => undefined);
    await t.testDatabase.drop();
  }
}

describe.each(BACKENDS)('error envelope on %s', (backend) => {
  const t = useTestApp(backend);

  it('answers an unknown route with 404 in the envelope', async () => {
    for (const [method, url] of [
      ['GET', '/nowhere'],
      ['POST', '/stores'],
      ['GET', '/store/1/items'],
    ] as const) {
      const reply = await call(t.app, method, url);
      expectEnvelope(reply, 404, 'Not Found');
    }
  });

  it('answers a known path with a wrong method with 405 and an Allow header of its methods', async () => {
    const store = await makeStore(t.app, 'Allowed');
    const cases: Array<[string, string, string[], string[]]> = [
      ['PATCH', `/store/${store.id}`, ['GET', 'DELETE'], ['POST', 'PUT', 'PATCH']],
      ['PUT', '/store', ['GET', 'POST'], ['PUT', 'DELETE', 'PATCH']],
      ['DELETE', '/item', ['GET', 'POST'], ['PUT', 'DELETE', 'PATCH']],
      ['POST', '/item/1', ['GET', 'PUT', 'DELETE'], ['POST', 'PATCH']],
      ['PUT', '/tag/1', ['GET', 'DELETE'], ['POST', 'PUT', 'PATCH']],
      ['GET', '/item/1/tag/1', ['POST', 'DELETE'], ['GET', 'PUT', 'PATCH']],
      ['POST', '/health', ['GET'], ['POST', 'PUT', 'DELETE', 'PATCH']],
    ];
    for (const [method, url, allowed, refused] of cases) {
      const reply = await call(t.app, method, url);
      expectEnvelope(reply, 405, 'Method Not Allowed');
      const allow = String(reply.headers.allow ?? '')
        .split(',')
        .map((m) => m.trim());
      for (const m of allowed) expect(allow, `${method} ${url}: Allow ${allow}`).toContain(m);
      for (const m of refused) expect(allow, `${method} ${url}: Allow ${allow}`).not.toContain(m);
    }
    // The wrong method changed nothing.
    expect((await call(t.app, 'GET', `/store/${store.id}`)).status).toBe(200);
  });

  it('answers every other method Node reads (TRACE, SEARCH, PROPFIND, QUERY, …) on a known path with 405 and Allow', async () => {
    const store = await makeStore(t.app, 'Any method');
    const others = METHODS.filter((m) => !['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT'].includes(m));
    expect(others).toEqual(expect.arrayContaining(['TRACE', 'SEARCH', 'PROPFIND', 'QUERY', 'MKCOL', 'LOCK']));
    for (const url of ['/store', `/store/${store.id}`, '/item/1/tag/1', '/heroes/1/teams/1']) {
      for (const method of others) {
        const response = await t.app.inject({ method: method as 'GET', url });
        const reply = { status: response.statusCode, body: response.json(), headers: response.headers };
        expectEnvelope(reply, 405, 'Method Not Allowed');
        expect(String(reply.headers.allow), `${method} ${url}`).toMatch(/^(GET|POST)\b/);
      }
    }
  });

  it('treats a trailing slash as a different route (404)', async () => {
    const store = await makeStore(t.app, 'Slashed');
    for (const url of ['/store/', `/store/${store.id}/`, '/item/', '/health/', `/store/${store.id}/tag/`]) {
      expectEnvelope(await call(t.app, 'GET', url), 404, 'Not Found');
    }
    const created = await call(t.app, 'POST', '/store/', { name: 'Not created' });
    expect(created.status).not.toBe(201);
    expect(created.body).toMatchObject({ code: created.status });
    const all = await call(t.app, 'GET', '/store');
    expect(all.body.map((s: { name: string }) => s.name)).not.toContain('Not created');
  });

  it('answers malformed JSON with exactly the original 400 body', async () => {
    for (const payload of ['{"name": ', '{name: "x"}', "{'name': 'x'}", '{"name": "x",}']) {
      const reply = await send(t, 'POST', '/store', payload, 'application/json');
      expect(reply.status).toBe(400);
      expect(reply.body).toEqual({ code: 400, status: 'Bad Request', errors: { json: ['Invalid JSON body.'] } });
    }
    const put = await send(t, 'PUT', '/item/1', '{"price": 1', 'application/json; charset=utf-8');
    expect(put.body).toEqual({ code: 400, status: 'Bad Request', errors: { json: ['Invalid JSON body.'] } });
  });

  it('answers a JSON body that is not an object with 422 and errors.json._schema', async () => {
    for (const payload of ['[]', '[{"name": "x"}]', '"a store"', '42', 'true', 'null']) {
      const reply = await send(t, 'POST', '/store', payload, 'application/json');
      expectEnvelope(reply, 422, 'Unprocessable Entity');
      expect(Object.keys(reply.body.errors), payload).toEqual(['json']);
      expect(Object.keys(reply.body.errors.json), payload).toEqual(['_schema']);
      expect(reply.body.errors.json._schema, payload).toEqual([expect.any(String)]);
    }
  });

  it('answers a body over 1 MiB with 413 in the envelope, and accepts one just under', async () => {
    const over = JSON.stringify({ name: 'x'.repeat(1024 * 1024) });
    const reply = await send(t, 'POST', '/store', over, 'application/json');
    expectEnvelope(reply, 413, 'Payload Too Large');
    expect(reply.body.message).toEqual(expect.any(String));

    // Just under the limit the body is read and validated (the name is too long: 422, not 413).
    const under = JSON.stringify({ name: 'x'.repeat(1024 * 1024 - 20) });
    expect(Buffer.byteLength(under)).toBeLessThanOrEqual(1024 * 1024);
    expectEnvelope(await send(t, 'POST', '/store', under, 'application/json'), 422, 'Unprocessable Entity');
  });

  it('answers a body of any type but JSON with 415 in the envelope, text/plain included, and creates nothing', async () => {
    for (const [payload, type] of [
      ['name=Form', 'application/x-www-form-urlencoded'],
      ['<store><name>Xml</name></store>', 'application/xml'],
      ['{"name": "Plain"}', 'text/plain'],
      ['{"name": "Patch"}', 'application/merge-patch+json'],
      ['{"name": "Typeless"}', ''],
    ] as const) {
      const response = await t.app.inject({ method: 'POST', url: '/store', payload, headers: type ? { 'content-type': type } : {} });
      const reply = { status: response.statusCode, body: response.json(), headers: response.headers };
      expectEnvelope(reply, 415, 'Unsupported Media Type');
    }
    const names = (await call(t.app, 'GET', '/store')).body.map((s: { name: string }) => s.name);
    for (const name of ['Form', 'Xml', 'Plain', 'Patch', 'Typeless']) expect(names).not.toContain(name);
    // The media type is case-insensitive, and its parameters do not matter.
    for (const type of ['APPLICATION/JSON', 'application/json; charset=utf-8']) {
      const reply = await send(t, 'POST', '/store', JSON.stringify({ name: `Typed ${type}` }), type);
      expect(reply.status, type).toBe(201);
    }
  });

  it('answers GET /health with 200 {"status":"ok"} while the database answers', async () => {
    const reply = await call(t.app, 'GET', '/health');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'ok' });
  });

  it('answers 500 in the envelope, without a stack trace or SQL, when a query fails', async () => {
    await withOwnApp(backend, async (own) => {
      const store = await makeStore(own.app, 'Broken');
      await own.database.db.schema.dropTable('items_tags').execute();
      for (const url of ['/item', `/store/${store.id}/tag`, '/tag/1', '/item/1']) {
        const response = await own.app.inject({ method: 'GET', url });
        expect(response.statusCode, url).toBe(500);
        const body = JSON.parse(response.body);
        expect(body).toEqual({ code: 500, status: 'Internal Server Error', message: expect.any(String) });
        expectNothingInternal(response.body);
      }
      // Routes that do not need the dropped table still work.
      expect((await call(own.app, 'GET', `/store/${store.id}`)).status).toBe(200);
    });
  });

  it('answers 500 without internals, and /health 503 in the envelope, when the database is closed', async () => {
    await withOwnApp(backend, async (own) => {
      expect((await call(own.app, 'GET', '/health')).status).toBe(200);
      await own.database.close();

      const health = await own.app.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(503);
      expect(JSON.parse(health.body)).toEqual({
        code: 503,
        status: 'Service Unavailable',
        message: expect.any(String),
      });
      expectNothingInternal(health.body);

      for (const [method, url, payload] of [
        ['GET', '/store/1', undefined],
        ['GET', '/store', undefined],
        ['POST', '/store', { name: 'Nowhere' }],
      ] as const) {
        const response = await own.app.inject({ method, url, payload });
        expect(response.statusCode, `${method} ${url}`).toBe(500);
        expect(JSON.parse(response.body)).toEqual({
          code: 500,
          status: 'Internal Server Error',
          message: expect.any(String),
        });
        expectNothingInternal(response.body);
      }
    });
  });
});
