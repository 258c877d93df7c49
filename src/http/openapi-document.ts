import { acceptedInput, type Schema } from './coerce.js';
import { ERROR_ANSWERS } from './error-responses.js';

/** A part of the JSON document. */
type Json = Record<string, unknown>;

interface Operation {
  operationId?: string;
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Json }> };
  responses: Record<string, { description: string; headers?: Json; content?: Record<string, { schema: Json }> }>;
}

export interface OpenApiDocument {
  openapi: string;
  info: Json;
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; securitySchemes?: Json };
}

const COMPONENTS = '#/components/schemas/';

/** The `X-Pagination` header of a page of a list (`PaginationMetadata`, as JSON). */
const X_PAGINATION = {
  description: "The list's page counts, as JSON: total, total_pages, first_page, last_page, page, previous_page, next_page.",
  content: { 'application/json': { schema: { $ref: `${COMPONENTS}Pagination` } } },
};

/**
 * A request body as a named component: the body's schema (named by its `title`) as the service accepts
 * it (numeric strings where numbers are wanted, see `acceptedInput`), and required only when it has
 * required fields: a request without a body is read as `{}`.
 */
function nameBody(document: OpenApiDocument, where: string, body: NonNullable<Operation['requestBody']>): void {
  const media = body.content['application/json'];
  if (!media) return;
  const name = media.schema.title as string | undefined;
  if (!name) throw new Error(`${where}: the request body's schema has no title to name it by`);
  const resolve = (ref: string) =>
    ref.startsWith(COMPONENTS) ? (document.components.schemas[ref.slice(COMPONENTS.length)] as Schema) : undefined;
  const accepted = acceptedInput(media.schema, resolve);
  const existing = document.components.schemas[name];
  if (existing && JSON.stringify(existing) !== JSON.stringify(accepted)) throw new Error(`${where}: two request bodies are named ${name}`);
  document.components.schemas[name] = accepted;
  media.schema = { $ref: `${COMPONENTS}${name}` };
  body.required = ((accepted.required as string[] | undefined)?.length ?? 0) > 0;
}

/**
 * What the route schemas cannot say by themselves, added to the generated document once: public
 * operations say so (`security: []`); request bodies are named components; each error answer says what
 * it means (and `Retry-After` where it is sent); each page of a list declares `X-Pagination`.
 */
export function finishDocument(document: OpenApiDocument): OpenApiDocument {
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const where = `${method.toUpperCase()} ${path}`;
      operation.security ??= [];
      if (operation.requestBody) nameBody(document, where, operation.requestBody);
      const paginated = operation.parameters?.some((p) => p.in === 'query' && p.name === 'page');
      for (const [status, answer] of Object.entries(operation.responses)) {
        const error = ERROR_ANSWERS[Number(status)];
        if (error) {
          answer.description = error.description;
          if (error.headers) answer.headers = { ...answer.headers, ...error.headers };
        }
        if (status === '200' && paginated) answer.headers = { ...answer.headers, 'X-Pagination': X_PAGINATION };
      }
    }
  }
  return document;
}
