import type { PageInfo } from '../lib/paging';

export function Pager({
  info,
  noun,
  onPage,
}: {
  info: PageInfo | null;
  /** Plural of what is counted: "runs", "weeks", "users". */
  noun: [string, string];
  onPage: (page: number) => void;
}) {
  if (!info) return null;
  const total = info.total ?? 0;
  return (
    <div class="pager" role="group" aria-label="Pages">
      <button type="button" disabled={!info.hasPrev} onClick={() => onPage(info.page - 1)}>
        Previous page
      </button>
      <span class="pager-pos">
        Page {info.page + 1} of {info.pages}
      </span>
      <button type="button" disabled={!info.hasNext} onClick={() => onPage(info.page + 1)}>
        Next page
      </button>
      <span class="pager-total" role="status">
        {total} {total === 1 ? noun[0] : noun[1]}
      </span>
    </div>
  );
}
