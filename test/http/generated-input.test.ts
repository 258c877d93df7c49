import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { tokenIssuer } from '../../src/auth/tokens.js';
import { hashPassword } from '../../src/users/passwords.js';
import { userRepository } from '../../src/users/repository.js';
import { startTestApp, stopTestApp, TEST_SECRET, useTestApp } from '../helpers/app.js';
import { contractChecker, type Answer } from '../helpers/contract-checks.js';
import { BACKENDS } from '../helpers/databases.js';
import { refusalProblem, requestsFor, type Credentials, type GeneratedRequest } from '../helpers/generated-requests.js';
import { operationsOf, type OpenApiDocument } from '../helpers/openapi.js';
import { call } from '../helpers/requests.js';
import type { SchemaContext } from '../helpers/schema-arbitraries.js';

/** Requests per database (`npm run fuzz` sends more), and the seed that makes them. */
const REQUESTS = Number(process.env.FUZZ_RUNS || 3000);
const SEED = Number(process.env.FUZZ_SEED || 8);
const PASSWORD = 'generated input';

/** The document does not depend on the database: it is read once, from an app of its own. */
async function servedDocument(): Promise<OpenApiDocument> {
  const t = await startTestApp('sqlite');
  try {
    return JSON.parse((await t.app.inject({ method: 'GET', url: '/openapi.json' })).body) as OpenApiDocument;
  } finally {
    await stopTestApp(t);
  }
}

const document = await servedDocument();
const operations = operationsOf(document);
const runs = Math.max(1, Math.ceil(REQUESTS / operations.length));

const shorten = (text: string, length: number) => (text.length > length ? `${text.slice(0, length)}… (${text.length} characters)` : text);

function report(request: GeneratedRequest, answer: Answer, problem: string): string {
  const as = typeof request.credentials === 'object' ? `Authorization: ${request.credentials.authorization}` : request.credentials;
  return [
    problem,
    `  request: ${request.method} ${request.url}`,
    `  as: ${as}`,
    ...(request.payload === undefined
      ? []
      : [`  body (${request.contentType ?? 'no content type'}): ${shorten(JSON.stringify(request.payload), 300)}`]),
    `  answer: ${answer.status} ${shorten(answer.body, 500)}`,
  ].join('\n');
}

describe.each(BACKENDS)('generated requests to every operation of /openapi.json on %s', (backend) => {
  const t = useTestApp(backend);
  const issuer = tokenIssuer(TEST_SECRET);
  const check = contractChecker(document);
  let passwordHash: string;
  beforeAll(async () => {
    passwordHash = await hashPassword(PASSWORD);
  });

  /**
   * Fresh tokens of `username` for each request, so that a generated logout revokes only its own; the
   * user is made again when a generated request deleted it, or every later request would test only 401s.
   */
  async function tokensOf(username: string, isAdmin: boolean) {
    const users = userRepository(t.database);
    if (!(await users.account(username))) {
      if (isAdmin) await users.ensureAdmin(username, passwordHash);
      else await users.create(username, passwordHash);
    }
    return issuer.login((await users.account(username))!);
  }

  async function authorization(credentials: Credentials): Promise<string | undefined> {
    if (typeof credentials === 'object') return credentials.authorization;
    if (credentials === 'none') return undefined;
    const tokens = await tokensOf(credentials === 'user' ? 'generated user' : 'generated admin', credentials !== 'user');
    return `Bearer ${credentials === 'admin refresh token' ? tokens.refresh_token : tokens.access_token}`;
  }

  let made = 0;
  /**
   * Rows made for one operation's requests, as earlier operations may have deleted the last ones: two
   * stores with three tags and two items each (every item linked to two of the tags), two teams, two
   * heroes in a team, two users. Their ids by the name of the parameter or field that takes them, and
   * the usernames.
   */
  async function freshRows(): Promise<{ ids: Record<string, number[]>; usernames: string[] }> {
    const n = ++made;
    const token = (await tokensOf('generated admin', true)).access_token;
    const make = async (url: string, payload?: object) => {
      const reply = await call(t.app, 'POST', url, payload, { token });
      expect(reply.status, `POST ${url} → ${JSON.stringify(reply.body)}`).toBe(201);
      return reply.body.id as number;
    };
    const ids: Record<string, number[]> = { store_id: [], item_id: [], tag_id: [], team_id: [], hero_id: [], user_id: [] };
    for (const s of [1, 2]) {
      const store = await make('/store', { name: `Store ${n}.${s}` });
      const tags = [await make(`/store/${store}/tag`, { name: 'tag a' }), await make(`/store/${store}/tag`, { name: 'tag b' })];
      ids.store_id!.push(store);
      ids.tag_id!.push(...tags, await make(`/store/${store}/tag`, { name: 'tag c' }));
      for (const i of [0, 1]) {
        const item = await make('/item', { name: `Item ${n}.${s}.${i}`, price: 1.25 + i, store_id: store });
        for (const tag of tags) await make(`/item/${item}/tag/${tag}`);
        ids.item_id!.push(item);
      }
    }
    for (const s of [1, 2]) ids.team_id!.push(await make('/teams', { name: `Team ${n}.${s}`, headquarters: `HQ ${s}` }));
    for (const s of [1, 2]) {
      const teams = [{ team_id: ids.team_id![0], is_training: s === 1 }];
      ids.hero_id!.push(await make('/heroes', { name: `Hero ${n}.${s}`, secret_name: `Secret ${s}`, age: 20 + s, teams }));
    }
    const usernames = [`user ${n}.1`, `user ${n}.2`];
    for (const username of usernames) ids.user_id!.push((await userRepository(t.database).create(username, passwordHash)) as number);
    return { ids, usernames };
  }

  async function send(request: GeneratedRequest): Promise<Answer> {
    const headers: Record<string, string | undefined> = { authorization: await authorization(request.credentials) };
    if (request.contentType) headers['content-type'] = request.contentType;
    const response = await t.app.inject({ method: request.method as 'GET', url: request.url, headers, payload: request.payload });
    return { status: response.statusCode, headers: response.headers, body: response.body };
  }

  it.each(operations.map((operation, index) => [operation.name, operation, index] as const))(
    '%s: no 5xx, every error in the envelope, every success as documented',
    async (_, operation, index) => {
      const { ids, usernames } = await freshRows();
      const context: SchemaContext = {
        document,
        ids: (name) => fc.constantFrom(...(ids[name] ?? [1])),
        known: { username: usernames, password: [PASSWORD] },
      };
      let successes = 0;
      const property = fc.asyncProperty(requestsFor(operation, context), async (request) => {
        const answer = await send(request);
        if (answer.status < 300) successes++;
        const problem = check(operation, answer) ?? refusalProblem(request, answer.status);
        if (problem) throw new Error(report(request, answer, problem));
      });
      await fc.assert(property, { seed: SEED + index, numRuns: runs });
      // Refusals alone would leave the documented successes untested.
      expect(successes, 'generated requests that succeeded').toBeGreaterThan(0);
    },
    20_000 + runs * 200,
  );
});
