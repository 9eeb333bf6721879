import { describe, expect, it } from 'vitest';
import { weatherKind } from './weather';

describe('weatherKind', () => {
  it('groups WMO codes into the pictures drawn', () => {
    const cases: [number | null, string][] = [
      [0, 'clear'],
      [1, 'clear'],
      [2, 'partly'],
      [3, 'cloud'],
      [45, 'fog'],
      [48, 'fog'],
      [51, 'rain'],
      [61, 'rain'],
      [80, 'rain'],
      [71, 'snow'],
      [77, 'snow'],
      [86, 'snow'],
      [95, 'storm'],
      [99, 'storm'],
      [null, 'cloud'],
    ];
    for (const [code, kind] of cases) expect(weatherKind(code), String(code)).toBe(kind);
  });
});
