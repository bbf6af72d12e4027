import type { ErrorClass } from './error-class.js';
import type { RunRecord } from './scheduler.js';

/** The latest state of one probe task, for the status page, /api/status and --once. */
export interface TaskStatus {
  probe: string;
  kind: string;
  target: string;
  ok: boolean;
  errorClass: ErrorClass | null;
  detail: string | null;
  /** Unix ms of the last run's start. */
  lastRunAt: number;
  /** Unix ms since when the task has been in its current state (ok or failing). */
  since: number;
  durationSeconds: number;
}

/** Keeps the last result of every task, and since when its state holds. */
export class TaskStatusBook {
  private readonly tasks = new Map<string, TaskStatus>();

  /** Records a finished run. */
  record(rec: RunRecord, now: number): void {
    const key = `${rec.task.probe}\u0000${rec.task.target}`;
    const prev = this.tasks.get(key);
    const changed =
      !prev || prev.ok !== rec.result.ok || prev.errorClass !== (rec.result.errorClass ?? null);
    this.tasks.set(key, {
      probe: rec.task.probe,
      kind: rec.task.kind,
      target: rec.task.target,
      ok: rec.result.ok,
      errorClass: rec.result.errorClass ?? null,
      detail: rec.result.detail ?? null,
      lastRunAt: rec.startedAt,
      since: changed ? now : (prev?.since ?? now),
      durationSeconds: rec.durationSeconds,
    });
  }

  /** Forgets every task of a probe that left the configuration. */
  forget(probe: string): void {
    for (const [key, t] of this.tasks) if (t.probe === probe) this.tasks.delete(key);
  }

  /** All task states, sorted by probe then target. */
  list(): TaskStatus[] {
    return [...this.tasks.values()].sort((a, b) =>
      a.probe === b.probe ? a.target.localeCompare(b.target) : a.probe.localeCompare(b.probe),
    );
  }
}
