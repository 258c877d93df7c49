import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';

export const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 100;

/** flask-smorest's pagination parameters. Both are optional: a request without them gets the defaults. */
export const PageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })),
});
export type PageQuery = Static<typeof PageQuery>;

export interface Page {
  limit: number;
  offset: number;
}

export const toPage = ({ page = 1, page_size = DEFAULT_PAGE_SIZE }: PageQuery): Page => ({
  limit: page_size,
  offset: (page - 1) * page_size,
});

const Count = Type.Integer({ minimum: 0 });
const PageNumber = Type.Integer({ minimum: 1 });

/** What the `X-Pagination` header holds (as JSON). An empty list has only the totals; a page past the end no `page`. */
export const Pagination = Type.Object(
  {
    total: Count,
    total_pages: Count,
    first_page: Type.Optional(PageNumber),
    last_page: Type.Optional(PageNumber),
    page: Type.Optional(PageNumber),
    previous_page: Type.Optional(PageNumber),
    next_page: Type.Optional(PageNumber),
  },
  { $id: 'Pagination', description: "A list's page counts, as flask-smorest's X-Pagination header gives them." },
);
export type Pagination = Static<typeof Pagination>;

/** The `X-Pagination` header, as flask-smorest writes it. */
export function paginationMetadata({ page = 1, page_size = DEFAULT_PAGE_SIZE }: PageQuery, total: number): Pagination {
  if (total === 0) return { total: 0, total_pages: 0 };
  const last = Math.ceil(total / page_size);
  const metadata: Pagination = { total, total_pages: last, first_page: 1, last_page: last };
  if (page <= last) {
    metadata.page = page;
    if (page > 1) metadata.previous_page = page - 1;
    if (page < last) metadata.next_page = page + 1;
  }
  return metadata;
}

export function setPagination(reply: FastifyReply, query: PageQuery, total: number): void {
  reply.header('x-pagination', JSON.stringify(paginationMetadata(query, total)));
}
