import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/client';
import type { ApiError } from '../api/http';
import { session } from '../api/session';
import type { Run, User } from '../api/types';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorAlert, toApiError } from '../components/ErrorAlert';
import { FilterBox } from '../components/FilterBox';
import { Pager } from '../components/Pager';
import { RowActions } from '../components/RowActions';
import { SortHeader } from '../components/SortHeader';
import { SubjectPicker } from '../components/SubjectPicker';
import { formatDuration, formatKm, formatPace } from '../lib/format';
import { column, type SortColumn } from '../lib/listState';
import { useList } from '../lib/useList';
import { usePageTitle } from '../lib/usePageTitle';
import { WeatherIcon } from '../lib/weather';
import { RunForm } from './RunForm';

// Pace ascending (fastest first) is speed descending.
const paceColumn: SortColumn = { asc: '-speed', desc: 'speed' };

export function Runs({ subject, onSubject }: { subject: User | null; onSubject: (u: User | null) => void }) {
  usePageTitle('Runs');
  const admin = session.role === 'admin';
  const userId = subject?.user_id;
  const list = useList<Run>(
    (q) => api<Run[]>('GET', '/results', { query: { ...q, user_id: userId } }),
    String(userId ?? ''),
    '-date',
  );
  const [editing, setEditing] = useState<Run | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Run | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState('');
  const addButton = useRef<HTMLButtonElement>(null);
  const formWasOpen = useRef(false);
  useEffect(() => {
    // The form is gone (saved or cancelled): put focus back where it started
    // rather than losing it to the page.
    if (editing === null && formWasOpen.current) addButton.current?.focus();
    formWasOpen.current = editing !== null;
  }, [editing]);
  const sort = (c: SortColumn) => list.dispatch({ type: 'sort', column: c });

  const remove = async () => {
    if (!deleting) return;
    setBusy(true);
    try {
      await api('DELETE', `/results/${deleting.result_id}`);
      setActionError(null);
      setStatus(`The run of ${deleting.date} has been deleted.`);
      list.reload();
    } catch (e) {
      setActionError(toApiError(e));
    }
    setBusy(false);
    setDeleting(null);
  };

  const whose = subject ? `${subject.username}'s runs` : 'My runs';
  return (
    <main id="main">
      <div class="page-head">
        <h1 tabIndex={-1}>{whose}</h1>
        <button
          ref={addButton}
          type="button"
          onClick={() => {
            setActionError(null);
            setStatus('');
            setEditing('new');
          }}
          disabled={editing !== null}
        >
          Add run
        </button>
      </div>
      {admin && <SubjectPicker subject={subject} onSubject={onSubject} />}
      {editing !== null && (
        <RunForm
          key={editing === 'new' ? 'new' : editing.result_id}
          run={editing === 'new' ? null : editing}
          userId={userId}
          onCancel={() => setEditing(null)}
          onSaved={(run) => {
            setStatus(`The run of ${run.date} has been saved.`);
            setEditing(null);
            list.reload();
          }}
        />
      )}
      <FilterBox
        state={list.state}
        dispatch={list.dispatch}
        fields="date, distance (m), time (s), speed (m/s), temperature_max, temperature_min, precipitation, wind_speed, weather_code, location"
        example="date ge 2024-01-01 and distance gt 5000"
      />
      {editing === null && <ErrorAlert error={actionError ?? list.error} />}
      <p class="status" role="status">{status}</p>
      <div class="table-wrap" aria-busy={list.loading}>
        {/* Explicit roles: on phones the rows are laid out as cards (CSS), and
            browsers drop a table's semantics when its display changes. */}
        <table class="runs" role="table">
          <caption class="sr-only">{whose}</caption>
          <thead role="rowgroup">
            <tr role="row">
              <SortHeader label="Date" col={column('date')} sort={list.state.sort} onSort={sort} />
              <SortHeader label="Distance" col={column('distance')} sort={list.state.sort} onSort={sort} numeric />
              <SortHeader label="Time" col={column('time')} sort={list.state.sort} onSort={sort} numeric />
              <SortHeader label="Pace" col={paceColumn} sort={list.state.sort} onSort={sort} numeric />
              <SortHeader label="Weather" col={column('temperature_max')} sort={list.state.sort} onSort={sort} />
              <th scope="col" role="columnheader">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            {list.items?.map((r) => (
              <tr key={r.result_id} role="row">
                <td role="cell" class="c-date nowrap">{r.date}</td>
                <td role="cell" class="c-dist num nowrap">{formatKm(r.distance)} km</td>
                <td role="cell" class="c-time num">{formatDuration(r.time)}</td>
                <td role="cell" class="c-pace num nowrap">{formatPace(r.distance, r.time)} /km</td>
                <td role="cell" class="c-wx">
                  <Weather run={r} />
                </td>
                <RowActions onEdit={() => setEditing(r)} onDelete={() => setDeleting(r)} />
              </tr>
            ))}
          </tbody>
        </table>
        {list.loading && list.items === null && !list.error && <p class="empty">Loading runs…</p>}
        {list.items?.length === 0 && (
          <p class="empty">
            {list.state.filter ? 'No runs match this filter.' : 'No runs yet. Add your first run with “Add run”.'}
          </p>
        )}
      </div>
      <Pager info={list.info} noun={['run', 'runs']} onPage={(p) => list.dispatch({ type: 'page', page: p })} />
      {deleting && (
        <ConfirmDialog
          title="Delete this run?"
          message={`The run of ${deleting.date} (${formatKm(deleting.distance)} km in ${formatDuration(deleting.time)}) will be deleted for good.`}
          confirmLabel="Delete run"
          busy={busy}
          onConfirm={remove}
          onCancel={() => setDeleting(null)}
        />
      )}
    </main>
  );
}

function Weather({ run }: { run: Run }) {
  const c = run.condition;
  if (!c) return <span class="muted">–</span>;
  const t = (v: number | null | undefined) => (typeof v === 'number' ? `${Math.round(v)}°C` : '–');
  return (
    <span class="wx">
      <WeatherIcon code={c.weather_code} />
      <span>
        {c.summary ?? 'Unknown'}
        {(c.temperature_max != null || c.temperature_min != null) && (
          <span class="wx-temp">
            {' '}
            <span class="sr-only">high </span>
            {t(c.temperature_max)}
            <span aria-hidden="true"> / </span>
            <span class="sr-only">, low </span>
            {t(c.temperature_min)}
          </span>
        )}
      </span>
    </span>
  );
}
