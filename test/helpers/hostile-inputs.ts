import fc from 'fast-check';
import { entriesOf, RawObject, RawToken, type RawJson } from './raw-json.js';

/**
 * Path segments, as URL text, that name no row: not positive integers, or beyond any id. No dot
 * segments (`..`, `%2E%2E`): a client's URL parser resolves them before the request leaves it.
 */
export const HOSTILE_PATH_IDS = [
  '0',
  '-1',
  '-0',
  '1.5',
  '1.0',
  '1e0',
  '1e3',
  '+1',
  '%201',
  '1%20',
  '0x10',
  '1_000',
  'abc',
  'null',
  'true',
  'Infinity',
  '-Infinity',
  'NaN',
  '2147483648',
  '9007199254740993',
  '9'.repeat(20),
  '9'.repeat(400),
  '%FF',
  '%C0%AF',
  '%E2%82',
  '%',
  '%%',
  '%2',
  '%00',
  '1%00',
  '%2F',
  '__proto__',
  'constructor',
  '%D9%A3',
  '1'.repeat(101),
  'x'.repeat(300),
  '%F0%9F%98%80',
];

/** Query values, as URL text, to upset an integer parameter. */
export const HOSTILE_QUERY_VALUES = [
  '-1',
  '1.5',
  '1.0',
  '1e3',
  '+1',
  '0x10',
  'abc',
  'null',
  'true',
  'Infinity',
  '-Infinity',
  'NaN',
  '1e400',
  '-1e400',
  '2147483648',
  '9007199254740993',
  '9'.repeat(310),
  '%FF',
  '%00',
  '1%00',
  '%20',
  '1,2',
  '[1]',
  '%D9%A3',
];

/** Query keys that the document does not list, some of them JavaScript's own property names. */
export const UNKNOWN_QUERY_KEYS = ['foo', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'page[]', 'sort', 'q', '%00', '%FF'];

/** JSON number tokens that JavaScript reads as ±Infinity: no field accepts them. */
const OVERFLOWING_NUMBERS = ['1e400', '-1e400', '1E+400', `1${'0'.repeat(400)}`];

/** Strings a database may refuse to store: a NUL character, lone surrogates. */
const unstorableStrings = fc.oneof(
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\udc00\ud800'),
  fc.string({ unit: fc.constantFrom('a', ' ', 'é', '😀', '\u0000', '\ud800', '\udfff'), minLength: 1, maxLength: 8 }),
);

/** Values a client may put anywhere a JSON value goes, chosen to upset a parser, a validator or a database. */
export const hostileJson: fc.Arbitrary<RawJson> = fc.oneof(
  { weight: 3, arbitrary: unstorableStrings },
  { weight: 2, arbitrary: fc.constantFrom(...OVERFLOWING_NUMBERS.map((t) => new RawToken(t))) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<RawJson>(
      '',
      ' ',
      '\t\n',
      '20',
      ' 20 ',
      '-1',
      '0',
      '1.5',
      '1e400',
      'Infinity',
      'NaN',
      '0x14',
      '٣',
      'true',
      'null',
      '%00',
      '%FF',
      "'; DROP TABLE stores; --",
      'x'.repeat(81),
      'x'.repeat(256),
      'x'.repeat(70_000),
      '😀'.repeat(81),
      '\u202eevil',
      'e\u0301',
    ),
  },
  fc.constantFrom<RawJson>(0, -1, 1.5, 2147483647, 2147483648, -2147483649, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, 1e21),
  fc.constantFrom<RawJson>(...['-0', '1.0', '9007199254740993', '123456789012345678901234567890', '1e-400'].map((t) => new RawToken(t))),
  fc.constantFrom<RawJson>(true, false, null, [], [null], [1, 'a'], ['\u0000'], new RawObject([])),
  fc.constantFrom<RawJson>(
    new RawObject([['__proto__', new RawObject([['is_admin', true]])]]),
    new RawObject([['constructor', new RawObject([['prototype', new RawObject([['x', 1]])]])]]),
    new RawToken(`${'['.repeat(500)}${']'.repeat(500)}`),
  ),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<RawJson>,
);

/** Keys a body's schema does not list, some of them JavaScript's own property names. */
export const hostileKeys = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'id', 'items', 'store', 'is_admin', '', '\u0000', '\ud800'),
  fc.string({ maxLength: 10 }),
);

/** Bodies that are not JSON, not only JSON, or JSON that parsers read differently (`__proto__`, a key twice). */
export const MALFORMED_BODIES = [
  '',
  ' ',
  '{',
  '}',
  '{"name":',
  '{"a":1,}',
  "{'name':'x'}",
  '{name:"x"}',
  'NaN',
  'undefined',
  '\u0000',
  '\ufeff{}',
  '{"name":"x"} trailing',
  '{"name":"x"}{"name":"y"}',
  '{"name":"\\x41"}',
  '{"name":"\\u00"}',
  '[',
  `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
  '{"__proto__":{"is_admin":true}}',
  '{"a":1,"a":2}',
];

/** Content types a client may send a body with; only the first three say JSON. */
export const JSON_CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON'];
export const OTHER_CONTENT_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  'application/jsonx',
  'text/json',
];

/** Why no field of any body can take `value` (a NUL, a lone surrogate, an overflowing number in it), if it holds one. */
export function unacceptableJson(value: RawJson): string | undefined {
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value);
    if (value.includes('\u0000')) return `the string ${quoted} holds a NUL character`;
    if (/\p{Surrogate}/u.test(value)) return `the string ${quoted} holds a lone surrogate`;
    return undefined;
  }
  if (value instanceof RawToken) {
    return OVERFLOWING_NUMBERS.includes(value.text) ? `the number ${value.text} overflows` : undefined;
  }
  for (const [key, entry] of entriesOf(value)) {
    const reason = unacceptableJson(key) ?? unacceptableJson(entry);
    if (reason) return reason;
  }
  return undefined;
}
