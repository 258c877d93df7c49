import { STATUS_CODES } from 'node:http';

/** The error envelope of every error answer: `{code, status, message?, errors?}`; `error` on auth errors. */
export interface Envelope {
  code: number;
  status: string;
  error?: string;
  message?: string;
  errors?: Record<string, unknown>;
}

export function envelope(code: number, extra: Omit<Envelope, 'code' | 'status'> = {}): Envelope {
  return { code, status: STATUS_CODES[code] ?? 'Error', ...extra };
}

/** An error meant for the client: thrown anywhere in a request, answered in the envelope. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message?: string,
    readonly errors?: Record<string, unknown>,
  ) {
    super(message ?? STATUS_CODES[statusCode] ?? 'Error');
    this.hasMessage = message !== undefined;
  }
  readonly hasMessage: boolean;
  /** Headers the answer carries (`WWW-Authenticate`, say). */
  headers?: Record<string, string>;

  toEnvelope(): Envelope {
    return envelope(this.statusCode, {
      ...(this.hasMessage ? { message: this.message } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
    });
  }
}

export const notFound = (message?: string) => new HttpError(404, message);
export const badRequest = (message: string) => new HttpError(400, message);
export const conflict = (message: string) => new HttpError(409, message);
export const forbidden = (message: string) => new HttpError(403, message);

/** The value, or a 404 with `message` when there is none. */
export function found<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw notFound(message);
  return value;
}
