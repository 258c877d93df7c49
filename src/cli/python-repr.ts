/** Values printed as the chapter's Python programs print them: `'text'`, `None`, `True`. */
export function repr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') {
    return value.includes("'") && !value.includes('"') ? `"${value}"` : `'${value.replace(/'/g, "\\'")}'`;
  }
  if (Array.isArray(value)) return `[${value.map(repr).join(', ')}]`;
  return String(value);
}

/** A model as `Name(field=value, …)`, fields in the order given. */
export const model = (name: string, fields: Record<string, unknown>) =>
  `${name}(${Object.entries(fields)
    .map(([key, value]) => `${key}=${repr(value)}`)
    .join(', ')})`;

/** Parameters as a Python tuple, as SQLAlchemy's echo shows them. */
export const tuple = (values: readonly unknown[]) => (values.length === 1 ? `(${repr(values[0])},)` : `(${values.map(repr).join(', ')})`);
