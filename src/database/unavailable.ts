/**
 * Raised where Junction itself finds the database unable to serve: a write lock it could not get in
 * time, a disk with no room, a server that takes no writes.
 */
export class DatabaseUnavailable extends Error {
  override name = 'DatabaseUnavailable';
}

/**
 * PostgreSQL's codes for a server that cannot serve now, whatever the request: connection exceptions
 * (class 08), shutdown (57P01–57P03), a statement or lock wait past its timeout (57014, 55P03),
 * insufficient resources (class 53: too many connections, disk full, out of memory), and transactions
 * the server gave up on and that a retry may pass (40001, 40P01).
 */
const POSTGRES = /^(08...|57P0[123]|57014|55P03|53...|40001|40P01)$/;

/** Socket errors of a connection to a server that went away or never answered. */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** SQLite's: locked by another connection, out of disk, or an I/O fault (extended codes included). */
const SQLITE = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|PROTOCOL|NOLFS)/;

/** The drivers' own words for a pool wait that timed out, and for a connection that broke or was closed. */
const DRIVER_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /not queryable/i,
  /query read timeout/i,
  /cannot use a pool after calling end/i,
  /the database connection is not open/i,
  /driver has already been destroyed/i,
];

/**
 * Whether an error says the database cannot serve now (down, restarting, locked, saturated, out of
 * disk) rather than that the request or the code was wrong: such a request is answered 503 with
 * `Retry-After`, and may be sent again.
 */
export function unavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailable) return true;
  // Connecting to every address of a host fails as one AggregateError of each address's error.
  if (error instanceof AggregateError) return error.errors.some(unavailable);
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (POSTGRES.test(code) || NETWORK.has(code) || SQLITE.test(code))) return true;
  return typeof message === 'string' && DRIVER_MESSAGES.some((pattern) => pattern.test(message));
}
