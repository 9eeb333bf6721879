import { describe, expect, it } from 'vitest';
import { pageInfo, parseLinkHeader, parseTotalCount } from './paging';

const link = (rels: Record<string, number>) =>
  Object.entries(rels)
    .map(([rel, page]) => `</results?page=${page}&count=10&filter=distance%20gt%205>; rel="${rel}"`)
    .join(', ');

describe('paging headers', () => {
  it('reads the Link header pages by relation', () => {
    expect(parseLinkHeader(link({ first: 0, prev: 1, next: 3, last: 4 }))).toEqual({ first: 0, prev: 1, next: 3, last: 4 });
    expect(parseLinkHeader(null)).toEqual({});
    expect(parseLinkHeader('garbage, <nope>; rel=next')).toEqual({});
  });

  it('reads X-Total-Count', () => {
    expect(parseTotalCount('42')).toBe(42);
    expect(parseTotalCount(null)).toBeNull();
    expect(parseTotalCount('-1')).toBeNull();
  });

  it('knows where the page is from both headers', () => {
    const h = new Headers({ 'X-Total-Count': '23', Link: link({ first: 0, next: 1, last: 2 }) });
    expect(pageInfo(0, 10, h)).toEqual({ page: 0, total: 23, pages: 3, hasPrev: false, hasNext: true });
    const last = new Headers({ 'X-Total-Count': '23', Link: link({ first: 0, prev: 1, last: 2 }) });
    expect(pageInfo(2, 10, last)).toEqual({ page: 2, total: 23, pages: 3, hasPrev: true, hasNext: false });
  });

  it('falls back to the count alone, and an empty list is one page', () => {
    expect(pageInfo(1, 10, new Headers({ 'X-Total-Count': '20' }))).toMatchObject({ pages: 2, hasPrev: true, hasNext: false });
    expect(pageInfo(0, 10, new Headers({ 'X-Total-Count': '0' }))).toMatchObject({ pages: 1, hasPrev: false, hasNext: false });
  });
});
