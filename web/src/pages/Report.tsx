import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { session } from '../api/session';
import type { User, WeekSummary } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { FilterBox } from '../components/FilterBox';
import { Pager } from '../components/Pager';
import { SortHeader } from '../components/SortHeader';
import { SubjectPicker } from '../components/SubjectPicker';
import type { WeeklyChart as WeeklyChartType } from '../components/WeeklyChart';
import { formatKm, formatKmh, formatPaceFromSpeed } from '../lib/format';
import { column, type SortColumn } from '../lib/listState';
import { useList } from '../lib/useList';
import { usePageTitle } from '../lib/usePageTitle';

const paceColumn: SortColumn = { asc: '-average_speed', desc: 'average_speed' };

export function Report({ subject, onSubject }: { subject: User | null; onSubject: (u: User | null) => void }) {
  usePageTitle('Weekly report');
  const userId = subject?.user_id;
  const list = useList<WeekSummary>(
    (q) => api<WeekSummary[]>('GET', '/results/reports/weekly', { query: { ...q, format: 'list', user_id: userId } }),
    String(userId ?? ''),
    '-week',
  );
  const sort = (c: SortColumn) => list.dispatch({ type: 'sort', column: c });
  const s = list.state.sort;
  const WeeklyChart = useChart();

  return (
    <main id="main">
      <div class="page-head">
        <h1 tabIndex={-1}>{subject ? `Weekly report of ${subject.username}` : 'Weekly report'}</h1>
      </div>
      {session.role === 'admin' && <SubjectPicker subject={subject} onSubject={onSubject} />}
      <FilterBox
        state={list.state}
        dispatch={list.dispatch}
        fields="the run fields: date, distance (m), time (s), speed (m/s), temperature_max, … (applied before grouping)"
        example="date ge 2024-01-01"
      />
      <ErrorAlert error={list.error} />
      {list.items && list.items.length > 0 && (WeeklyChart ? <WeeklyChart weeks={list.items} /> : <div class="chart" />)}
      <div class="table-wrap" aria-busy={list.loading}>
        <table>
          <caption class="sr-only">Weekly totals</caption>
          <thead>
            <tr>
              <SortHeader label="Week" col={column('week')} sort={s} onSort={sort} />
              <SortHeader label="Runs" col={column('runs')} sort={s} onSort={sort} numeric />
              <SortHeader label="Distance" col={column('total_distance')} sort={s} onSort={sort} numeric />
              <SortHeader label="Average speed" col={column('average_speed')} sort={s} onSort={sort} numeric />
              <SortHeader label="Average pace" col={paceColumn} sort={s} onSort={sort} numeric />
            </tr>
          </thead>
          <tbody>
            {list.items?.map((w) => (
              <tr key={`${w.year}-${w.week}`}>
                <td class="nowrap">
                  {w.year}-W{String(w.week).padStart(2, '0')}
                  <span class="sub"> from {w.week_start}</span>
                </td>
                <td class="num">{w.runs}</td>
                <td class="num nowrap">{formatKm(w.total_distance)} km</td>
                <td class="num nowrap">{formatKmh(w.average_speed)} km/h</td>
                <td class="num nowrap">{formatPaceFromSpeed(w.average_speed)} /km</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.loading && list.items === null && !list.error && <p class="empty">Loading the report…</p>}
        {list.items?.length === 0 && (
          <p class="empty">{list.state.filter ? 'No weeks match this filter.' : 'No runs yet, so no weeks to report.'}</p>
        )}
      </div>
      <Pager info={list.info} noun={['week', 'weeks']} onPage={(p) => list.dispatch({ type: 'page', page: p })} />
    </main>
  );
}

/**
 * Chart.js is most of the app's code and only this page needs it: it loads
 * on the first visit here, so the runs page comes up sooner.
 */
function useChart(): typeof WeeklyChartType | null {
  const [chart, setChart] = useState<{ C: typeof WeeklyChartType } | null>(null);
  useEffect(() => {
    void import('../components/WeeklyChart').then((m) => setChart({ C: m.WeeklyChart }));
  }, []);
  return chart?.C ?? null;
}
