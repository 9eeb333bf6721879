import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/client';
import type { ApiError } from '../api/http';
import type { Run } from '../api/types';
import { ErrorAlert, toApiError } from '../components/ErrorAlert';
import { formatDuration, formatKm, parseDuration, parseKm, parseLocation } from '../lib/format';

const labels = { date: 'Date', distance: 'Distance (km)', time: 'Time', location: 'Location' };

/** Today's date where the person is (the API allows dates up to UTC+14's today). */
function today(): string {
  const d = new Date();
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}

/** Adds a run (run = null) or edits one; sends only the fields that changed. */
export function RunForm({
  run,
  userId,
  onSaved,
  onCancel,
}: {
  run: Run | null;
  userId: number | undefined;
  onSaved: (run: Run) => void;
  onCancel: () => void;
}) {
  const [date, setDate] = useState(run?.date ?? today());
  const [km, setKm] = useState(run ? formatKm(run.distance) : '');
  const [time, setTime] = useState(run ? formatDuration(run.time) : '');
  const [location, setLocation] = useState(run?.location ?? '');
  const [error, setError] = useState<ApiError | string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const locate = () =>
    navigator.geolocation.getCurrentPosition(
      (p) => setLocation(`${p.coords.latitude.toFixed(4)} ${p.coords.longitude.toFixed(4)}`),
      () => setError('Your browser did not give a location. Type it as latitude and longitude instead.'),
      { timeout: 10_000 },
    );

  const submit = async (e: Event) => {
    e.preventDefault();
    const distance = parseKm(km);
    const seconds = parseDuration(time);
    const place = parseLocation(location);
    const problems = [
      !date && 'Date: choose the day of the run.',
      !distance.ok && `Distance (km): ${distance.error}`,
      !seconds.ok && `Time: ${seconds.error}`,
      !place.ok && `Location: ${place.error}`,
    ].filter(Boolean);
    if (problems.length || !distance.ok || !seconds.ok || !place.ok) {
      setError(problems.join(' '));
      return;
    }
    const body: Record<string, string | number> = {
      date,
      distance: distance.value,
      time: seconds.value,
      location: place.value,
    };
    if (run) {
      for (const k of Object.keys(body) as (keyof Run)[]) if (run[k] === body[k]) delete body[k];
    }
    setBusy(true);
    setError(null);
    try {
      if (!run) onSaved((await api<Run>('POST', '/results', { body, query: { user_id: userId } })).data);
      else if (Object.keys(body).length) onSaved((await api<Run>('PATCH', `/results/${run.result_id}`, { body })).data);
      else onSaved(run);
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  return (
    <section
      class="card run-form"
      aria-labelledby="run-form-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <h2 id="run-form-title">{run ? `Edit run of ${run.date}` : 'Add a run'}</h2>
      <form class="grid-form" onSubmit={submit} aria-busy={busy} noValidate>
        <ErrorAlert error={error} labels={labels} />
        <div class="field">
          <label for="rf-date">Date</label>
          <input ref={first} id="rf-date" type="date" required min="1940-01-01" value={date}
            onInput={(e) => setDate(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="rf-distance">Distance (km)</label>
          <input id="rf-distance" type="text" inputMode="decimal" required placeholder="10.5" value={km}
            onInput={(e) => setKm(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="rf-time">Time</label>
          <input id="rf-time" type="text" required placeholder="0:52:30" aria-describedby="rf-time-hint" value={time}
            onInput={(e) => setTime(e.currentTarget.value)} />
          <p class="hint" id="rf-time-hint">h:mm:ss or mm:ss</p>
        </div>
        <div class="field">
          <label for="rf-location">Location</label>
          <input id="rf-location" type="text" required placeholder="52.52 13.40" aria-describedby="rf-location-hint"
            value={location} onInput={(e) => setLocation(e.currentTarget.value)} />
          <p class="hint" id="rf-location-hint">Latitude and longitude, e.g. 52.52 13.40</p>
          {'geolocation' in navigator && (
            <button type="button" class="small secondary" onClick={locate}>
              Use my location
            </button>
          )}
        </div>
        <div class="actions">
          <button type="submit" disabled={busy}>{busy ? 'Saving…' : 'Save'}</button>
          <button type="button" class="secondary" onClick={onCancel}>Cancel</button>
        </div>
        {busy && !run && <p class="hint">Looking up the day's weather…</p>}
      </form>
    </section>
  );
}
