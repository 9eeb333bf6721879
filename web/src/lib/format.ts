// Conversions between what the API keeps (metres, seconds, m/s) and what
// people read and type (km, h:mm:ss, min/km, km/h).

/** 5000 → "5.00" (km, two decimals: runs are compared to the 10 m). */
export function formatKm(metres: number): string {
  return (metres / 1000).toFixed(2);
}

/** 1500 → "0:25:00": hours are always shown so every time reads the same way. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${pad2(m)}:${pad2(s % 60)}`;
}

/** Minutes per km from metres and seconds: 5000 m in 1500 s → "5:00". */
export function formatPace(metres: number, seconds: number): string {
  if (metres <= 0 || seconds <= 0) return '–';
  const perKm = Math.round((seconds * 1000) / metres);
  const m = Math.floor(perKm / 60);
  return `${m}:${pad2(perKm % 60)}`;
}

/** Pace from a speed in m/s (the weekly report gives speeds, not times). */
export function formatPaceFromSpeed(metresPerSecond: number): string {
  if (!(metresPerSecond > 0)) return '–';
  return formatPace(1000, 1000 / metresPerSecond);
}

/** m/s → km/h with one decimal: 3.3333 → "12.0". */
export function formatKmh(metresPerSecond: number): string {
  return (metresPerSecond * 3.6).toFixed(1);
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * "h:mm:ss" or "mm:ss" → seconds. Minutes and seconds after the first field
 * must be below 60, so a typo like "25:75" is caught instead of being
 * silently carried over.
 */
export function parseDuration(text: string): Parsed<number> {
  const t = text.trim();
  const bad = { ok: false as const, error: 'Enter the time as h:mm:ss or mm:ss, for example 0:25:00 or 25:00.' };
  if (!/^\d{1,3}(:\d{1,2}){1,2}$/.test(t)) return bad;
  const parts = t.split(':').map(Number);
  const [h, m, s] = parts.length === 3 ? parts : [0, parts[0], parts[1]];
  if (s >= 60 || (parts.length === 3 && m >= 60)) return bad;
  const total = h * 3600 + m * 60 + s;
  if (total <= 0) return { ok: false, error: 'The time must be longer than zero.' };
  if (total > 604800) return { ok: false, error: 'The time can be at most one week (168:00:00).' };
  return { ok: true, value: total };
}

/** "5", "5.25" or "5,25" km → whole metres. */
export function parseKm(text: string): Parsed<number> {
  const t = text.trim().replace(',', '.');
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(t)) {
    return { ok: false, error: 'Enter the distance in kilometres, for example 5 or 10.5.' };
  }
  const metres = Math.round(Number(t) * 1000);
  if (metres <= 0) return { ok: false, error: 'The distance must be at least 1 metre.' };
  if (metres > 1_000_000) return { ok: false, error: 'The distance can be at most 1000 km.' };
  return { ok: true, value: metres };
}

/** "LAT LON" in decimal degrees, checked like the server does. */
export function parseLocation(text: string): Parsed<string> {
  const t = text.trim().replace(/\s+/g, ' ');
  const m = /^([+-]?\d+(?:\.\d+)?) ([+-]?\d+(?:\.\d+)?)$/.exec(t);
  const lat = m ? Number(m[1]) : NaN;
  const lon = m ? Number(m[2]) : NaN;
  if (!m || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    return {
      ok: false,
      error: 'Enter the place as latitude and longitude separated by a space, for example 52.52 13.40.',
    };
  }
  return { ok: true, value: t };
}

/** An RFC 3339 timestamp → its calendar date, as the API stores it (UTC). */
export function formatTimestampDate(timestamp: string): string {
  return timestamp.slice(0, 10);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
