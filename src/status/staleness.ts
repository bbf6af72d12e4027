import { isVerdictClass } from '../engine/error-class.js';
import type { TaskStatus } from '../engine/status-book.js';

/** A probe's schedule, as far as staleness needs it (ms). */
export interface ProbeTiming {
  intervalMs: number;
  timeoutMs: number;
}

/** Why a section's data is stale: its probe's last run failed, or no run came in time. */
export type StaleReason = 'failing' | 'not_running';

/** A section whose data is not current: which task, why and since when. */
export interface StaleView {
  reason: StaleReason;
  /** Error class of the failing run; null when the probe is not running. */
  errorClass: string | null;
  probe: string;
  target: string;
  /** ISO 8601: the first failed run, or the start of the last run when none came since. */
  since: string;
  /** Seconds since `since`. */
  forSeconds: number;
}

/**
 * Judges one task's data: stale when its last run failed to read it (a failure of a class
 * outside VERDICT_CLASSES), or when it is older than two
 * intervals plus the timeout (the next run is due within one interval and ends within the
 * timeout; one more interval lets a single late run pass). Pure; `now` in Unix ms.
 */
export function judgeStale(
  task: TaskStatus,
  timing: ProbeTiming | undefined,
  now: number,
): StaleView | null {
  // Limitation: a validators run that failed on one block or on the QBFT API still refreshed
  // the rest of its data; the section is marked stale then too, naming the failure's class.
  if (!task.ok && !isVerdictClass(task.errorClass ?? 'internal')) {
    return staleView(task, 'failing', task.since, now);
  }

  // Without the probe's schedule (it left the configuration mid-reload) age cannot be judged.
  if (timing === undefined) return null;
  const limitMs = 2 * timing.intervalMs + timing.timeoutMs;
  if (now - task.lastRunAt <= limitMs) return null;
  return staleView(task, 'not_running', task.lastRunAt, now);
}

/**
 * The staleness of a section fed by every task of `kind`: the longest-stale of them, or null
 * when all are current or none has run yet.
 */
export function judgeSectionStale(
  tasks: readonly TaskStatus[],
  kind: string,
  timings: ReadonlyMap<string, ProbeTiming>,
  now: number,
): StaleView | null {
  // Limitation: a section mixes the series of every probe of its kind, so with several such
  // probes it is marked stale when any of them is.
  const stale = tasks
    .filter((t) => t.kind === kind)
    .map((t) => judgeStale(t, timings.get(t.probe), now))
    .filter((v): v is StaleView => v !== null);
  return stale.sort((a, b) => b.forSeconds - a.forSeconds)[0] ?? null;
}

function staleView(task: TaskStatus, reason: StaleReason, sinceMs: number, now: number): StaleView {
  return {
    reason,
    errorClass: reason === 'failing' ? (task.errorClass ?? 'internal') : null,
    probe: task.probe,
    target: task.target,
    since: new Date(sinceMs).toISOString(),
    forSeconds: Math.max(0, Math.round((now - sinceMs) / 1000)),
  };
}
