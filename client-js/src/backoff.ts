/**
 * The reconnect policy: exponential backoff with full jitter. Attempt `n` (0-based) waits a
 * uniformly random time in `[0, min(cap, base * 2^n)]`; the defaults give ceilings of 1 s, 2 s,
 * 4 s ... 30 s.
 *
 * Full jitter (random over the whole window, not a small spread around the exponential value)
 * keeps a fleet of clients dropped by the same gateway incident from coming back in synchronized
 * waves: their attempts spread evenly over each window.
 *
 * The attempt count resets once a connection stayed open for `stableAfterMs`: a server that
 * accepts connections and drops them at once keeps clients backing off, instead of letting every
 * brief success restart them at the smallest delay.
 *
 * Pure: time is passed in and the random source is injectable, so it is tested without waiting.
 */
export interface BackoffOptions {
  /** Default 1000. */
  baseMs?: number;
  /** Default 30000. */
  capMs?: number;
  /** Default 10000. */
  stableAfterMs?: number;
  /** A number in [0, 1), as `Math.random`. */
  random?: () => number;
}

export class Backoff {
  readonly baseMs: number;
  readonly capMs: number;
  readonly stableAfterMs: number;
  private readonly random: () => number;
  private attemptCount = 0;
  private connectedAt = -1;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? 1000;
    this.capMs = options.capMs ?? 30_000;
    this.stableAfterMs = options.stableAfterMs ?? 10_000;
    this.random = options.random ?? Math.random;
    if (!(this.baseMs > 0) || !(this.capMs >= this.baseMs)) {
      throw new RangeError(`need 0 < baseMs <= capMs, got ${this.baseMs} and ${this.capMs}`);
    }
  }

  /** The upper bound of the delay before attempt `attempt` (0-based): min(cap, base * 2^attempt). */
  ceiling(attempt: number): number {
    let ceiling = this.baseMs;
    for (let i = 0; i < attempt && ceiling < this.capMs; i++) {
      ceiling *= 2;
    }
    return Math.min(ceiling, this.capMs);
  }

  /** A connection opened at `now`. */
  connected(now: number): void {
    this.connectedAt = now;
  }

  /**
   * The delay before the next attempt, after a failed attempt or a dropped connection. Starts over
   * at attempt 0 when the last connection had stayed open for `stableAfterMs`.
   */
  next(now: number): number {
    if (this.connectedAt >= 0 && now - this.connectedAt >= this.stableAfterMs) {
      this.attemptCount = 0;
    }
    this.connectedAt = -1;
    const ceiling = this.ceiling(this.attemptCount);
    if (ceiling < this.capMs) {
      this.attemptCount++;
    }
    // Uniform over the whole integer range [0, ceiling].
    return Math.min(ceiling, Math.floor(this.random() * (ceiling + 1)));
  }

  /** How many attempts the current window is in (0 after a reset). */
  get attempt(): number {
    return this.attemptCount;
  }

  reset(): void {
    this.attemptCount = 0;
    this.connectedAt = -1;
  }
}
