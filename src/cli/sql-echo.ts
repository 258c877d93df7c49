import type { QueryEvent } from '../database/connection.js';
import { tuple } from './python-repr.js';

/** SQL echo in the shape SQLModel's `echo=True` prints: the statement, then its timing and parameters. */
export const echoSql =
  (write: (line: string) => void) =>
  ({ sql, parameters, durationMs }: QueryEvent) => {
    write(`INFO Engine ${sql.includes('\n') ? `\n${sql}\n` : sql}`);
    write(`INFO Engine [${(durationMs / 1000).toFixed(5)}s] ${tuple(parameters)}`);
  };
