import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { JsonBytes, JsonText } from '../database/sql-flavor.js';
import { HttpError } from './http-error.js';
import { MAX_PAGE_SIZE, setPagination, toPage, type Page } from './pagination.js';
import { MAX_ID } from './schemas.js';
import { sendJson } from './send-json.js';

export const MAX_LIMIT = 100;

/**
 * SQLModel's FastAPI tutorial pages heroes with `offset`/`limit` (limit at most 100); flask-smorest's
 * `page`/`page_size` work too. No defaults here, so the handler can tell which style was used.
 */
export const OffsetOrPageQuery = Type.Object({
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ID })),
  limit: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_LIMIT })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ID })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
});
export type OffsetOrPageQuery = Static<typeof OffsetOrPageQuery>;

/**
 * Reads one page with `fetch` in whichever style the query asked for; pages (not offsets) also get
 * the `X-Pagination` header. Mixing the two styles is a 422.
 */
export async function pageBy<Row>(
  query: OffsetOrPageQuery,
  reply: FastifyReply,
  fetch: (page: Page) => Promise<{ json: JsonText<Row[]> | JsonBytes<Row[]>; total: number }>,
): Promise<FastifyReply> {
  const { offset, limit, page, page_size } = query;
  const byOffset = offset !== undefined || limit !== undefined;
  if (byOffset && (page !== undefined || page_size !== undefined)) {
    throw new HttpError(422, undefined, {
      query: { _schema: ['Use either offset and limit, or page and page_size.'] },
    });
  }
  if (byOffset) return sendJson(reply, (await fetch({ offset: offset ?? 0, limit: limit ?? MAX_LIMIT })).json);
  const { json, total } = await fetch(toPage({ page, page_size }));
  setPagination(reply, { page, page_size }, total);
  return sendJson(reply, json);
}
