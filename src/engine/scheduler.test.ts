import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scheduler, type ScheduledTask } from './scheduler.js';
import type { ProbeResult } from './probe-kind.js';
import { freshCore, recordingLogger, valueOf } from '../../test/helpers/registry.js';

function task(over: Partial<ScheduledTask> & { run: ScheduledTask['run'] }): ScheduledTask {
  return { probe: 'p', kind: 'k', target: 't', intervalMs: 1000, timeoutMs: 500, ...over };
}

const ok = async (): Promise<ProbeResult> => ({ ok: true });
const never = (): Promise<ProbeResult> => new Promise(() => undefined);
const sleep = (ms: number) => (): Promise<ProbeResult> =>
  new Promise((r) => setTimeout(() => r({ ok: true }), ms));

function setup(concurrency = 10) {
  const { registry, core } = freshCore();
  const { logger, lines } = recordingLogger();
  const scheduler = new Scheduler({
    concurrency,
    jitter: 0,
    metrics: core.engine,
    logger,
    random: () => 0,
  });
  return { registry, core, scheduler, lines };
}

describe('Scheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs each task once per interval, keeping its phase', async () => {
    const { scheduler, registry } = setup();
    const run = vi.fn(ok);
    scheduler.add([task({ run })]);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(4999);
    expect(run).toHaveBeenCalledTimes(5); // at 0, 1000, 2000, 3000, 4000
    expect(await valueOf(registry, 'chainprobe_probe_runs_total', { result: 'success' })).toBe(5);
    expect(await valueOf(registry, 'chainprobe_probe_success')).toBe(1);
    await scheduler.stop();
  });

  it('spreads first runs over the jitter window', async () => {
    const { core } = freshCore();
    const { logger } = recordingLogger();
    const s = new Scheduler({
      concurrency: 10,
      jitter: 0.5,
      metrics: core.engine,
      logger,
      random: () => 0.8,
    });
    const run = vi.fn(ok);
    s.add([task({ run, intervalMs: 1000 })]);
    s.start();
    await vi.advanceTimersByTimeAsync(399);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
    await s.stop();
  });

  it('moves each task to a random phase over the whole interval from its second run', async () => {
    const { core } = freshCore();
    const { logger } = recordingLogger();
    const draws = [0, 0.5];
    const s = new Scheduler({
      concurrency: 10,
      jitter: 0.1,
      metrics: core.engine,
      logger,
      random: () => draws.shift() ?? 0,
    });
    const run = vi.fn(ok);
    s.add([task({ run, intervalMs: 1000 })]);
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(run).toHaveBeenCalledTimes(1); // first run within the jitter window: at 0
    await vi.advanceTimersByTimeAsync(549);
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(2); // 1000 - 0.5 x (1 - 0.1) x 1000 = 550
    await vi.advanceTimersByTimeAsync(999);
    expect(run).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(3); // then every interval: 1550
    await s.stop();
  });

  it('skips a due run while the previous one still waits for a concurrency slot', async () => {
    const { scheduler, registry } = setup(1);
    const waiter = vi.fn(ok);
    scheduler.add([
      task({ target: 'blocker', run: sleep(3500), intervalMs: 10_000, timeoutMs: 5000 }),
      task({ target: 'waiter', run: waiter, intervalMs: 1000, timeoutMs: 500 }),
    ]);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(3600);
    // Due at 0, 1000, 2000 and 3000 behind the blocker: queued once, the others skipped.
    expect(waiter).toHaveBeenCalledTimes(1);
    expect(await valueOf(registry, 'chainprobe_probe_skipped_total', { target: 'waiter' })).toBe(3);
    await scheduler.stop(0);
  });

  it('ends a hanging run at its hard timeout with class timeout and aborts its signal', async () => {
    const { scheduler, registry } = setup();
    let seen: AbortSignal | undefined;
    scheduler.add([
      task({
        run: (signal) => {
          seen = signal;
          return never();
        },
      }),
    ]);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(499);
    expect(await valueOf(registry, 'chainprobe_probe_runs_total')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(seen?.aborted).toBe(true);
    expect((seen?.reason as DOMException).name).toBe('TimeoutError');
    expect(await valueOf(registry, 'chainprobe_probe_failures_total', { class: 'timeout' })).toBe(
      1,
    );
    expect(await valueOf(registry, 'chainprobe_probe_success')).toBe(0);
    await scheduler.stop(0);
  });

  it('never runs a task twice at once: a run that ignores its signal makes later runs skip', async () => {
    const { scheduler, registry } = setup();
    const run = vi.fn(never);
    scheduler.add([task({ run })]);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(3500);
    expect(run).toHaveBeenCalledTimes(1);
    expect(await valueOf(registry, 'chainprobe_probe_skipped_total')).toBe(3);
    await scheduler.stop(0);
  });

  it('keeps a hanging target from delaying another', async () => {
    const { scheduler, registry } = setup(10);
    const good = vi.fn(ok);
    scheduler.add([task({ target: 'hang', run: never }), task({ target: 'good', run: good })]);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(2999);
    expect(good).toHaveBeenCalledTimes(3);
    expect(await valueOf(registry, 'chainprobe_probe_success', { target: 'good' })).toBe(1);
    await scheduler.stop(0);
  });

  it('bounds concurrency and records the wait as schedule lag', async () => {
    const { scheduler, registry } = setup(2);
    let inFlight = 0;
    let peak = 0;
    const run = async (): Promise<ProbeResult> => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(100)();
      inFlight--;
      return { ok: true };
    };
    scheduler.add(['a', 'b', 'c', 'd'].map((target) => task({ target, run })));
    scheduler.start();
    await vi.advanceTimersByTimeAsync(500);
    expect(peak).toBe(2);
    const metric = registry.getSingleMetric('chainprobe_probe_schedule_lag_seconds');
    const values = (await metric!.get()).values as Array<{ metricName?: string; value: number }>;
    const sum = values.find((v) => v.metricName?.endsWith('_sum'))?.value;
    expect(sum).toBeCloseTo(0.2, 5); // c and d each waited 100 ms
    await scheduler.stop();
  });

  it('turns a thrown error into an internal failure and keeps going', async () => {
    const { scheduler, registry } = setup();
    scheduler.add([task({ run: () => Promise.reject(new Error('bug')) })]);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1500);
    expect(await valueOf(registry, 'chainprobe_probe_failures_total', { class: 'internal' })).toBe(
      2,
    );
    await scheduler.stop();
  });

  it('is ready only after every task completed a run', async () => {
    const { scheduler } = setup();
    scheduler.add([task({ target: 'a', run: ok }), task({ target: 'b', run: sleep(300) })]);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(scheduler.isReady()).toBe(false);
    await vi.advanceTimersByTimeAsync(300);
    expect(scheduler.isReady()).toBe(true);
    await scheduler.stop();
  });

  it('logs a failing target once, counts repeats, and logs the recovery', async () => {
    const { scheduler, lines } = setup();
    let healthy = false;
    scheduler.add([
      task({ run: async () => (healthy ? { ok: true } : { ok: false, errorClass: 'http_5xx' }) }),
    ]);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(4500);
    healthy = true;
    await vi.advanceTimersByTimeAsync(1000);
    const warns = lines.filter((l) => l.msg === 'probe target unhealthy');
    const recovered = lines.filter((l) => l.msg === 'probe target recovered');
    expect(warns).toHaveLength(1);
    expect(recovered).toEqual([expect.objectContaining({ failedRuns: 5 })]);
    await scheduler.stop();
  });

  it('clears the last error series when a task recovers', async () => {
    const { scheduler, registry } = setup();
    let healthy = false;
    scheduler.add([
      task({
        run: async () => (healthy ? { ok: true } : { ok: false, errorClass: 'rate_limited' }),
      }),
    ]);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(await valueOf(registry, 'chainprobe_probe_last_error', { class: 'rate_limited' })).toBe(
      1,
    );
    healthy = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(await valueOf(registry, 'chainprobe_probe_last_error')).toBeUndefined();
    await scheduler.stop();
  });

  it('removes a task: no more runs', async () => {
    const { scheduler } = setup();
    const run = vi.fn(ok);
    scheduler.add([task({ run })]);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1500);
    scheduler.remove('p');
    await vi.advanceTimersByTimeAsync(5000);
    expect(run).toHaveBeenCalledTimes(2);
    expect(scheduler.size).toBe(0);
  });

  it('runOnce runs every task exactly once and returns the records', async () => {
    const { scheduler } = setup();
    scheduler.add([task({ target: 'a', run: ok }), task({ target: 'b', run: never })]);
    const done = scheduler.runOnce();
    await vi.advanceTimersByTimeAsync(600);
    const records = await done;
    expect(records.map((r) => [r.task.target, r.result.ok, r.result.errorClass])).toEqual(
      expect.arrayContaining([
        ['a', true, undefined],
        ['b', false, 'timeout'],
      ]),
    );
  });
});
