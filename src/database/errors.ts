/** The integrity rules the database refused, in both drivers' words. */
export type ConstraintKind = 'unique' | 'foreign_key' | 'not_null' | 'check';

const SQLITE: Record<string, ConstraintKind> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign_key',
  SQLITE_CONSTRAINT_NOTNULL: 'not_null',
  SQLITE_CONSTRAINT_CHECK: 'check',
};

const POSTGRES: Record<string, ConstraintKind> = {
  '23505': 'unique',
  '23503': 'foreign_key',
  '23502': 'not_null',
  '23514': 'check',
};

export function constraintViolation(error: unknown): ConstraintKind | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  return SQLITE[code] ?? POSTGRES[code];
}

/**
 * A value the database cannot take (PostgreSQL's class 22, "data exception"; SQLite's datatype
 * mismatch or a value too big). Validation keeps such values out; if one gets past it, the request
 * was at fault, not the server.
 */
export function unstorableValue(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return /^22[0-9A-Z]{3}$/.test(code) || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG';
}

/** SQLite found the file locked by another connection (SQLITE_BUSY and its extended codes). */
export function sqliteBusy(error: unknown): boolean {
  return /^SQLITE_BUSY/.test(String((error as { code?: unknown } | null)?.code));
}
