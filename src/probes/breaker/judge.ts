import type { BreakerState, ObservedBreakerState } from './state-map.js';

/** What the judge remembers of a breaker source between runs. */
export interface BreakerMemory {
  /** The last state a run could read; null until one could. */
  lastKnown: BreakerState | null;
  /** Wall ms since when the breaker has been away from closed, as seen by chainprobe. */
  openedAt: number | null;
}

/** The verdict on one reading of a breaker source. */
export interface BreakerVerdict {
  state: ObservedBreakerState;
  /** A change between two readable states; unreadable runs in between do not count. */
  transition: { from: BreakerState; to: BreakerState } | null;
  /** Seconds since the breaker left closed (open or half-open); 0 when closed or never open. */
  openSeconds: number;
  memory: BreakerMemory;
}

// Limitation: the open time is measured from the first reading away from closed, so it can lag
// the breaker's own opening by up to one interval (and starts at chainprobe's start-up).

/**
 * Judges one reading (`undefined`: the source could not be read or mapped). An open episode
 * runs from the first reading away from closed to the next reading of closed, through
 * half-open and through unreadable runs: an outage of the source does not close the breaker.
 */
export function judgeBreaker(
  prev: BreakerMemory | undefined,
  observed: BreakerState | undefined,
  nowMs: number,
): BreakerVerdict {
  const lastKnown = prev?.lastKnown ?? null;
  const openedAt = prev?.openedAt ?? null;
  if (observed === undefined) {
    return {
      state: 'unknown',
      transition: null,
      openSeconds: openedAt === null ? 0 : (nowMs - openedAt) / 1000,
      memory: { lastKnown, openedAt },
    };
  }
  const nextOpenedAt = observed === 'closed' ? null : (openedAt ?? nowMs);
  return {
    state: observed,
    transition:
      lastKnown !== null && lastKnown !== observed ? { from: lastKnown, to: observed } : null,
    openSeconds: nextOpenedAt === null ? 0 : (nowMs - nextOpenedAt) / 1000,
    memory: { lastKnown: observed, openedAt: nextOpenedAt },
  };
}
