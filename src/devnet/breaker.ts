/** Circuit breaker states, the closed set served over HTTP and as a metric label. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Every breaker state, in metric order. */
export const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half-open'];

/** Breaker tuning: opens after `failureThreshold` failures in a row, half-opens after cooldown. */
export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  now?: () => number;
}

/** What the breaker serves as JSON. */
export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  failureThreshold: number;
  cooldownSeconds: number;
  /** When it last opened, unix ms, or null. */
  openedAt: number | null;
  forcedOpen: boolean;
}

/**
 * A closed/open/half-open circuit breaker: closed lets calls through; K consecutive failures
 * open it; after the cooldown one trial call is let through (half-open), whose success closes
 * and whose failure re-opens it.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt: number | null = null;
  private forced = false;
  private readonly now: () => number;

  constructor(private readonly opts: BreakerOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The state now (an open breaker whose cooldown has passed reads as half-open). */
  state(): BreakerState {
    if (this.forced) return 'open';
    if (this.current === 'open' && this.now() - (this.openedAt ?? 0) >= this.opts.cooldownMs) {
      this.current = 'half-open';
    }
    return this.current;
  }

  /** Tells whether a call may go out now. */
  allowsCall(): boolean {
    return this.state() !== 'open';
  }

  /** Records a successful call: closes the breaker. */
  recordSuccess(): void {
    if (this.forced) return;
    this.failures = 0;
    this.current = 'closed';
  }

  /** Records a failed call: opens after the threshold, or at once from half-open. */
  recordFailure(): void {
    if (this.forced) return;
    this.failures++;
    if (this.state() === 'half-open' || this.failures >= this.opts.failureThreshold) {
      this.current = 'open';
      this.openedAt = this.now();
    }
  }

  /** Forces the breaker open (true) or releases it to closed (false). */
  force(open: boolean): void {
    this.forced = open;
    if (open) {
      this.openedAt = this.now();
      return;
    }
    this.current = 'closed';
    this.failures = 0;
  }

  /** The state and counters, for JSON. */
  snapshot(): BreakerSnapshot {
    return {
      state: this.state(),
      consecutiveFailures: this.failures,
      failureThreshold: this.opts.failureThreshold,
      cooldownSeconds: this.opts.cooldownMs / 1000,
      openedAt: this.openedAt,
      forcedOpen: this.forced,
    };
  }
}
