import util from 'node:util';
import type { DatabaseConfig } from '../config/config.js';

/** The database that DATABASE_URL names cannot be opened or reached; the message says which and why. */
export class DatabaseConnectionError extends Error {
  override name = 'DatabaseConnectionError';
}

/** Where a PostgreSQL URL points, as host:port/database: never its user name or password. */
export function postgresTarget(url: string): string {
  try {
    const parsed = new URL(url);
    // A socket folder may come as ?host=…; pg's defaults fill in what the URL leaves out.
    const host = parsed.searchParams.get('host') || decodeURIComponent(parsed.hostname) || 'localhost';
    const database = decodeURIComponent(parsed.pathname.slice(1)) || decodeURIComponent(parsed.username) || 'postgres';
    return `${host}:${parsed.port || '5432'}/${database}`;
  } catch {
    return 'the DATABASE_URL given';
  }
}

// The system's words for these would be "unknown node or service" and "temporary failure".
const NAME_LOOKUP: Record<string, string> = {
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be looked up now',
};

/** A system error (a socket, a file) in words, with its code: "connection refused (ECONNREFUSED)". */
export function systemReason(error: NodeJS.ErrnoException): string {
  const code = error.code ?? 'unknown';
  const words = NAME_LOOKUP[code] ?? (error.errno === undefined ? undefined : util.getSystemErrorMap().get(error.errno)?.[1]);
  return `${words ?? error.message} (${code})`;
}

const isSystemError = (error: Error): error is NodeJS.ErrnoException => 'syscall' in error && 'code' in error;

/**
 * SQLSTATEs with which a PostgreSQL server turns a connection away: connection exceptions (08),
 * authentication (28), a database that does not exist (3D000), too many connections (53300), a server
 * starting or stopping (57P).
 */
const REFUSALS = /^(08|28|3D000|53300|57P)/;
const AUTHENTICATION = /^28/;
// pg's own words when a connection ends before it is usable.
const CONNECTION_FAILURES =
  /^(Connection terminated|timeout exceeded when trying to connect|timeout expired|The server does not support SSL|There was an error establishing an SSL connection)/;

/** Why PostgreSQL could not be reached, when `error` says it could not; else undefined. */
function postgresReason(error: Error): string | undefined {
  if (isSystemError(error)) return systemReason(error);
  const code = (error as { code?: unknown }).code;
  if ('severity' in error && typeof code === 'string' && REFUSALS.test(code)) {
    return `${AUTHENTICATION.test(code) ? 'authentication failed: ' : ''}${error.message} (SQLSTATE ${code})`;
  }
  if (error.message.startsWith('SASL:')) return `authentication failed: ${error.message}`;
  return CONNECTION_FAILURES.test(error.message) ? error.message : undefined;
}

/** better-sqlite3's codes for a file that cannot be opened, read or written, whatever the statement. */
const SQLITE_FILE_CODES = /^SQLITE_(CANTOPEN|NOTADB|READONLY|IOERR|PERM|CORRUPT|FULL|AUTH)/;

function sqliteReason(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && SQLITE_FILE_CODES.test(code) ? `${error.message} (${code})` : undefined;
}

/** `error` and its causes, outermost first. */
function* causes(error: unknown): Generator<Error> {
  for (let current = error; current instanceof Error; current = current.cause) yield current;
}

/**
 * When `error` (or one of its causes) says that the database `config` names could not be reached or
 * opened, an error that names it (PostgreSQL's host, port and database; SQLite's file) and says why.
 * Any other error, such as a migration's own, gives undefined.
 */
export function explainConnectionError(config: DatabaseConfig, error: unknown): DatabaseConnectionError | undefined {
  for (const cause of causes(error)) {
    if (cause instanceof DatabaseConnectionError) return cause;
    if (config.kind === 'postgres') {
      const reason = postgresReason(cause);
      if (reason)
        return new DatabaseConnectionError(`PostgreSQL at ${postgresTarget(config.url)} could not be reached: ${reason}`, { cause });
    } else {
      const reason = sqliteReason(cause);
      if (reason) return new DatabaseConnectionError(`the SQLite database ${config.path} cannot be used: ${reason}`, { cause });
    }
  }
  return undefined;
}
