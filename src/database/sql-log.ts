import type { Logger } from 'pino';
import type { QueryEvent } from './connection.js';

/** A password hash is a secret: the statements that write one are logged with it redacted. */
const redact = (value: unknown) => (typeof value === 'string' && value.startsWith('$argon2') ? '[redacted]' : value);

/** LOG_SQL: every statement with its parameters and duration, as SQLModel's `echo=True` shows them. */
export const logSql = (logger: Logger) => (event: QueryEvent) =>
  logger.info({ sql: event.sql, parameters: event.parameters.map(redact), ms: Number(event.durationMs.toFixed(3)) }, 'sql');
