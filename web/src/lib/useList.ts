import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import type { ApiError, ApiResponse } from '../api/http';
import { toApiError } from '../components/ErrorAlert';
import { initialListState, listQuery, listReducer } from './listState';
import { pageInfo, type PageInfo } from './paging';

export const PAGE_SIZE = 10;

/**
 * Loads one page of a list whenever the filter, page, sort or `key` (e.g. the
 * user an admin is looking at) changes, and on reload().
 */
export function useList<T>(
  load: (query: Record<string, string>) => Promise<ApiResponse<T[]>>,
  key: string,
  defaultSort: string,
) {
  const [state, dispatch] = useReducer(listReducer, defaultSort, initialListState);
  const [items, setItems] = useState<T[] | null>(null);
  const [info, setInfo] = useState<PageInfo | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const lastKey = useRef(key);

  useEffect(() => {
    // Another user's list starts on its first page.
    if (key !== lastKey.current) {
      lastKey.current = key;
      if (state.page !== 0) {
        dispatch({ type: 'page', page: 0 });
        return;
      }
    }
    let live = true;
    setLoading(true);
    load(listQuery(state, PAGE_SIZE))
      .then((res) => {
        if (!live) return;
        // The last item of the last page was deleted: show the page before.
        if (res.data.length === 0 && state.page > 0) {
          dispatch({ type: 'page', page: state.page - 1 });
          return;
        }
        setItems(res.data);
        setInfo(pageInfo(state.page, PAGE_SIZE, res.headers));
        setError(null);
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (!live) return;
        setItems(null);
        setInfo(null);
        setError(toApiError(e));
        setLoading(false);
      });
    return () => {
      live = false;
    };
    // `state` changes on every keystroke in the Filter box; only what the
    // request depends on triggers a load.
  }, [state.filter, state.page, state.sort, key, version]);

  return {
    state,
    dispatch: (a: Parameters<typeof dispatch>[0]) => {
      dispatch(a);
      if (a.type === 'apply') setVersion((v) => v + 1);
    },
    items,
    info,
    error,
    loading,
    reload: () => setVersion((v) => v + 1),
  };
}
