import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_ANSWERS } from '../../src/http/error-responses.js';
import { startTestApp, stopTestApp, useTestApp } from '../helpers/app.js';
import { ROOT, startServer } from '../helpers/process.js';
import { call, makeHero, makeItem, makeStore, makeTag, makeTeam } from '../helpers/requests.js';

type Json = Record<string, any>;
interface Operation {
  operationId?: string;
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Json }> };
  responses: Record<string, { description: string; headers?: Record<string, Json>; content?: Record<string, { schema: Json }> }>;
}
interface Document {
  info: Json;
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
}

const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
const COMPONENTS = '#/components/schemas/';

const operationsOf = (doc: Document) =>
  Object.entries(doc.paths).flatMap(([route, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${route}`, method, route, operation })),
  );

const componentOf = (doc: Document, schema: Json) => doc.components.schemas[String(schema.$ref).slice(COMPONENTS.length)]!;

describe('the API document, linted as a code generator would read it', () => {
  let document: string;
  let directory: string;
  beforeAll(async () => {
    // The document a running service serves, as `npx @redocly/cli lint` would be given it.
    const server = await startServer({ DATABASE_URL: 'sqlite::memory:' });
    try {
      document = await (await fetch(`${server.url}/openapi.json`)).text();
    } finally {
      await server.stop();
    }
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'junction-openapi-'));
  });
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it("has no error under redocly's recommended rules, and only the health checks' warning that they answer no 4xx", async () => {
    const file = path.join(directory, 'openapi.json');
    fs.writeFileSync(file, document);
    const redocly = path.join(ROOT, 'node_modules', '.bin', 'redocly');
    const { stdout } = await promisify(execFile)(redocly, ['lint', file, '--extends=recommended', '--format=json'], {
      cwd: directory,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    const report = JSON.parse(stdout) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; location: { pointer: string }[] }[];
    };
    expect(report.totals.errors, JSON.stringify(report.problems, null, 1)).toBe(0);
    const warnings = report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}`).sort();
    expect(warnings).toEqual(
      ['/health', '/health~1live', '/health~1ready'].map((route) => `operation-4xx-response #/paths/~1${route.slice(1)}/get/responses`),
    );
  }, 60_000);
});

describe('the API document', () => {
  const t = useTestApp('sqlite');
  let doc: Document;
  beforeAll(async () => {
    doc = (await call(t.app, 'GET', '/openapi.json')).body;
  });

  it("carries the package's version and license", () => {
    expect(doc.info.version).toBe(PACKAGE.version);
    expect(doc.info.license).toEqual({ name: 'MIT', identifier: 'MIT' });
  });

  it('names every operation once, with a stable name of what it does', () => {
    const ids = operationsOf(doc).map(({ name, operation }) => {
      expect(operation.operationId, name).toMatch(/^[a-z]+[A-Z][A-Za-z]*$|^[a-z]+$/);
      return operation.operationId;
    });
    expect(new Set(ids).size).toBe(ids.length);
    const id = (method: string, route: string) => doc.paths[route]![method]!.operationId;
    expect(id('get', '/store')).toBe('listStores');
    expect(id('get', '/item/{item_id}')).toBe('getItem');
    expect(id('post', '/item')).toBe('createItem');
    expect(id('put', '/item/{item_id}')).toBe('updateItem');
    expect(id('post', '/store/{store_id}/tag')).toBe('createStoreTag');
    expect(id('post', '/login')).toBe('login');
    // The link mechanism's, from each pair's declaration: both pairs, both ends.
    expect(id('post', '/item/{item_id}/tag/{tag_id}')).toBe('linkItemTag');
    expect(id('delete', '/item/{item_id}/tag/{tag_id}')).toBe('unlinkItemTag');
    expect(id('get', '/item/{item_id}/tag')).toBe('listItemTags');
    expect(id('put', '/item/{item_id}/tag')).toBe('setItemTags');
    expect(id('get', '/tag/{tag_id}/item')).toBe('listTagItems');
    expect(id('put', '/tag/{tag_id}/item')).toBe('setTagItems');
    expect(id('post', '/heroes/{hero_id}/teams/{team_id}')).toBe('linkHeroTeam');
    expect(id('patch', '/teams/{team_id}/heroes/{hero_id}')).toBe('updateTeamHero');
    expect(id('get', '/teams/{team_id}/heroes/{hero_id}')).toBe('getTeamHero');
    expect(id('delete', '/heroes/{hero_id}/teams/{team_id}')).toBe('unlinkHeroTeam');
    expect(id('get', '/teams/{team_id}/heroes')).toBe('listTeamHeroes');
    expect(id('put', '/heroes/{hero_id}/teams')).toBe('setHeroTeams');
  });

  it('says of each public operation that it needs no token (security: [])', () => {
    for (const { name, operation } of operationsOf(doc)) {
      expect(operation.security, name).toBeDefined();
      if (operation.security!.length > 0) expect(operation.security, name).toEqual([{ bearerAuth: [] }]);
    }
    expect(doc.paths['/store']!.get!.security).toEqual([]);
    expect(doc.paths['/login']!.post!.security).toEqual([]);
  });

  it('gives every answer a description of its own', () => {
    for (const { name, operation } of operationsOf(doc)) {
      for (const [status, answer] of Object.entries(operation.responses)) {
        expect(answer.description, `${name} ${status}`).not.toMatch(/^(Default Response)?$/);
        if (Number(status) >= 400) expect(answer.description).toBe(ERROR_ANSWERS[Number(status)]!.description);
      }
    }
    expect(doc.paths['/item/{item_id}/tag/{tag_id}']!.post!.responses['201']!.description).not.toBe(
      doc.paths['/item/{item_id}/tag/{tag_id}']!.post!.responses['200']!.description,
    );
  });

  it('declares Retry-After where it is sent (429, 503)', () => {
    expect(doc.paths['/login']!.post!.responses['429']!.headers).toHaveProperty('Retry-After');
    expect(doc.paths['/item']!.get!.responses['503']!.headers).toHaveProperty('Retry-After');
  });

  it('names every request body as a component, required only when it has required fields', () => {
    for (const { name, operation } of operationsOf(doc)) {
      if (!operation.requestBody) continue;
      const schema = operation.requestBody.content['application/json']!.schema;
      expect(schema.$ref, name).toMatch(/^#\/components\/schemas\/[A-Z]\w+$/);
      const component = componentOf(doc, schema);
      expect(operation.requestBody.required, name).toBe((component.required ?? []).length > 0);
    }
    const body = (method: string, route: string) => doc.paths[route]![method]!.requestBody!;
    expect(body('post', '/item').content['application/json']!.schema).toEqual({ $ref: `${COMPONENTS}ItemCreate` });
    expect(body('put', '/item/{item_id}/tag').content['application/json']!.schema).toEqual({ $ref: `${COMPONENTS}ItemTags` });
    expect(body('post', '/heroes/{hero_id}/teams/{team_id}').content['application/json']!.schema).toEqual({
      $ref: `${COMPONENTS}HeroTeamFields`,
    });
    expect(body('post', '/item').required).toBe(true);
    expect(body('put', '/item/{item_id}').required).toBe(false);
    expect(body('post', '/heroes/{hero_id}/teams/{team_id}').required).toBe(false);
  });

  it('declares the servers from the host the request came to, or the configured public URL', async () => {
    const reply = await t.app.inject({ method: 'GET', url: '/openapi.json', headers: { host: 'api.junction.test:8443' } });
    expect(reply.json().servers).toEqual([{ url: 'http://api.junction.test:8443' }]);
    const docsPage = await t.app.inject({ method: 'GET', url: '/docs/json', headers: { host: 'api.junction.test' } });
    expect(docsPage.json().servers).toEqual([{ url: 'http://api.junction.test' }]);
    const odd = await t.app.inject({ method: 'GET', url: '/openapi.json', headers: { host: 'a b/<c>' } });
    expect(odd.json().servers).toEqual([{ url: '/' }]);

    const configured = await startTestApp('sqlite', { publicUrl: 'https://shop.example.org/api' });
    try {
      const served = await configured.app.inject({ method: 'GET', url: '/openapi.json', headers: { host: 'internal:8000' } });
      expect(served.json().servers).toEqual([{ url: 'https://shop.example.org/api' }]);
    } finally {
      await stopTestApp(configured);
    }
  });

  describe('says what the service does', () => {
    let ids: Record<string, number>;
    beforeAll(async () => {
      const store = await makeStore(t.app, 'Documented');
      const item = await makeItem(t.app, store.id, 'Chair');
      const tag = await makeTag(t.app, store.id, 'wood');
      const hero = await makeHero(t.app, 'Deadpond');
      const team = await makeTeam(t.app, 'Z-Force');
      expect((await call(t.app, 'POST', `/heroes/${hero.id}/teams/${team.id}`)).status).toBe(201);
      ids = { store_id: store.id, item_id: item.id, tag_id: tag.id, hero_id: hero.id, team_id: team.id, user_id: t.admin.id };
    });
    const url = (route: string) => route.replace(/\{(\w+)\}/g, (_match, name: string) => String(ids[name]));

    it('declares X-Pagination on exactly the answers that send it', async () => {
      for (const { name, method, route, operation } of operationsOf(doc)) {
        if (method !== 'get') continue;
        const reply = await call(t.app, 'GET', url(route));
        expect(reply.status, name).toBe(200);
        const declared = operation.responses['200']!.headers?.['X-Pagination'];
        expect(declared !== undefined, name).toBe(reply.headers['x-pagination'] !== undefined);
        if (declared) expect(declared.content['application/json'].schema).toEqual({ $ref: `${COMPONENTS}Pagination` });
      }
      const pagination = doc.components.schemas.Pagination!;
      const header = JSON.parse(String((await call(t.app, 'GET', '/item?page_size=1')).headers['x-pagination']));
      expect(Object.keys(pagination.properties)).toEqual(expect.arrayContaining(Object.keys(header)));
      expect(pagination.required.sort()).toEqual(['total', 'total_pages']);
    });

    it('takes no body where the body is optional, and asks for one where it is required', async () => {
      for (const { name, method, route, operation } of operationsOf(doc)) {
        if (!operation.requestBody || method === 'delete') continue;
        // Signing out ends the session it is sent with: a session of its own.
        const token = operation.operationId === 'logout' ? (await t.signIn('signs out')).access : undefined;
        const reply = await call(t.app, method.toUpperCase(), url(route), undefined, { token });
        if (operation.requestBody.required) expect(reply.status, name).toBe(422);
        else expect(reply.status, `${name} ${JSON.stringify(reply.body)}`).toBeLessThan(300);
      }
    });

    it('accepts in its body schemas the numeric strings the service accepts', async () => {
      const ajv = new Ajv2020({ strict: false });
      ajv.addSchema({ $id: 'doc', components: doc.components });
      const valid = (component: string, body: unknown) => ajv.validate({ $ref: `doc#/components/schemas/${component}` }, body);
      const store = await makeStore(t.app, 'Numbers');
      const tag = await makeTag(t.app, store.id, 'numbered');
      const accepted: [string, string, string, object][] = [
        ['ItemCreate', 'POST', '/item', { name: 'Lamp', price: ' 20.5 ', store_id: String(store.id) }],
        ['ItemUpdate', 'PUT', `/item/${ids.item_id}`, { price: '1e1' }],
        ['HeroCreate', 'POST', '/heroes', { name: 'Rusty', secret_name: 'Tommy', age: '48', teams: [{ team_id: String(ids.team_id) }] }],
        ['HeroTeams', 'PUT', `/heroes/${ids.hero_id}/teams`, { teams: [{ team_id: `${ids.team_id}` }] }],
      ];
      const item = await makeItem(t.app, store.id, 'Numbered');
      accepted.push(['ItemTags', 'PUT', `/item/${item.id}/tag`, { tag_ids: [String(tag.id)] }]);
      for (const [component, method, route, body] of accepted) {
        expect((await call(t.app, method, route, body)).status, `${method} ${route}`).toBeLessThan(300);
        expect(valid(component, body), component).toBe(true);
      }
      // What the service refuses for its type, the document refuses too.
      for (const price of [true, 'twenty', null, '1,5']) {
        expect((await call(t.app, 'POST', '/item', { name: 'Lamp', price, store_id: store.id })).status).toBe(422);
        expect(valid('ItemCreate', { name: 'Lamp', price, store_id: store.id }), String(price)).toBe(false);
      }
    });
  });
});
