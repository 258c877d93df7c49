import type { ErrorObject } from 'ajv';
import { STORABLE_TEXT } from './schemas.js';

type Messages = { [key: string]: string[] | Messages };

const TYPE_MESSAGES: Record<string, string> = {
  string: 'Not a valid string.',
  number: 'Not a valid number.',
  integer: 'Not a valid integer.',
  boolean: 'Not a valid boolean.',
  array: 'Not a valid list.',
  object: 'Invalid input type.',
};

function rangeMessage(schema: { minimum?: number; maximum?: number }): string {
  const { minimum: min, maximum: max } = schema;
  if (min !== undefined && max !== undefined) {
    return `Must be greater than or equal to ${min} and less than or equal to ${max}.`;
  }
  return min !== undefined ? `Must be greater than or equal to ${min}.` : `Must be less than or equal to ${max}.`;
}

function lengthMessage(schema: { minLength?: number; maxLength?: number }): string {
  const { minLength: min, maxLength: max } = schema;
  if (min !== undefined && max !== undefined) return `Length must be between ${min} and ${max}.`;
  return min !== undefined ? `Shorter than minimum length ${min}.` : `Longer than maximum length ${max}.`;
}

/** Where an error belongs and what it says, in marshmallow's words so that existing clients read them. */
function describe(error: ErrorObject): { path: string[]; message: string } {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const parent = (error.parentSchema ?? {}) as Record<string, number | undefined>;
  switch (error.keyword) {
    case 'required':
      return { path: [...path, error.params.missingProperty], message: 'Missing data for required field.' };
    case 'additionalProperties':
      return { path: [...path, error.params.additionalProperty], message: 'Unknown field.' };
    case 'type':
      // A body that is not an object at all (null included) is marshmallow's `_schema` error.
      if (path.length === 0) return { path, message: 'Invalid input type.' };
      if (error.data === null) return { path, message: 'Field may not be null.' };
      return { path, message: TYPE_MESSAGES[String(error.params.type)] ?? 'Invalid value.' };
    case 'minimum':
    case 'maximum':
      return { path, message: rangeMessage(parent) };
    case 'minLength':
    case 'maxLength':
      return { path, message: lengthMessage(parent) };
    case 'pattern':
      return {
        path,
        message:
          error.params.pattern === STORABLE_TEXT
            ? 'Must not contain NUL characters or unpaired surrogates.'
            : 'String does not match expected pattern.',
      };
    case 'maxItems':
      return { path, message: `Longer than maximum length ${error.params.limit}.` };
    default:
      return { path, message: `${error.message ?? 'Invalid value'}.` };
  }
}

/**
 * Turns Ajv's errors into flask-smorest's shape: `{field: ["message", …]}`, nested for nested fields,
 * with `_schema` for an error about the whole value (a body that is not an object, say).
 */
export function toFieldMessages(errors: ErrorObject[]): Messages {
  // Without a prototype, a field named `__proto__` is a key like any other.
  const record = (): Messages => Object.create(null) as Messages;
  const out = record();
  // A value of the wrong type can also fail the branches of a union; its type error says enough.
  // A nullable field's `null` branch fails for every other value too: the other branch's errors say enough.
  const within = (path: string, field: string) => path === field || path.startsWith(`${field}/`);
  const nullBranch = (e: ErrorObject) =>
    e.keyword === 'type' &&
    e.params.type === 'null' &&
    errors.some((other) => other !== e && other.keyword !== 'anyOf' && within(other.instancePath, e.instancePath));
  for (const error of errors.filter((e) => e.keyword !== 'anyOf' && !nullBranch(e))) {
    const { path, message } = describe(error);
    const keys = path.length > 0 ? path : ['_schema'];
    let node = out;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      if (next && !Array.isArray(next)) node = next;
      else {
        const child = record();
        node[key] = child;
        node = child;
      }
    }
    const last = keys[keys.length - 1] as string;
    const list = node[last];
    const messages: string[] = Array.isArray(list) ? list : [];
    node[last] = messages;
    if (!messages.includes(message)) messages.push(message);
  }
  return out;
}
