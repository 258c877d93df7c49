import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from '../../client/openapi.js';
import { contractChecker } from './contract-checks.js';
import { operationsOf, type OpenApiDocument } from './openapi.js';

export type TypedClient = Client<paths>;

/**
 * openapi-fetch clients typed by the generated `paths`, whose every answer is also checked against the
 * document the server serves: a status the operation does not list, a success off its schema, or an
 * error outside the envelope is recorded in `problems`, for the tests to fail on.
 */
export function typedClients(baseUrl: string, document: OpenApiDocument) {
  const operations = new Map(operationsOf(document).map((operation) => [operation.name, operation]));
  const check = contractChecker(document);
  const problems: string[] = [];

  const contract: Middleware = {
    async onResponse({ request, response, schemaPath }) {
      const name = `${request.method} ${schemaPath}`;
      const operation = operations.get(name);
      if (!operation) {
        problems.push(`${name}: not an operation of the document`);
        return;
      }
      const documented = Object.keys(document.paths[schemaPath]?.[request.method.toLowerCase()]?.responses ?? {});
      if (!documented.includes(String(response.status))) {
        problems.push(`${name}: a ${response.status} answer, not among the documented ${documented.join(', ')}`);
      }
      const answer = { status: response.status, headers: Object.fromEntries(response.headers), body: await response.clone().text() };
      const problem = check(operation, answer);
      if (problem) problems.push(`${name}: ${problem}`);
    },
  };

  /** A client that sends `token` (an access token, or a refresh token for POST /refresh) when given one. */
  const client = (token?: string): TypedClient => {
    const typed = createClient<paths>({ baseUrl, headers: token ? { authorization: `Bearer ${token}` } : {} });
    typed.use(contract);
    return typed;
  };
  return { client, problems };
}

/** The `X-Pagination` header of an answer, parsed. */
export function pagination(response: Response): Record<string, number> {
  return JSON.parse(response.headers.get('x-pagination') ?? 'null') as Record<string, number>;
}
