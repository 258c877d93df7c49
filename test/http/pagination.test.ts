import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { MAX_PAGE_SIZE, PageQuery, paginationMetadata, toPage } from '../../src/http/pagination.js';

describe('paginationMetadata (the X-Pagination header, as flask-smorest writes it)', () => {
  it('says only total and total_pages when there is nothing', () => {
    expect(paginationMetadata({ page: 1, page_size: 100 }, 0)).toEqual({ total: 0, total_pages: 0 });
    expect(paginationMetadata({ page: 3, page_size: 10 }, 0)).toEqual({ total: 0, total_pages: 0 });
  });

  it('has neither previous_page nor next_page when one page holds everything', () => {
    expect(paginationMetadata({ page: 1, page_size: 100 }, 7)).toEqual({
      total: 7,
      total_pages: 1,
      first_page: 1,
      last_page: 1,
      page: 1,
    });
  });

  it('has next_page but no previous_page on the first of several pages', () => {
    expect(paginationMetadata({ page: 1, page_size: 10 }, 25)).toEqual({
      total: 25,
      total_pages: 3,
      first_page: 1,
      last_page: 3,
      page: 1,
      next_page: 2,
    });
  });

  it('has previous_page and next_page on a middle page', () => {
    expect(paginationMetadata({ page: 2, page_size: 10 }, 25)).toEqual({
      total: 25,
      total_pages: 3,
      first_page: 1,
      last_page: 3,
      page: 2,
      previous_page: 1,
      next_page: 3,
    });
  });

  it('has previous_page but no next_page on the last page', () => {
    expect(paginationMetadata({ page: 3, page_size: 10 }, 25)).toEqual({
      total: 25,
      total_pages: 3,
      first_page: 1,
      last_page: 3,
      page: 3,
      previous_page: 2,
    });
  });

  it('counts a last page that is exactly full as the last page', () => {
    expect(paginationMetadata({ page: 2, page_size: 10 }, 20)).toEqual({
      total: 20,
      total_pages: 2,
      first_page: 1,
      last_page: 2,
      page: 2,
      previous_page: 1,
    });
    expect(paginationMetadata({ page: 1, page_size: 10 }, 21)).toMatchObject({
      total_pages: 3,
      last_page: 3,
      next_page: 2,
    });
  });

  it('has no page (nor previous_page, next_page) for a page past the last', () => {
    const metadata = paginationMetadata({ page: 5, page_size: 10 }, 25);
    expect(metadata).toEqual({ total: 25, total_pages: 3, first_page: 1, last_page: 3 });
    expect(metadata).not.toHaveProperty('page');
    expect(metadata).not.toHaveProperty('previous_page');
    expect(metadata).not.toHaveProperty('next_page');
  });

  it('uses the defaults (page 1, 100 a page) for what the query left out', () => {
    expect(paginationMetadata({}, 250)).toEqual({
      total: 250,
      total_pages: 3,
      first_page: 1,
      last_page: 3,
      page: 1,
      next_page: 2,
    });
  });
});

describe('toPage', () => {
  it('turns page and page_size into limit and offset', () => {
    expect(toPage({ page: 1, page_size: 100 })).toEqual({ limit: 100, offset: 0 });
    expect(toPage({ page: 3, page_size: 20 })).toEqual({ limit: 20, offset: 40 });
    expect(toPage({})).toEqual({ limit: 100, offset: 0 });
  });
});

describe('PageQuery', () => {
  const validate = new Ajv({ coerceTypes: true, useDefaults: true }).compile(PageQuery);

  it('fills in page 1 and page_size 100 when they are left out', () => {
    const query = {};
    expect(validate(query)).toBe(true);
    expect(query).toEqual({ page: 1, page_size: 100 });
  });

  it(`accepts page_size up to ${MAX_PAGE_SIZE} and refuses more, or a page below 1`, () => {
    expect(validate({ page: '2', page_size: String(MAX_PAGE_SIZE) })).toBe(true);
    expect(validate({ page_size: MAX_PAGE_SIZE + 1 })).toBe(false);
    expect(validate({ page_size: 0 })).toBe(false);
    expect(validate({ page: 0 })).toBe(false);
    expect(validate({ page: 'two' })).toBe(false);
  });
});
