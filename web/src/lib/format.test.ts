import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatKm,
  formatKmh,
  formatPace,
  formatPaceFromSpeed,
  parseDuration,
  parseKm,
  parseLocation,
} from './format';

describe('formatting', () => {
  it('shows times as h:mm:ss, hours always present', () => {
    expect(formatDuration(1500)).toBe('0:25:00');
    expect(formatDuration(6330)).toBe('1:45:30');
    expect(formatDuration(59)).toBe('0:00:59');
    expect(formatDuration(100 * 3600 + 61)).toBe('100:01:01');
  });

  it('shows pace as m:ss per km', () => {
    expect(formatPace(5000, 1500)).toBe('5:00');
    expect(formatPace(21097, 6330)).toBe('5:00');
    expect(formatPace(7500, 2700)).toBe('6:00');
    expect(formatPace(1000, 3599)).toBe('59:59');
    // Rounding to the second may carry into the minute.
    expect(formatPace(1000, 299.6)).toBe('5:00');
    expect(formatPace(0, 100)).toBe('–');
  });

  it('shows pace from a speed, km, and km/h', () => {
    expect(formatPaceFromSpeed(5000 / 1500)).toBe('5:00');
    expect(formatPaceFromSpeed(0)).toBe('–');
    expect(formatKm(5000)).toBe('5.00');
    expect(formatKm(21097)).toBe('21.10');
    expect(formatKmh(5000 / 1500)).toBe('12.0');
  });
});

describe('parseDuration', () => {
  it('takes h:mm:ss and mm:ss', () => {
    expect(parseDuration('0:25:00')).toEqual({ ok: true, value: 1500 });
    expect(parseDuration('25:00')).toEqual({ ok: true, value: 1500 });
    expect(parseDuration(' 1:45:30 ')).toEqual({ ok: true, value: 6330 });
    expect(parseDuration('90:00')).toEqual({ ok: true, value: 5400 });
    expect(parseDuration('1:5:7')).toEqual({ ok: true, value: 3907 });
  });

  it('refuses what is not a time', () => {
    for (const bad of ['', '25', 'abc', '1:60:00', '25:60', '1:2:3:4', '-1:00', '1.5:00', '0:00', '0:00:00', ':30']) {
      expect(parseDuration(bad).ok, bad).toBe(false);
    }
  });

  it('stays within the API limit of one week', () => {
    expect(parseDuration('168:00:00')).toEqual({ ok: true, value: 604800 });
    expect(parseDuration('168:00:01').ok).toBe(false);
  });
});

describe('parseKm', () => {
  it('turns km with decimals into whole metres', () => {
    expect(parseKm('5')).toEqual({ ok: true, value: 5000 });
    expect(parseKm('21.0975')).toEqual({ ok: true, value: 21098 });
    expect(parseKm('7,5')).toEqual({ ok: true, value: 7500 });
    expect(parseKm('.5')).toEqual({ ok: true, value: 500 });
  });

  it('refuses zero, negatives, text and more than 1000 km', () => {
    for (const bad of ['', '0', '0.0001', '-5', 'five', '5km', '1e3', '1000.001']) expect(parseKm(bad).ok, bad).toBe(false);
    expect(parseKm('1000')).toEqual({ ok: true, value: 1_000_000 });
  });
});

describe('parseLocation', () => {
  it('takes "LAT LON" and normalises spaces', () => {
    expect(parseLocation('52.52 13.40')).toEqual({ ok: true, value: '52.52 13.40' });
    expect(parseLocation('  -33.9   +18.4 ')).toEqual({ ok: true, value: '-33.9 +18.4' });
  });

  it('refuses out-of-range or malformed places', () => {
    for (const bad of ['', '52.52', '52.52,13.40', '91 0', '0 181', 'north south']) expect(parseLocation(bad).ok, bad).toBe(false);
  });
});
