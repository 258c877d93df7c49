import { STATUS_CODES } from 'node:http';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { OpenApiDocument, Operation } from './openapi.js';

export interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

const ENVELOPE_FIELDS = new Set(['code', 'status', 'message', 'errors', 'error', 'description']);

/** What is wrong with an error answer's body, measured against §2's envelope; undefined when nothing. */
function envelopeProblem(answer: Answer): string | undefined {
  if (!String(answer.headers['content-type'] ?? '').startsWith('application/json')) {
    return `an error answer that is not JSON (content-type ${String(answer.headers['content-type'])})`;
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return 'an error answer whose body is not valid JSON';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'an error answer that is not a JSON object';
  const envelope = body as Record<string, unknown>;
  if (envelope.code !== answer.status) return `an error envelope whose code (${String(envelope.code)}) is not the HTTP status`;
  if (envelope.status !== STATUS_CODES[answer.status]) {
    return `an error envelope whose status (${JSON.stringify(envelope.status)}) is not "${STATUS_CODES[answer.status]}"`;
  }
  const extra = Object.keys(envelope).filter((key) => !ENVELOPE_FIELDS.has(key));
  if (extra.length > 0) return `an error envelope with fields outside the envelope: ${extra.join(', ')}`;
  for (const field of ['message', 'error', 'description']) {
    if (field in envelope && typeof envelope[field] !== 'string') return `an error envelope whose ${field} is not a string`;
  }
  if ('errors' in envelope && (typeof envelope.errors !== 'object' || envelope.errors === null)) {
    return 'an error envelope whose errors is not an object';
  }
  return undefined;
}

/**
 * Checks answers against the contract: no 5xx; every error in §2's envelope, its `code` the HTTP
 * status; every success documented for its operation and valid against the documented schema.
 */
export function contractChecker(document: OpenApiDocument) {
  // OpenAPI 3.1 schemas are JSON Schema 2020-12; the document's own fields are no keywords, hence not strict.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema(document, 'openapi.json');
  const validators = new Map<string, ValidateFunction>();
  const validator = (reference: string) => {
    if (!validators.has(reference)) validators.set(reference, ajv.compile({ $ref: `openapi.json${reference}` }));
    return validators.get(reference)!;
  };

  /** What is wrong with `answer` to `operation`; undefined when nothing is. */
  return (operation: Operation, answer: Answer): string | undefined => {
    if (answer.status >= 500) return `a ${answer.status} answer`;
    if (answer.status >= 400) return envelopeProblem(answer);
    if (answer.status < 200 || answer.status >= 300) return undefined;
    const reference = operation.responses[String(answer.status)];
    if (!reference) return `a ${answer.status} answer that the document does not list for ${operation.name}`;
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      return `a ${answer.status} answer whose body is not valid JSON`;
    }
    const validate = validator(reference);
    if (!validate(body)) return `a ${answer.status} answer off its documented schema: ${ajv.errorsText(validate.errors)}`;
    return undefined;
  };
}
