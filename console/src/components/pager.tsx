import type { Pagination } from '../api-error.js';

interface PagerProps {
  /** What is paged, for the navigation's name ("items"). */
  of: string;
  page: number;
  pagination?: Pagination;
  onPage: (page: number) => void;
  /** The buttons' names, when a page has two pagers. */
  previous?: string;
  next?: string;
}

/** Previous and next page, and where the page stands. */
export function Pager({ of, page, pagination, onPage, previous = 'Previous page', next = 'Next page' }: PagerProps) {
  const pages = Math.max(1, pagination?.total_pages ?? 1);
  return (
    <nav class="pager" aria-label={`Pages of ${of}`}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {previous}
      </button>
      <span>
        Page {Math.min(page, pages)} of {pages}
        {pagination ? ` · ${pagination.total} ${of}` : ''}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {next}
      </button>
    </nav>
  );
}
