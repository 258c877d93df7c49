import type { components } from '../../client/openapi.js';

/** The error envelope every refusal of the API comes in. */
export type Envelope = components['schemas']['Error'];

/** A refusal of the API: its status, and its envelope when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly envelope?: Envelope,
  ) {
    super(envelope?.message ?? `The service answered ${status}.`);
  }
}

const isEnvelope = (value: unknown): value is Envelope =>
  typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'number';

/** The outcome of an openapi-fetch call. */
interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a successful answer; a refusal is thrown as an `ApiError`. */
export async function must<T>(call: Promise<Outcome<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ApiError(response.status, isEnvelope(error) ? error : undefined);
  return data as T;
}

/** flask-smorest's `X-Pagination` header. */
export interface Pagination {
  total: number;
  total_pages: number;
  page?: number;
  previous_page?: number;
  next_page?: number;
}

/** A page of a list: its rows, and where it stands among the pages. */
export async function paged<T>(call: Promise<Outcome<T[]>>): Promise<{ rows: T[]; pagination: Pagination }> {
  const outcome = await call;
  const rows = await must(Promise.resolve(outcome));
  const header = outcome.response.headers.get('x-pagination');
  const pagination = header ? (JSON.parse(header) as Pagination) : { total: rows.length, total_pages: 1, page: 1 };
  return { rows, pagination };
}
