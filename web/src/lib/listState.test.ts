import { describe, expect, it } from 'vitest';
import { ariaSort, column, initialListState, listQuery, listReducer, nextSort } from './listState';

describe('the filter box and list state', () => {
  it('typing changes only the draft; applying starts again at page 0', () => {
    let s = listReducer(initialListState('-date'), { type: 'page', page: 3 });
    s = listReducer(s, { type: 'type', text: "  date ge '2024-01-01' " });
    expect(s).toMatchObject({ draft: "  date ge '2024-01-01' ", filter: '', page: 3 });
    s = listReducer(s, { type: 'apply' });
    expect(s).toEqual({ draft: "date ge '2024-01-01'", filter: "date ge '2024-01-01'", page: 0, sort: '-date' });
  });

  it('clearing removes the filter and goes back to the first page', () => {
    let s = listReducer(initialListState(), { type: 'type', text: 'distance gt 5000' });
    s = listReducer(listReducer(s, { type: 'apply' }), { type: 'page', page: 2 });
    expect(listReducer(s, { type: 'clear' })).toEqual({ draft: '', filter: '', page: 0, sort: '' });
  });

  it('never goes below page 0', () => {
    expect(listReducer(initialListState(), { type: 'page', page: -1 }).page).toBe(0);
  });

  it('sorts ascending, then descending, and a new sort restarts paging', () => {
    const date = column('date');
    expect(nextSort('', date)).toBe('date');
    expect(nextSort('date', date)).toBe('-date');
    expect(nextSort('-date', date)).toBe('date');
    expect(nextSort('-distance', date)).toBe('date');
    const s = listReducer({ ...initialListState('-date'), page: 4 }, { type: 'sort', column: date });
    expect(s).toMatchObject({ sort: 'date', page: 0 });
  });

  it('maps a column whose order is reversed (pace is speed descending)', () => {
    const pace = { asc: '-speed', desc: 'speed' };
    expect(nextSort('', pace)).toBe('-speed');
    expect(ariaSort('-speed', pace)).toBe('ascending');
    expect(ariaSort('speed', pace)).toBe('descending');
    expect(ariaSort('date', pace)).toBeUndefined();
  });

  it('builds the query, leaving out what is empty', () => {
    expect(listQuery(initialListState(), 10)).toEqual({ page: '0', count: '10' });
    const s = listReducer(listReducer(initialListState('-date'), { type: 'type', text: 'time lt 1800' }), { type: 'apply' });
    expect(listQuery(s, 25)).toEqual({ page: '0', count: '25', filter: 'time lt 1800', sort: '-date' });
  });
});
