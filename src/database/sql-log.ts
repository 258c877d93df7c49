import type { Logger } from 'pino';
import type { QueryEvent } from './connection.js';

/** LOG_SQL: every statement with its parameters and duration, as SQLModel's `echo=True` shows them. */
export const logSql = (logger: Logger) => (event: QueryEvent) =>
  logger.info({ sql: event.sql, parameters: event.parameters, ms: Number(event.durationMs.toFixed(3)) }, 'sql');
