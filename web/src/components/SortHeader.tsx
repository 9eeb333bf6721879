import { ariaSort, type SortColumn } from '../lib/listState';

/** A column header that sorts the list; aria-sort tells which way. */
export function SortHeader({
  label,
  col,
  sort,
  onSort,
  numeric = false,
}: {
  label: string;
  col: SortColumn;
  sort: string;
  onSort: (c: SortColumn) => void;
  numeric?: boolean;
}) {
  const dir = ariaSort(sort, col);
  return (
    <th scope="col" role="columnheader" aria-sort={dir} class={numeric ? 'num' : undefined}>
      <button type="button" class="sort" onClick={() => onSort(col)}>
        {label}
        <span class="sort-mark" aria-hidden="true">
          {dir === 'ascending' ? '▲' : dir === 'descending' ? '▼' : '↕'}
        </span>
      </button>
    </th>
  );
}
