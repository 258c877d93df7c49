import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';

type Operation = {
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ in: string; name: string; required?: boolean; schema?: { type?: string } }>;
  requestBody?: { content: Record<string, { schema: Record<string, any> }> };
  responses: Record<string, { content?: Record<string, { schema: Record<string, any> }> }>;
};
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  security?: unknown[];
  components: { schemas: Record<string, Record<string, any>>; securitySchemes?: Record<string, Record<string, any>> };
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every path of the Stores API, with its methods. */
const PATHS: Record<string, string[]> = {
  '/store': ['get', 'post'],
  '/store/{store_id}': ['delete', 'get'],
  '/item': ['get', 'post'],
  '/item/{item_id}': ['delete', 'get', 'put'],
  '/store/{store_id}/tag': ['get', 'post'],
  '/item/{item_id}/tag/{tag_id}': ['delete', 'post'],
  '/tag/{tag_id}': ['delete', 'get'],
  '/health': ['get'],
};

/** The codes each operation can answer (API.md §2 and §3), and the schema of its success answer. */
const RESPONSES: Array<[string, string, number[], string]> = [
  ['get', '/store', [200, 422], 'Store[]'],
  ['post', '/store', [201, 400, 413, 422], 'Store'],
  ['get', '/store/{store_id}', [200, 404], 'Store'],
  ['delete', '/store/{store_id}', [200, 404], 'Message'],
  ['get', '/item', [200, 422], 'Item[]'],
  ['post', '/item', [201, 400, 404, 413, 422], 'Item'],
  ['get', '/item/{item_id}', [200, 404], 'Item'],
  ['put', '/item/{item_id}', [200, 400, 404, 413, 422], 'Item'],
  ['delete', '/item/{item_id}', [200, 404], 'Message'],
  ['get', '/store/{store_id}/tag', [200, 404, 422], 'Tag[]'],
  ['post', '/store/{store_id}/tag', [201, 400, 404, 413, 422], 'Tag'],
  ['post', '/item/{item_id}/tag/{tag_id}', [200, 201, 400, 404], 'Tag'],
  ['delete', '/item/{item_id}/tag/{tag_id}', [200, 404], 'TagAndItem'],
  ['get', '/tag/{tag_id}', [200, 404], 'Tag'],
  ['delete', '/tag/{tag_id}', [202, 400, 404], 'Message'],
  ['get', '/health', [200, 503], ''],
];

/** The operations that need a bearer token (API.md §4); every other one is public. */
const PROTECTED = [
  'post /refresh',
  'post /logout',
  'get /me',
  'get /user/{user_id}',
  'delete /user/{user_id}',
  'post /store',
  'delete /store/{store_id}',
  'post /item',
  'put /item/{item_id}',
  'delete /item/{item_id}',
  'post /store/{store_id}/tag',
  'delete /tag/{tag_id}',
  'post /item/{item_id}/tag/{tag_id}',
  'delete /item/{item_id}/tag/{tag_id}',
  'post /heroes',
  'patch /heroes/{hero_id}',
  'delete /heroes/{hero_id}',
  'post /teams',
  'patch /teams/{team_id}',
  'delete /teams/{team_id}',
  ...['/heroes/{hero_id}/teams/{team_id}', '/teams/{team_id}/heroes/{hero_id}'].flatMap((path) =>
    ['post', 'patch', 'delete'].map((method) => `${method} ${path}`),
  ),
  // API.md §6: setting a whole link set.
  ...['/item/{item_id}/tag', '/tag/{tag_id}/item', '/heroes/{hero_id}/teams', '/teams/{team_id}/heroes'].map((path) => `put ${path}`),
];

/** Protected operations a valid token may still be refused (403): not the owner, not an admin, not that user. */
const MAY_FORBID = [
  'delete /user/{user_id}',
  'delete /store/{store_id}',
  'post /item',
  'put /item/{item_id}',
  'delete /item/{item_id}',
  'post /store/{store_id}/tag',
  'delete /tag/{tag_id}',
  'post /item/{item_id}/tag/{tag_id}',
  'delete /item/{item_id}/tag/{tag_id}',
  'delete /heroes/{hero_id}',
  'delete /teams/{team_id}',
  'delete /heroes/{hero_id}/teams/{team_id}',
  'delete /teams/{team_id}/heroes/{hero_id}',
  ...['/item/{item_id}/tag', '/tag/{tag_id}/item', '/heroes/{hero_id}/teams', '/teams/{team_id}/heroes'].map((path) => `put ${path}`),
];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonSchema = (part: { content?: Record<string, { schema: Record<string, any> }> } | undefined) =>
  part?.content?.['application/json']?.schema;

/** Every `$ref` anywhere in a value. */
function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, found);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') found.push(v);
      else refsIn(v, found);
    }
  }
  return found;
}

describe('OpenAPI document and docs pages', () => {
  const t = useTestApp('sqlite');
  let doc: Document;

  beforeAll(async () => {
    const response = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(String(response.headers['content-type'])).toMatch(/^application\/json/);
    doc = response.json();
  });

  it('is OpenAPI 3.1', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
  });

  it('lists every Stores API path with exactly its methods, and nothing internal', () => {
    for (const [path, methods] of Object.entries(PATHS)) {
      expect(doc.paths, path).toHaveProperty([path]);
      const listed = Object.keys(doc.paths[path]!).filter((key) => HTTP_METHODS.includes(key));
      expect(listed.sort(), path).toEqual(methods);
    }
    for (const path of Object.keys(doc.paths)) {
      expect(path).not.toMatch(/^\/(docs|swagger-ui|openapi\.json)/);
      expect(path, 'path parameters are written {name}').not.toContain(':');
    }
  });

  it('declares each path parameter as a required integer', () => {
    for (const [path, operations] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, operation] of Object.entries(operations)) {
        const params = (operation.parameters ?? []).filter((p) => p.in === 'path');
        expect(params.map((p) => p.name).sort(), `${method} ${path}`).toEqual([...names].sort());
        for (const param of params) {
          expect(param.required, `${method} ${path} ${param.name}`).toBe(true);
          expect(param.schema?.type).toBe('integer');
        }
      }
    }
  });

  it('has the named component schemas, with the shapes of API.md §3', () => {
    const schemas = doc.components.schemas;
    for (const name of ['Store', 'PlainStore', 'Item', 'PlainItem', 'Tag', 'PlainTag', 'Error']) {
      expect(schemas, name).toHaveProperty([name]);
    }
    const props = (name: string) => Object.keys(schemas[name]!.properties).sort();
    expect(props('PlainStore')).toEqual(['id', 'name']);
    expect(props('PlainItem')).toEqual(['id', 'name', 'price']);
    expect(props('PlainTag')).toEqual(['id', 'name']);
    expect(props('Store')).toEqual(['id', 'items', 'name', 'tags']);
    expect(props('Item')).toEqual(['id', 'name', 'price', 'store', 'tags']);
    expect(props('Tag')).toEqual(['id', 'items', 'name', 'store']);
    expect(schemas.Store!.properties.items).toEqual({ type: 'array', items: ref('PlainItem') });
    expect(schemas.Store!.properties.tags).toEqual({ type: 'array', items: ref('PlainTag') });
    expect(schemas.Item!.properties.store).toEqual(ref('PlainStore'));
    expect(schemas.Item!.properties.tags).toEqual({ type: 'array', items: ref('PlainTag') });
    expect(schemas.Tag!.properties.store).toEqual(ref('PlainStore'));
    expect(schemas.Tag!.properties.items).toEqual({ type: 'array', items: ref('PlainItem') });
    expect(schemas.Error!.required.sort()).toEqual(['code', 'status']);
    expect(Object.keys(schemas.Error!.properties).sort()).toEqual(['code', 'error', 'errors', 'message', 'status']);
  });

  it('refers only to component schemas that exist', () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const target of new Set(refs)) {
      expect(target).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas, target).toHaveProperty([target.slice('#/components/schemas/'.length)]);
    }
  });

  it('declares every response code each route can return, errors as the envelope', () => {
    for (const [method, path, codes, success] of RESPONSES) {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      const declared = Object.keys(operation!.responses).map(Number);
      for (const code of codes) expect(declared, `${method} ${path}`).toContain(code);
      for (const code of declared.filter((c) => c >= 400)) {
        expect(jsonSchema(operation!.responses[code]), `${method} ${path} ${code}`).toEqual(ref('Error'));
      }
      if (!success) continue;
      const successCodes = codes.filter((c) => c < 300);
      for (const code of successCodes) {
        const schema = jsonSchema(operation!.responses[code]);
        if (success.endsWith('[]'))
          expect(schema, `${method} ${path} ${code}`).toMatchObject({ type: 'array', items: ref(success.slice(0, -2)) });
        else expect(schema, `${method} ${path} ${code}`).toEqual(ref(success));
      }
    }
  });

  /** The schema of a request body: a named component. */
  const bodyOf = (operation: Operation) => {
    const named = jsonSchema(operation.requestBody)!;
    expect(named.$ref).toMatch(/^#\/components\/schemas\//);
    return doc.components.schemas[named.$ref.slice('#/components/schemas/'.length)]!;
  };

  it('documents request bodies from the schemas that validate them', () => {
    const body = (method: string, path: string) => bodyOf(doc.paths[path]![method]!);
    const itemCreate = body('post', '/item')!;
    expect(itemCreate.required.sort()).toEqual(['name', 'price', 'store_id']);
    expect(itemCreate.additionalProperties).toBe(false);
    const itemUpdate = body('put', '/item/{item_id}')!;
    expect(Object.keys(itemUpdate.properties).sort()).toEqual(['name', 'price']);
    expect(itemUpdate.required ?? []).toEqual([]);
    expect(body('post', '/store')!.required).toEqual(['name']);
    expect(body('post', '/store/{store_id}/tag')!.required).toEqual(['name']);
  });

  it('documents page and page_size as optional query parameters with their defaults and limits', () => {
    for (const path of ['/store', '/item', '/store/{store_id}/tag']) {
      const query = (doc.paths[path]!.get!.parameters ?? []).filter((p) => p.in === 'query');
      const page = query.find((p) => p.name === 'page');
      const pageSize = query.find((p) => p.name === 'page_size');
      expect(page, path).toMatchObject({ schema: { type: 'integer', default: 1, minimum: 1 } });
      expect(pageSize, path).toMatchObject({ schema: { type: 'integer', default: 100, minimum: 1, maximum: 1000 } });
      // A client may leave them out: they are not required.
      expect(page!.required ?? false, `${path} page`).toBe(false);
      expect(pageSize!.required ?? false, `${path} page_size`).toBe(false);
    }
  });

  describe.each(['/docs/', '/swagger-ui/', '/docs', '/swagger-ui'])('the docs page at %s', (url) => {
    it('serves HTML whose scripts and styles all come from the app itself', async () => {
      const page = await t.app.inject({ method: 'GET', url });
      expect(page.statusCode).toBe(200);
      expect(String(page.headers['content-type'])).toMatch(/^text\/html/);
      const html = page.body;
      expect(html).toMatch(/<html/i);
      expect(html, 'no CDN or other origin').not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);

      const references = html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*\bhref)\s*=\s*["']([^"']+)["']/gi);
      const assets = [...references].map((m) => m[1]!);
      const scripts = assets.filter((a) => a.endsWith('.js'));
      const styles = assets.filter((a) => a.endsWith('.css'));
      expect(scripts.length).toBeGreaterThan(0);
      expect(styles.length).toBeGreaterThan(0);
      for (const asset of [...scripts, ...styles]) {
        const resolved = new URL(asset, `http://junction.test${url}`);
        expect(resolved.host).toBe('junction.test');
        const response = await t.app.inject({ method: 'GET', url: resolved.pathname });
        expect(response.statusCode, resolved.pathname).toBe(200);
        expect(response.body.length, resolved.pathname).toBeGreaterThan(0);
        expect(String(response.headers['content-type'])).toMatch(asset.endsWith('.js') ? /javascript/ : /text\/css/);
      }
    });
  });

  describe('authentication', () => {
    /** Every operation of the document, as `method path`. */
    const operations = () =>
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((method) => HTTP_METHODS.includes(method))
          .map((method) => ({ name: `${method} ${path}`, method, path, operation: ops[method]! })),
      );

    it('declares the bearer scheme as bearerAuth (HTTP bearer, a JWT)', () => {
      expect(doc.components.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    });

    it('asks for no token globally, so public reads stay public', () => {
      expect(doc.security ?? []).toEqual([]);
    });

    it('marks exactly the protected operations with security [{bearerAuth: []}], and no others', () => {
      const all = operations();
      for (const name of PROTECTED)
        expect(
          all.map((o) => o.name),
          name,
        ).toContain(name);
      for (const { name, operation } of all) {
        if (PROTECTED.includes(name)) expect(operation.security, name).toEqual([{ bearerAuth: [] }]);
        else expect(operation.security ?? [], name).toEqual([]);
      }
      // The reads of §4 are among the public ones.
      for (const name of ['get /store', 'get /item/{item_id}', 'get /tag/{tag_id}', 'get /heroes', 'get /teams/{team_id}']) {
        expect(PROTECTED, name).not.toContain(name);
      }
    });

    it('lists 401 (in the envelope) on every protected operation, and 403 where a valid token may lack the right', () => {
      for (const { name, operation } of operations()) {
        const codes = Object.keys(operation.responses);
        if (PROTECTED.includes(name)) {
          expect(codes, name).toContain('401');
          expect(jsonSchema(operation.responses['401']), name).toEqual(ref('Error'));
        } else if (name !== 'post /login') {
          // Public operations never answer 401 (only sign-in does, for a wrong password).
          expect(codes, name).not.toContain('401');
        }
        if (MAY_FORBID.includes(name)) expect(codes, name).toContain('403');
      }
      expect(Object.keys(doc.paths['/login']!.post!.responses)).toContain('401');
    });

    it('lists 429 on sign-up and sign-in, which are rate-limited', () => {
      for (const path of ['/register', '/login']) {
        const responses = doc.paths[path]!.post!.responses;
        expect(Object.keys(responses), path).toContain('429');
        expect(jsonSchema(responses['429'])).toEqual(ref('Error'));
      }
    });

    it('says what the service does: an operation marked protected answers 401 without a token, others do not', async () => {
      for (const { name, method, path } of operations()) {
        const response = await t.app.inject({
          method: method.toUpperCase() as 'GET',
          url: path.replace(/\{\w+\}/g, '1'),
          headers: { authorization: undefined },
          ...(['post', 'put', 'patch'].includes(method) ? { payload: {} } : {}),
        });
        if (PROTECTED.includes(name)) expect(response.statusCode, name).toBe(401);
        else expect(response.statusCode, name).not.toBe(401);
      }
    });
  });

  it('documents every §6 list parameter with its type and meaning, and the set bodies', () => {
    const params = (path: string) =>
      Object.fromEntries(
        (doc.paths[path]!.get!.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p as Record<string, any>]),
      );
    const expected: Record<string, Record<string, string>> = {
      '/item': {
        tags_all: 'string',
        tags_any: 'string',
        tags_none: 'string',
        store_id: 'integer',
        q: 'string',
        price_min: 'number',
        price_max: 'number',
        sort: 'string',
      },
      '/tag': { items_all: 'string', items_any: 'string', items_none: 'string', store_id: 'integer', q: 'string', sort: 'string' },
      '/store': { owner_id: 'integer', q: 'string', sort: 'string' },
      '/heroes': { teams_all: 'string', teams_none: 'string', is_training: 'boolean', age_min: 'number' },
      '/teams/{team_id}/heroes': { teams_any: 'string', is_training: 'boolean', age_max: 'number', sort: 'string' },
      '/item/{item_id}/tag': { items_all: 'string', q: 'string' },
      '/store/{store_id}/item': { tags_none: 'string', price_min: 'number' },
    };
    for (const [path, names] of Object.entries(expected)) {
      const listed = params(path);
      for (const [name, type] of Object.entries(names)) {
        expect(listed[name]?.schema?.type, `${path} ${name}`).toBe(type);
        expect(listed[name]?.required ?? false, `${path} ${name}`).toBe(false);
        expect(String(listed[name]?.description ?? listed[name]?.schema?.description ?? ''), `${path} ${name}`).not.toBe('');
      }
    }
    const sort = params('/heroes/{hero_id}/teams').sort!;
    expect(String(sort.description ?? sort.schema.description)).toContain('is_training');
    const body = (path: string) => bodyOf(doc.paths[path]!.put!);
    expect(body('/item/{item_id}/tag')).toMatchObject({
      required: ['tag_ids'],
      properties: { tag_ids: { type: 'array', maxItems: 1000 } },
    });
    expect(body('/heroes/{hero_id}/teams').properties.teams.items.properties).toHaveProperty('is_training');
  });

  it('gives the docs page the same document as /openapi.json', async () => {
    // The page loads the document from ./json, relative to /docs/.
    for (const prefix of ['/docs', '/swagger-ui']) {
      const response = await t.app.inject({ method: 'GET', url: `${prefix}/json` });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(doc);
    }
  });
});
