import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RefreshTimer, refreshDelay } from './refreshTimer';

describe('refreshDelay', () => {
  it('renews a minute early for 15-minute tokens and a fifth early for short ones', () => {
    expect(refreshDelay(900)).toBe(840_000);
    expect(refreshDelay(10)).toBe(8_000);
    expect(refreshDelay(3)).toBe(2_000);
    expect(refreshDelay(0)).toBe(0);
  });
});

describe('RefreshTimer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires once, a little before the token runs out', () => {
    const due = vi.fn();
    const t = new RefreshTimer(due);
    t.schedule(900);
    vi.advanceTimersByTime(839_999);
    expect(due).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(due).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000_000);
    expect(due).toHaveBeenCalledTimes(1);
  });

  it('a new token replaces the old schedule; cancel stops it', () => {
    const due = vi.fn();
    const t = new RefreshTimer(due);
    t.schedule(900);
    vi.advanceTimersByTime(800_000);
    t.schedule(900);
    vi.advanceTimersByTime(800_000);
    expect(due).not.toHaveBeenCalled();
    t.cancel();
    vi.advanceTimersByTime(10_000_000);
    expect(due).not.toHaveBeenCalled();
  });

  it('on wake, refreshes at once when the (throttled) timer is overdue', () => {
    const due = vi.fn();
    let now = 0;
    const t = new RefreshTimer(due, () => now);
    t.schedule(900);
    now = 100_000;
    t.wake(); // not due yet
    expect(due).not.toHaveBeenCalled();
    now = 850_000; // a hidden tab's timer did not fire in time
    t.wake();
    expect(due).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000_000); // and it does not fire a second time
    expect(due).toHaveBeenCalledTimes(1);
  });

  it('wake does nothing when nothing is scheduled (signed out)', () => {
    const due = vi.fn();
    const t = new RefreshTimer(due, () => 1e12);
    t.wake();
    expect(due).not.toHaveBeenCalled();
  });

  it('retries after a failure', () => {
    const due = vi.fn();
    const t = new RefreshTimer(due);
    t.retryIn(15_000);
    vi.advanceTimersByTime(15_000);
    expect(due).toHaveBeenCalledTimes(1);
  });
});
