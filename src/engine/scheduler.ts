import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from 'pino';
import { isErrorClass } from './error-class.js';
import type { ProbeResult, ProbeTask } from './probe-kind.js';
import type { CoreMetrics } from '../metrics/catalogue.js';

/** A probe task with its schedule, as the engine runs it. */
export interface ScheduledTask extends ProbeTask {
  probe: string;
  kind: string;
  intervalMs: number;
  timeoutMs: number;
}

/** A finished run, as handed to observers (status page, --once). */
export interface RunRecord {
  task: ScheduledTask;
  result: ProbeResult;
  startedAt: number;
  durationSeconds: number;
}

/** Scheduler options; `now` and `random` are injectable for tests. */
export interface SchedulerOptions {
  concurrency: number;
  /** Fraction of the interval used to spread the first run of each task. */
  jitter: number;
  metrics: CoreMetrics['engine'];
  logger: Logger;
  now?: () => number;
  random?: () => number;
  onRun?: (record: RunRecord) => void;
}

interface Entry {
  task: ScheduledTask;
  labels: { probe: string; kind: string; target: string };
  timer?: NodeJS.Timeout;
  due: number;
  /** True from the first run's start: the task has settled into its phase over the interval. */
  phased: boolean;
  /** True while a run waits for a concurrency slot. */
  queued: boolean;
  running: Promise<unknown> | null;
  completed: number;
  failingSince: number | null;
  repeats: number;
  lastClass: string | null;
  controller?: AbortController;
}

/**
 * Runs every task on its own interval with a random phase, a hard timeout and a global
 * concurrency bound; records runs, success, duration, last run/success and schedule lag.
 * A task is never run twice at once: a run still going when the next is due skips it.
 */
export class Scheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly limit: LimitFunction;
  private readonly now: () => number;
  private readonly random: () => number;
  private started = false;

  constructor(private readonly opts: SchedulerOptions) {
    this.limit = pLimit(opts.concurrency);
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
  }

  /** Key of a task: probe and target. */
  static keyOf(task: { probe: string; target: string }): string {
    return `${task.probe}\u0000${task.target}`;
  }

  /** Adds tasks; if started, they are scheduled at once with a random phase. */
  add(tasks: readonly ScheduledTask[]): void {
    for (const task of tasks) {
      const key = Scheduler.keyOf(task);
      if (this.entries.has(key))
        throw new Error(`duplicate probe task ${task.probe}/${task.target}`);
      const entry: Entry = {
        task,
        labels: { probe: task.probe, kind: task.kind, target: task.target },
        due: 0,
        phased: false,
        queued: false,
        running: null,
        completed: 0,
        failingSince: null,
        repeats: 0,
        lastClass: null,
      };
      this.entries.set(key, entry);
      this.opts.metrics.interval.set(entry.labels, task.intervalMs / 1000);
      if (this.started) this.scheduleFirst(entry);
    }
  }

  /** Stops and forgets tasks of a probe (all targets) or one task; in-flight runs are aborted. */
  remove(probe: string, target?: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.task.probe !== probe || (target !== undefined && entry.task.target !== target))
        continue;
      clearTimeout(entry.timer);
      entry.controller?.abort(new DOMException('task removed', 'AbortError'));
      this.entries.delete(key);
    }
  }

  /** Starts the schedules. */
  start(): void {
    this.started = true;
    for (const entry of this.entries.values()) this.scheduleFirst(entry);
  }

  /** Stops scheduling, aborts in-flight runs and waits for them to settle (bounded). */
  async stop(graceMs = 2000): Promise<void> {
    this.started = false;
    const running: Promise<unknown>[] = [];
    for (const entry of this.entries.values()) {
      clearTimeout(entry.timer);
      entry.controller?.abort(new DOMException('shutting down', 'AbortError'));
      if (entry.running) running.push(entry.running);
    }
    if (graceMs <= 0 || running.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled(running), grace]);
    clearTimeout(timer);
  }

  /** Runs every task once, now, within the concurrency bound; resolves with every record. */
  async runOnce(): Promise<RunRecord[]> {
    const records: RunRecord[] = [];
    await Promise.all(
      [...this.entries.values()].map((entry) =>
        this.limit(async () => {
          records.push(await this.execute(entry, this.now()));
        }),
      ),
    );
    return records;
  }

  /** True once every task has finished at least one run. */
  isReady(): boolean {
    for (const entry of this.entries.values()) if (entry.completed === 0) return false;
    return true;
  }

  /** Number of scheduled tasks. */
  get size(): number {
    return this.entries.size;
  }

  private scheduleFirst(entry: Entry): void {
    const spread = this.random() * this.opts.jitter * entry.task.intervalMs;
    this.arm(entry, this.now() + spread);
  }

  private arm(entry: Entry, due: number): void {
    entry.due = due;
    entry.timer = setTimeout(() => this.fire(entry), Math.max(0, due - this.now()));
  }

  private fire(entry: Entry): void {
    if (!this.started) return;
    const due = entry.due;
    // Keep the phase: the next run is due one interval after this one was due, not after it ran.
    let next = due + entry.task.intervalMs - this.phaseShift(entry);
    const now = this.now();
    if (next <= now) next = now + entry.task.intervalMs - ((now - due) % entry.task.intervalMs);
    this.arm(entry, next);

    // A run still waiting for a slot counts as unfinished too: enqueueing it again would let a
    // backlog grow without bound and run the same task several times back to back.
    if (entry.running || entry.queued) {
      this.opts.metrics.skipped.inc(entry.labels);
      return;
    }
    entry.queued = true;
    void this.limit(() => this.execute(entry, due));
  }

  // First runs come within jitter x interval so /readyz turns ready quickly, which bunches
  // them; the second run moves each task to a random phase over the rest of the interval, so
  // from then on starts are spread over the whole interval (as Prometheus spreads scrapes) and
  // a thousand targets never start in the same second. The gap never exceeds one interval.
  private phaseShift(entry: Entry): number {
    if (entry.phased) return 0;
    entry.phased = true;
    return this.random() * (1 - this.opts.jitter) * entry.task.intervalMs;
  }

  private async execute(entry: Entry, due: number): Promise<RunRecord> {
    entry.queued = false;
    const startedAt = this.now();
    const { metrics } = this.opts;
    metrics.scheduleLag.observe(
      { probe: entry.labels.probe, kind: entry.labels.kind },
      Math.max(0, startedAt - due) / 1000,
    );
    metrics.inFlight.inc();
    const t0 = performance.now();
    const result = await this.runWithDeadline(entry);
    const durationSeconds = (performance.now() - t0) / 1000;
    metrics.inFlight.dec();
    if (this.entries.get(Scheduler.keyOf(entry.task)) === entry) {
      this.record(entry, result, durationSeconds);
    }
    const record = { task: entry.task, result, startedAt, durationSeconds };
    this.opts.onRun?.(record);
    return record;
  }

  private async runWithDeadline(entry: Entry): Promise<ProbeResult> {
    const controller = new AbortController();
    entry.controller = controller;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<ProbeResult>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new DOMException('probe timed out', 'TimeoutError'));
        resolve({ ok: false, errorClass: 'timeout', detail: 'hard timeout reached' });
      }, entry.task.timeoutMs);
    });
    const run = entry.task.run(controller.signal).then(
      (r) => (controller.signal.aborted && !r.ok ? abortedResult(controller.signal) : r),
      (err: unknown) => thrownResult(err, controller.signal),
    );
    // The task stays "running" until its own promise settles, even past the deadline, so a
    // probe that ignores its signal can never run twice at once; the slot is freed at once.
    const tracked: Promise<unknown> = run.finally(() => {
      if (entry.running === tracked) entry.running = null;
    });
    entry.running = tracked;
    try {
      return await Promise.race([run, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private record(entry: Entry, result: ProbeResult, seconds: number): void {
    const { metrics } = this.opts;
    const { labels } = entry;
    const nowSec = this.now() / 1000;
    entry.completed++;
    metrics.runs.inc({ ...labels, result: result.ok ? 'success' : 'failure' });
    metrics.duration.observe(labels, seconds);
    metrics.lastRun.set(labels, nowSec);
    metrics.success.set(labels, result.ok ? 1 : 0);
    if (entry.lastClass) metrics.lastError.remove({ ...labels, class: entry.lastClass });
    if (result.ok) {
      metrics.lastSuccess.set(labels, nowSec);
      entry.lastClass = null;
    } else {
      const cls = result.errorClass ?? 'internal';
      metrics.failures.inc({ ...labels, class: cls });
      metrics.lastError.set({ ...labels, class: cls }, 1);
      entry.lastClass = cls;
    }
    this.logTransition(entry, result);
  }

  // Log transitions, not every failing run: a target failing every 5 s writes one warn line.
  private logTransition(entry: Entry, result: ProbeResult): void {
    const log = this.opts.logger;
    // The healthy steady state is checked first and builds no log object: it is every run.
    if (result.ok && entry.failingSince === null) {
      if (log.isLevelEnabled('debug')) log.debug(entry.labels, 'probe run ok');
      return;
    }
    const ctx = { ...entry.labels, class: result.errorClass, detail: result.detail };
    if (!result.ok && entry.failingSince === null) {
      entry.failingSince = this.now();
      entry.repeats = 0;
      log.warn(ctx, 'probe target unhealthy');
    } else if (!result.ok) {
      entry.repeats++;
      if (log.isLevelEnabled('debug'))
        log.debug({ ...ctx, repeats: entry.repeats }, 'probe target still unhealthy');
    } else if (entry.failingSince !== null) {
      const downSeconds = (this.now() - entry.failingSince) / 1000;
      log.info(
        { ...entry.labels, failedRuns: entry.repeats + 1, downSeconds },
        'probe target recovered',
      );
      entry.failingSince = null;
    }
  }
}

function abortedResult(signal: AbortSignal): ProbeResult {
  const timedOut = (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError';
  return { ok: false, errorClass: timedOut ? 'timeout' : 'aborted', detail: 'run aborted' };
}

function thrownResult(err: unknown, signal: AbortSignal): ProbeResult {
  if (signal.aborted) return abortedResult(signal);
  const code = (err as { code?: unknown } | null)?.code;
  const detail = err instanceof Error ? err.message : 'probe threw a non-error';
  // A probe that throws is a bug; it is still a result so the other tasks go on.
  const errorClass = typeof code === 'string' && isErrorClass(code) ? code : 'internal';
  return { ok: false, errorClass, detail };
}
