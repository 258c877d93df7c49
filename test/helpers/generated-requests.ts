import fc from 'fast-check';
import {
  HOSTILE_PATH_IDS,
  HOSTILE_QUERY_VALUES,
  JSON_CONTENT_TYPES,
  MALFORMED_BODIES,
  OTHER_CONTENT_TYPES,
  UNKNOWN_QUERY_KEYS,
  hostileJson,
  unacceptableJson,
} from './hostile-inputs.js';
import type { Operation, Parameter } from './openapi.js';
import { jsonText } from './raw-json.js';
import { jsonFor, type SchemaContext } from './schema-arbitraries.js';

/** Who a request goes as: the run's admin (access or refresh token), an ordinary user, nobody, or a broken header. */
export type Credentials = 'admin' | 'admin refresh token' | 'user' | 'none' | { authorization: string };

export interface GeneratedRequest {
  method: string;
  url: string;
  credentials: Credentials;
  contentType?: string;
  payload?: string;
  /** What in the request must be refused, if anything: then the answer must not be a success. */
  refusals: string[];
  /** The content type, when it says the body is not JSON: then the body must not be read as JSON either. */
  notJson?: string;
}

/** What is wrong with answering `request` with `status`, given what the request says must be refused. */
export function refusalProblem(request: GeneratedRequest, status: number): string | undefined {
  if (status < 300 && request.refusals.length > 0) return `a success although ${request.refusals.join('; ')}`;
  if (status === 422 && request.notJson) return `a body sent as ${request.notJson} was validated as JSON (422) instead of refused (415)`;
  return undefined;
}

interface Part {
  text: string;
  refusal?: string;
}

const LARGEST_ID = 2_147_483_647;

const decoded = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
};

/**
 * Why `text` names no row, when it is not a positive integer of the ids' range in digits: §2, and the
 * original's `<int:…>` routes, which take digits only (`+1`, `1.0`, `1e0` or ` 1` are 404 there).
 */
function pathRefusal(name: string, text: string): string | undefined {
  const value = decoded(text);
  const id = value !== undefined && /^\d+$/.test(value) ? Number(value) : NaN;
  return id >= 1 && id <= LARGEST_ID ? undefined : `the path's ${name} "${text}" is not a positive integer id`;
}

/** An id of an existing row; or, hostile, also ids of older rows or none, and nonsense. */
function pathSegment(parameter: Parameter, context: SchemaContext, hostile: boolean): fc.Arbitrary<Part> {
  const existing = context.ids(parameter.name).map((id) => ({ text: String(id) }));
  if (!hostile) return existing;
  const refused = (text: string) => ({ text, refusal: pathRefusal(parameter.name, text) });
  return fc.oneof(
    { weight: 4, arbitrary: existing },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 50 }).map((id) => ({ text: String(id) })) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_PATH_IDS).map(refused) },
    {
      weight: 1,
      arbitrary: fc
        .string({ unit: 'binary', maxLength: 12 })
        .filter((s) => s !== '.' && s !== '..')
        .map((s) => refused(encodeURIComponent(s))),
    },
  );
}

/**
 * Why `text` is no value of the integer query parameter, if it is not. The original read it with
 * Python's int(), which also takes a sign and surrounding spaces: either answer is right for those.
 */
function queryRefusal({ name, schema }: Parameter, text: string): string | undefined {
  if (schema.type !== 'integer') return undefined;
  const value = decoded(text);
  const number = value !== undefined && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : NaN;
  const inRange = number >= (schema.minimum ?? -Infinity) && number <= (schema.maximum ?? Infinity);
  return inRange ? undefined : `the query's ${name}=${text} is not an integer from ${schema.minimum} to ${schema.maximum}`;
}

/** The parameter left out or in its range; or, hostile, also out of range, not a number, or twice. */
function queryParameter(parameter: Parameter, hostile: boolean): fc.Arbitrary<Part[]> {
  const { name, schema } = parameter;
  const part = (text: string) => [{ text: `${name}=${text}`, refusal: queryRefusal(parameter, text) }];
  const min = schema.minimum ?? 0;
  const max = schema.maximum ?? LARGEST_ID;
  // A documented value of the parameter's type: a boolean for a boolean, a sort field every list has
  // for `sort`, else a number in range (a number is also an id list, or a search text).
  const value =
    schema.type === 'boolean'
      ? fc.constantFrom('true', 'false')
      : name === 'sort'
        ? fc.constantFrom('id', '-id')
        : fc.integer({ min, max }).map(String);
  const good = fc.oneof(fc.constant<Part[]>([]), value.map(part));
  if (!hostile) return good;
  const outOfRange = fc.oneof(
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: min - 1 }),
    fc.integer({ min: max + 1, max: Number.MAX_SAFE_INTEGER }),
  );
  return fc.oneof(
    { weight: 6, arbitrary: good },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_QUERY_VALUES).map(part) },
    { weight: 1, arbitrary: outOfRange.map((n) => part(String(n))) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }).map((s) => part(encodeURIComponent(s))) },
    // The same parameter twice: never a refusal by itself.
    { weight: 1, arbitrary: fc.integer({ min, max }).map((n) => [{ text: `${name}=${n}` }, { text: `${name}=${n}` }]) },
  );
}

function query(operation: Operation, hostile: boolean): fc.Arbitrary<Part[]> {
  const documented = fc.tuple(...operation.queryParameters.map((p) => queryParameter(p, hostile))).map((parts) => parts.flat());
  if (!hostile) return documented;
  const unknown = fc.array(
    fc.tuple(fc.constantFrom(...UNKNOWN_QUERY_KEYS), fc.constantFrom('', '1', ...HOSTILE_QUERY_VALUES)).map(([key, value]) => ({
      text: `${key}=${value}`,
    })),
    { maxLength: 2 },
  );
  return fc.tuple(documented, fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, unknown)).map(([known, extra]) => [...known, ...extra]);
}

interface Body {
  payload?: string;
  contentType?: string;
  refusal?: string;
  notJson?: string;
}

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** Valid JSON as JSON; or, hostile, also hostile JSON, text that is not JSON, and other content types. */
function body(operation: Operation, context: SchemaContext, hostile: boolean): fc.Arbitrary<Body> {
  if (!hostile) {
    if (!operation.body) return fc.constant({});
    return jsonFor(operation.body, context, false).map((value) => ({ payload: jsonText(value), contentType: 'application/json' }));
  }
  const json = operation.body
    ? fc.oneof(
        { weight: 2, arbitrary: jsonFor(operation.body, context, false) },
        { weight: 6, arbitrary: jsonFor(operation.body, context, true) },
        { weight: 1, arbitrary: hostileJson },
      )
    : hostileJson;
  const text = fc.oneof(
    { weight: 9, arbitrary: json.map((value) => ({ payload: jsonText(value), refusal: unacceptableJson(value) })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...MALFORMED_BODIES).map((payload) => ({
        payload,
        // An empty body is no body, which some operations take; RFC 8259 lets a parser skip a byte order mark.
        refusal: payload.trim() === '' || isJson(payload.replace(/^\ufeff/, '')) ? undefined : 'the body is not JSON',
      })),
    },
  );
  const typed = fc
    .tuple(
      text,
      fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...JSON_CONTENT_TYPES) },
        { weight: 2, arbitrary: fc.constantFrom(...OTHER_CONTENT_TYPES) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
    )
    .map(([{ payload, refusal }, contentType]): Body => {
      const notJson = contentType && OTHER_CONTENT_TYPES.includes(contentType) && payload ? contentType : undefined;
      return { payload, contentType, refusal: refusal ?? (notJson && `the body is sent as ${notJson}`), notJson };
    });
  // A body where the operation takes none is sent now and then, as a careless client would: nothing reads it.
  return operation.body
    ? typed
    : fc.oneof(
        { weight: 4, arbitrary: fc.constant({}) },
        typed.map(({ payload, contentType }) => ({ payload, contentType })),
      );
}

const BROKEN_AUTHORIZATION = [
  'Bearer',
  'Bearer ',
  'Bearer a.b.c',
  'Bearer x y',
  'Token abc',
  'Basic YWRtaW46YWRtaW4=',
  'bearer',
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.',
];

const anyCredentials: fc.Arbitrary<Credentials> = fc.oneof(
  { weight: 4, arbitrary: fc.constant('admin' as const) },
  { weight: 1, arbitrary: fc.constant('admin refresh token' as const) },
  { weight: 1, arbitrary: fc.constant('user' as const) },
  { weight: 2, arbitrary: fc.constant('none' as const) },
  { weight: 1, arbitrary: fc.constantFrom(...BROKEN_AUTHORIZATION).map((authorization) => ({ authorization })) },
);

function requests(operation: Operation, context: SchemaContext, hostile: boolean): fc.Arbitrary<GeneratedRequest> {
  const segments = fc.tuple(
    ...operation.pathParameters.map((p) => pathSegment(p, context, hostile).map((part) => [p.name, part] as const)),
  );
  // The admin's refresh token is the one credential of POST /refresh.
  const wellFormed = fc.oneof({ weight: 3, arbitrary: fc.constant<Credentials>('admin') }, fc.constant<Credentials>('admin refresh token'));
  const credentials = hostile ? anyCredentials : wellFormed;
  return fc
    .record({ segments, query: query(operation, hostile), body: body(operation, context, hostile), credentials })
    .map(({ segments, query, body, credentials }) => {
      let path = operation.path;
      for (const [name, { text }] of segments) path = path.replace(`{${name}}`, text);
      const url = query.length ? `${path}?${query.map((part) => part.text).join('&')}` : path;
      const unauthenticated = typeof credentials === 'object' || credentials === 'none';
      const refusals = [
        ...segments.map(([, part]) => part.refusal),
        ...query.map((part) => part.refusal),
        body.refusal,
        operation.secured && unauthenticated ? 'it carries no valid token' : undefined,
      ].filter((reason): reason is string => reason !== undefined);
      const { payload, contentType, notJson } = body;
      return { method: operation.method, url, credentials, contentType, payload, refusals, notJson };
    });
}

/**
 * Requests to `operation`: one in three well formed (ids of existing rows, documented query values,
 * a valid JSON body, the admin's tokens), to reach its successes; the rest hostile anywhere (nonsense
 * ids, hostile and unknown query parameters, hostile JSON or no JSON in the body, no token, another
 * user's, a broken header). Each says what in it must be refused.
 */
export function requestsFor(operation: Operation, context: SchemaContext): fc.Arbitrary<GeneratedRequest> {
  return fc.oneof(
    { weight: 1, arbitrary: requests(operation, context, false) },
    { weight: 2, arbitrary: requests(operation, context, true) },
  );
}
