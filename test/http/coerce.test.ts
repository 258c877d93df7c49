import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeroCreate } from '../../src/heroes/schemas.js';
import { acceptedInput, coerceNumbers, textCoercer } from '../../src/http/coerce.js';
import { ItemCreate } from '../../src/items/schemas.js';
import { setBody } from '../../src/links/set-body.js';
import { itemsTags } from '../../src/links/items-tags.js';
import { useTestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';
import { call } from '../helpers/requests.js';

/** Text that spells a number no column holds, or no number at all for a strict reader. */
const NOT_SAFE_INTEGERS = [
  'Infinity',
  '-Infinity',
  '1e400',
  '9'.repeat(310),
  '9007199254740993',
  'NaN',
  '0x10',
  '1.5',
  '1e3',
  '',
  ' ',
  '1,2',
];

describe('textCoercer (query and path values)', () => {
  const schema = {
    properties: { page: { type: 'integer' }, price: { type: 'number' }, on: { type: 'boolean' }, q: { type: 'string' } },
  };
  const coerced = (values: Record<string, unknown>, spelling: 'query' | 'path' = 'query') => {
    textCoercer(schema, spelling)(values);
    return values;
  };

  it('reads decimal integers, finite numbers and booleans', () => {
    expect(coerced({ page: '20', price: '9.5', on: 'true', q: '42' })).toEqual({ page: 20, price: 9.5, on: true, q: '42' });
    expect(coerced({ page: '-3', price: '1e3', on: 'FALSE' })).toEqual({ page: -3, price: 1000, on: false });
    expect(coerced({ on: '1' }).on).toBe(true);
    expect(coerced({ on: '0' }).on).toBe(false);
  });

  it.each(NOT_SAFE_INTEGERS)('leaves %j as text where an integer is wanted, for validation to refuse', (text) => {
    expect(coerced({ page: text }).page).toBe(text);
    expect(coerced({ page: text }, 'path').page).toBe(text);
  });

  it("reads query integers as Python's int() does, and path ids as digits only (one URL per row)", () => {
    expect(coerced({ page: ' +7 ' }).page).toBe(7);
    for (const text of ['1e3', '1.0', '0x1']) expect(coerced({ page: text }).page).toBe(text);
    expect(coerced({ page: '7' }, 'path').page).toBe(7);
    for (const text of ['+1', ' 1', '1 ', '1.0', '1e0', '-1']) expect(coerced({ page: text }, 'path').page).toBe(text);
  });

  it('leaves non-finite numbers and other words as text', () => {
    for (const text of ['Infinity', '1e400', 'NaN', 'nine']) expect(coerced({ price: text }).price).toBe(text);
    for (const text of ['yes', 'on', '2']) expect(coerced({ on: text }).on).toBe(text);
  });
});

describe('coerceNumbers (JSON bodies)', () => {
  const schema = { properties: { price: { type: 'number' }, store_id: { type: 'integer' }, name: { type: 'string' } } };
  const resolve = () => undefined;

  it('turns numeric strings into numbers where a number is wanted, and nothing else', () => {
    expect(coerceNumbers(schema, { price: '20', store_id: ' 7 ', name: '12' }, resolve)).toEqual({ price: 20, store_id: 7, name: '12' });
  });

  it('keeps strings that are no finite number, or no safe integer, as they were', () => {
    expect(coerceNumbers(schema, { price: '1e400', store_id: '9007199254740993' }, resolve)).toEqual({
      price: '1e400',
      store_id: '9007199254740993',
    });
  });
});

describe('acceptedInput (what the API document says a body may hold)', () => {
  const ajv = new Ajv2020({ strict: false });
  const resolve = () => undefined;
  const numeric = fc.oneof(
    fc.integer({ min: -5, max: 3_000_000_000 }).map(String),
    fc.double({ noNaN: true }).map(String),
    fc.tuple(fc.constantFrom('', ' ', '+', '-'), fc.nat(999), fc.constantFrom('', '.5', 'e2', 'E-1', ' ')).map((parts) => parts.join('')),
    fc.constantFrom('Infinity', '1e400', '0x10', '1,5', '', ' ', '9'.repeat(20)),
  );
  const scalar = fc.oneof(fc.integer(), fc.double(), numeric, fc.string(), fc.boolean(), fc.constant(null));

  it.each([
    ['ItemCreate', ItemCreate, fc.record({ name: fc.constantFrom('Chair', ''), price: scalar, store_id: scalar })],
    [
      'HeroCreate',
      HeroCreate,
      fc.record(
        {
          name: fc.constant('Deadpond'),
          secret_name: fc.constant('Dive Wilson'),
          age: scalar,
          teams: fc.array(fc.record({ team_id: scalar }), { maxLength: 3 }),
        },
        { requiredKeys: ['name', 'secret_name'] },
      ),
    ],
    ['ItemTags', setBody(itemsTags, 'left').schema, fc.record({ tag_ids: fc.array(scalar, { maxLength: 3 }) })],
  ])('accepts every %s body that the body hook and validation accept', (_name, schema, bodies) => {
    const validate = ajv.compile(schema);
    const documented = ajv.compile(acceptedInput(schema as never, resolve));
    fc.assert(
      fc.property(bodies, (body) => {
        const accepted = validate(coerceNumbers(schema as never, structuredClone(body), resolve));
        if (accepted) expect(documented(body), JSON.stringify(body)).toBe(true);
      }),
      { numRuns: 2000, seed: 12 },
    );
  });

  it('says so for numbers, in and out of unions, and leaves every other field alone', () => {
    const widened = JSON.parse(JSON.stringify(acceptedInput(HeroCreate as never, resolve)));
    expect(widened.properties.name).toEqual(JSON.parse(JSON.stringify(HeroCreate.properties.name)));
    expect(widened.properties.age.anyOf.map((branch: { type: string }) => branch.type)).toEqual(['integer', 'null', 'string']);
    expect(widened.properties.teams.items.properties.team_id.anyOf[1]).toMatchObject({ type: 'string', pattern: expect.any(String) });
    expect(widened.properties.teams.items.properties.is_training).toEqual({ type: 'boolean' });
  });
});

describe.each(BACKENDS)('numbers in queries and paths on %s', (backend) => {
  const t = useTestApp(backend);

  /** The API's operations, from its own document: each path, its methods and query parameters. */
  async function operations() {
    const document = (await call(t.app, 'GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema: { type?: string } }[] }>>;
    };
    return Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        path,
        method: method.toUpperCase(),
        parameters: operation.parameters ?? [],
      })),
    );
  }

  it('answers an integer query parameter that is not a safe integer with 422 in errors.query, on every list', async () => {
    let checked = 0;
    for (const { path, method, parameters } of await operations()) {
      if (path.includes('{')) continue;
      for (const parameter of parameters.filter((p) => p.in === 'query' && p.schema.type === 'integer')) {
        for (const text of NOT_SAFE_INTEGERS) {
          const reply = await call(t.app, method, `${path}?${parameter.name}=${encodeURIComponent(text)}`);
          const label = `${method} ${path}?${parameter.name}=${text.slice(0, 20)}`;
          expect(reply.status, label).toBe(422);
          expect(reply.body, label).toEqual({
            code: 422,
            status: 'Unprocessable Entity',
            errors: { query: { [parameter.name]: ['Not a valid integer.'] } },
          });
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(NOT_SAFE_INTEGERS.length * 6);
  });

  it('answers a path id that is not a safe positive integer with 404 in the envelope, on every route with an id', async () => {
    let checked = 0;
    for (const { path, method } of await operations()) {
      if (!path.includes('{')) continue;
      for (const text of [...NOT_SAFE_INTEGERS.filter((x) => x.trim() !== ''), '0', '-1', '+1', '1.0', ' 1', '2147483648']) {
        const url = path.replace(/\{[^}]+\}/g, encodeURIComponent(text));
        const reply = await call(t.app, method, url, ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined);
        expect(reply.status, `${method} ${url.slice(0, 60)}`).toBe(404);
        expect(reply.body, `${method} ${url.slice(0, 60)}`).toMatchObject({ code: 404, status: 'Not Found', message: expect.any(String) });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
