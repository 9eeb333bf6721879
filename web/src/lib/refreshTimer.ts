// When to renew the access token: a little before it runs out, so requests
// never carry an expired token (the server allows no leeway).

/** Milliseconds to wait before refreshing a token valid for `expiresIn` seconds. */
export function refreshDelay(expiresIn: number): number {
  // A minute early for the usual 15-minute tokens, a fifth early for short
  // ones (so a 10 s token in a test is renewed after 8 s, not at once).
  const margin = Math.min(60, Math.max(1, expiresIn * 0.2));
  return Math.max(0, (expiresIn - margin) * 1000);
}

export class RefreshTimer {
  private handle: ReturnType<typeof setTimeout> | undefined;
  private dueAt = 0;

  constructor(
    private readonly onDue: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  schedule(expiresIn: number): void {
    this.cancel();
    const delay = refreshDelay(expiresIn);
    this.dueAt = this.now() + delay;
    this.handle = setTimeout(() => {
      this.handle = undefined;
      this.onDue();
    }, delay);
  }

  /** Retry after a failed refresh that may succeed later (network trouble). */
  retryIn(ms: number): void {
    this.cancel();
    this.dueAt = this.now() + ms;
    this.handle = setTimeout(() => {
      this.handle = undefined;
      this.onDue();
    }, ms);
  }

  cancel(): void {
    if (this.handle !== undefined) clearTimeout(this.handle);
    this.handle = undefined;
  }

  /**
   * The tab became visible again. Browsers throttle or freeze timers of
   * hidden tabs (and a sleeping laptop fires none), so the refresh may be
   * overdue: do it now rather than let the next request fail.
   */
  wake(): void {
    if (this.handle !== undefined && this.now() >= this.dueAt) {
      this.cancel();
      this.onDue();
    }
  }
}
