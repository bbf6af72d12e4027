import type { AnvilExit } from './anvil.js';

/** Whether anvil serves: `exited` is final (nothing restarts it), `unreachable` may recover. */
export type AnvilHealth = 'up' | 'unreachable' | 'exited';

/** What the devnet knows about its anvil; input and output of judgeAnvil. */
export interface AnvilHealthState {
  health: AnvilHealth;
  /** Consecutive failed probes. */
  failures: number;
  /** First failed probe of the current outage, epoch ms. */
  downSinceMs: number | null;
  /** When the last 'anvil unreachable' line was written, epoch ms. */
  lastWarnMs: number | null;
  /** Outages left unlogged by the rate limit since the last 'anvil unreachable' line. */
  suppressed: number;
  /** Whether the current outage was logged (then, and only then, its end is logged). */
  announced: boolean;
  exit: AnvilExit | null;
}

/** An observation of anvil: a health probe's outcome, or the process exiting. */
export type AnvilEvent =
  | { kind: 'probe-ok' }
  | { kind: 'probe-failed'; reason: string }
  | { kind: 'exited'; exit: AnvilExit };

/** A line for the devnet's log: level, short constant message, fields. */
export interface AnvilLogLine {
  level: 'error' | 'warn' | 'info';
  msg: string;
  fields: Record<string, string | number | null>;
}

/** Consecutive failed probes before anvil counts as unreachable (a busy host can miss one). */
export const UNREACHABLE_AFTER_PROBES = 3;

/** At most one 'anvil unreachable' line per this many ms; outages in between are counted. */
export const UNREACHABLE_LOG_EVERY_MS = 60_000;

/** The state of an anvil that has just answered. */
export const ANVIL_UP: AnvilHealthState = {
  health: 'up',
  failures: 0,
  downSinceMs: null,
  lastWarnMs: null,
  suppressed: 0,
  announced: false,
  exit: null,
};

/** Applies one event at `nowMs`: the next state, and the line to log on a transition. */
export function judgeAnvil(
  state: AnvilHealthState,
  event: AnvilEvent,
  nowMs: number,
): { state: AnvilHealthState; log?: AnvilLogLine } {
  if (state.health === 'exited') return { state };
  switch (event.kind) {
    case 'exited':
      return judgeExit(state, event.exit);
    case 'probe-ok':
      return judgeAnswer(state, nowMs);
    case 'probe-failed':
      return judgeFailure(state, event.reason, nowMs);
  }
}

function judgeExit(state: AnvilHealthState, exit: AnvilExit) {
  const log: AnvilLogLine = {
    level: 'error',
    msg: 'anvil exited; nothing restarts it',
    fields: { code: exit.code, signal: exit.signal },
  };
  return { state: { ...state, health: 'exited' as const, exit }, log };
}

function judgeAnswer(state: AnvilHealthState, nowMs: number) {
  const next = { ...state, health: 'up' as const, failures: 0, downSinceMs: null };
  if (state.health !== 'unreachable' || !state.announced) return { state: next };

  const downSeconds = Math.round((nowMs - (state.downSinceMs ?? nowMs)) / 1000);
  const log: AnvilLogLine = {
    level: 'info',
    msg: 'anvil answers again',
    fields: { downSeconds, failedProbes: state.failures },
  };
  return { state: { ...next, announced: false }, log };
}

function judgeFailure(state: AnvilHealthState, reason: string, nowMs: number) {
  const failures = state.failures + 1;
  const next = { ...state, failures, downSinceMs: state.downSinceMs ?? nowMs };
  if (state.health !== 'up' || failures < UNREACHABLE_AFTER_PROBES) return { state: next };

  const quiet = state.lastWarnMs !== null && nowMs - state.lastWarnMs < UNREACHABLE_LOG_EVERY_MS;
  if (quiet) {
    const suppressed = state.suppressed + 1;
    return { state: { ...next, health: 'unreachable' as const, suppressed, announced: false } };
  }
  const log: AnvilLogLine = {
    level: 'warn',
    msg: 'anvil not answering',
    fields: { reason, failedProbes: failures, unloggedOutages: state.suppressed },
  };
  const announced = { health: 'unreachable' as const, lastWarnMs: nowMs, suppressed: 0 };
  return { state: { ...next, ...announced, announced: true }, log };
}
