/** A JSON Schema as the OpenAPI 3.1 document holds it. */
export type Schema = Record<string, any>;

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, Schema> };
}

interface OperationObject {
  parameters?: { name: string; in: string; required?: boolean; schema: Schema }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

export interface Parameter {
  name: string;
  required: boolean;
  schema: Schema;
}

/** One operation of the document, as a client sees it. */
export interface Operation {
  /** "GET /item/{item_id}" */
  name: string;
  method: string;
  /** The path template, "/item/{item_id}". */
  path: string;
  pathParameters: Parameter[];
  queryParameters: Parameter[];
  /** The JSON body's schema, when the operation takes one. */
  body?: Schema;
  /** Whether the operation needs a token. */
  secured: boolean;
  /** A JSON Pointer into the document to the JSON schema of each documented status's answer. */
  responses: Record<string, string>;
}

/** RFC 6901: `~` and `/` escaped, then RFC 3986 for the URI fragment (braces, for one). */
const pointer = (...tokens: string[]) =>
  `#/${tokens.map((t) => encodeURIComponent(t.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/')}`;

export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const parameters = (where: string) =>
        (operation.parameters ?? [])
          .filter((p) => p.in === where)
          .map((p) => ({ name: p.name, required: p.required ?? false, schema: p.schema }));
      const responses = Object.fromEntries(
        Object.entries(operation.responses)
          .filter(([, answer]) => answer.content?.['application/json'])
          .map(([status]) => [status, pointer('paths', path, method, 'responses', status, 'content', 'application/json', 'schema')]),
      );
      return {
        name: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParameters: parameters('path'),
        queryParameters: parameters('query'),
        body: operation.requestBody?.content['application/json']?.schema,
        secured: (operation.security?.length ?? 0) > 0,
        responses,
      };
    }),
  );
}

/** The schema `#/components/schemas/Name` names, or `schema` itself when it is no reference. */
export function resolved(document: OpenApiDocument, schema: Schema): Schema {
  const name = typeof schema.$ref === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(schema.$ref)?.[1] : undefined;
  return name ? resolved(document, document.components.schemas[name]!) : schema;
}
