/**
 * JSON as a client may write it, beyond what JSON.stringify of a JavaScript value can: number tokens
 * JavaScript cannot hold (`1e400`, a 400-digit integer), and objects with any keys in any order,
 * `__proto__` included (as plain JavaScript objects they would set the prototype instead).
 */
export type RawJson = null | boolean | number | string | RawToken | RawObject | RawJson[] | { [key: string]: RawJson };

/** A token written as is, such as `1e400`. */
export class RawToken {
  constructor(readonly text: string) {}
}

/** An object as its entries, in order. */
export class RawObject {
  constructor(readonly entries: [string, RawJson][]) {}
}

/** The JSON text of `value`. JSON.stringify writes lone surrogates as `\udXXX` escapes: still valid JSON. */
export function jsonText(value: RawJson): string {
  if (value instanceof RawToken) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = value instanceof RawObject ? value.entries : Object.entries(value);
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${jsonText(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The entries of an object of `value`, whichever way it is written; none for anything else. */
export const entriesOf = (value: RawJson): [string, RawJson][] =>
  value instanceof RawObject
    ? value.entries
    : typeof value === 'object' && value !== null && !(value instanceof RawToken)
      ? Object.entries(value)
      : [];
