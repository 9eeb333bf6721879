// The state behind every list page (runs, weekly report, users): the filter
// being typed, the filter applied, the page and the sort. Kept as a pure
// reducer so the rules are unit-tested: a new filter or sort starts again at
// page 0, and typing alone never reloads the list.

export interface ListState {
  /** What is in the Filter box now. */
  draft: string;
  /** What the list was last asked for with. */
  filter: string;
  page: number;
  /** The API's sort parameter, e.g. "-date"; "" means the server's default. */
  sort: string;
}

export type ListAction =
  | { type: 'type'; text: string }
  | { type: 'apply' }
  | { type: 'clear' }
  | { type: 'page'; page: number }
  | { type: 'sort'; column: SortColumn };

/**
 * The sort keys of one column. Usually `field` / `-field`, but a column may
 * map differently: pace ascending is speed descending.
 */
export interface SortColumn {
  asc: string;
  desc: string;
}

export const column = (field: string): SortColumn => ({ asc: field, desc: `-${field}` });

export const initialListState = (sort = ''): ListState => ({ draft: '', filter: '', page: 0, sort });

export function listReducer(state: ListState, action: ListAction): ListState {
  switch (action.type) {
    case 'type':
      return { ...state, draft: action.text };
    case 'apply': {
      const filter = state.draft.trim();
      // Applying the same filter again still returns a new object, so the
      // list reloads (a person pressing Enter expects fresh data).
      return { ...state, draft: filter, filter, page: 0 };
    }
    case 'clear':
      return { ...state, draft: '', filter: '', page: 0 };
    case 'page':
      return { ...state, page: Math.max(0, action.page) };
    case 'sort':
      return { ...state, sort: nextSort(state.sort, action.column), page: 0 };
  }
}

/** Clicking a column: ascending first, then descending, then ascending again. */
export function nextSort(current: string, col: SortColumn): string {
  return current === col.asc ? col.desc : col.asc;
}

/** The aria-sort value of a column under the current sort. */
export function ariaSort(current: string, col: SortColumn): 'ascending' | 'descending' | undefined {
  if (current === col.asc) return 'ascending';
  if (current === col.desc) return 'descending';
  return undefined;
}

/** Query parameters for the API; empty values are left out. */
export function listQuery(state: ListState, count: number): Record<string, string> {
  const q: Record<string, string> = { page: String(state.page), count: String(count) };
  if (state.filter) q.filter = state.filter;
  if (state.sort) q.sort = state.sort;
  return q;
}
