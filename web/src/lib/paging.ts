// Paging from the API's response headers: X-Total-Count and the RFC 8288
// Link header (first, prev, next, last). The Link header is the authority on
// whether a neighbouring page exists; the count is shown to people.

export type LinkPages = Partial<Record<'first' | 'prev' | 'next' | 'last', number>>;

export interface PageInfo {
  page: number;
  /** null when the server did not say (never expected from jogtrack). */
  total: number | null;
  /** Number of pages; at least 1 so "Page 1 of 1" reads well on an empty list. */
  pages: number;
  hasPrev: boolean;
  hasNext: boolean;
}

/** `<...?page=2&count=10>; rel="next", ...` → { next: 2, ... }. */
export function parseLinkHeader(header: string | null): LinkPages {
  const out: LinkPages = {};
  if (!header) return out;
  for (const part of header.split(',')) {
    const m = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (!m) continue;
    const rel = /rel\s*=\s*"?([^";]+)"?/.exec(m[2])?.[1];
    const page = new URL(m[1], 'http://x/').searchParams.get('page');
    if (page === null || !/^\d+$/.test(page)) continue;
    for (const r of (rel ?? '').split(/\s+/)) {
      if (r === 'first' || r === 'prev' || r === 'next' || r === 'last') out[r] = Number(page);
    }
  }
  return out;
}

export function parseTotalCount(header: string | null): number | null {
  return header !== null && /^\d+$/.test(header.trim()) ? Number(header) : null;
}

export function pageInfo(page: number, count: number, headers: Headers): PageInfo {
  const total = parseTotalCount(headers.get('X-Total-Count'));
  const links = parseLinkHeader(headers.get('Link'));
  const pages =
    links.last !== undefined ? links.last + 1 : total !== null ? Math.max(1, Math.ceil(total / count)) : page + 1;
  return {
    page,
    total,
    pages: Math.max(1, pages),
    hasPrev: links.prev !== undefined ? true : page > 0,
    hasNext: links.next !== undefined ? links.next > page : total !== null && (page + 1) * count < total,
  };
}
