import {
  captureDurations,
  captureLag,
  buildDaemon,
  histogramBuckets,
  rpcConfig,
  sleep,
} from './daemon-kit.js';
import { startLoadServers, type LoadServers } from './processes.js';
import { goalRow, infoRow, type BenchRow } from './rows.js';
import { bucketDelta, histogramQuantile, median, quantile } from './stats.js';

/** Options of the fan-out benchmark. */
export interface FanoutOptions {
  targets?: number;
  intervalMs?: number;
  /** Server-side answer time of every JSON-RPC call, ms (default 20). */
  delayMs?: number;
  /** Load server processes' HTTP servers the targets are spread over. */
  servers?: number;
  /** Measurement window of the scheduled run, ms (after one interval of warm-up). */
  windowMs?: number;
  /** runOnce cycles timed for the cycle-time ratio. */
  cycles?: number;
  /** Runs of a lone task whose median is the per-task time (after 5 warm-up runs). */
  soloRuns?: number;
}

const BENCH = '2 fan-out';
const LAG_GOAL_MS = 100;
/** Server answer time per call: the known handling time of benchmark 1, a gateway-ish RPC. */
const DELAY_MS = 20;

/**
 * Benchmark 2: `targets` rpc targets on a separate load-server process, probed every
 * `intervalMs` with the default concurrency. Measures chainprobe's CPU over a steady-state
 * window, the schedule lag p99, and one full cycle (every task once through the concurrency
 * bound) against ceil(tasks / concurrency) x the solo task time.
 */
export async function benchFanout(opts: FanoutOptions = {}): Promise<BenchRow[]> {
  const targets = opts.targets ?? 1000;
  const servers = await startLoadServers({
    servers: opts.servers ?? 4,
    delayMs: opts.delayMs ?? DELAY_MS,
  });
  try {
    const urls = Array.from(
      { length: targets },
      (_, i) => `${servers.urls[i % servers.urls.length]}/t/${i}`,
    );
    const steady = await measureSteady(urls, opts.intervalMs ?? 10_000, opts.windowMs ?? 20_000);
    const cycle = await measureCycle(servers, urls, opts.cycles ?? 3, opts.soloRuns ?? 30);
    return fanoutRows(targets, opts.delayMs ?? DELAY_MS, steady, cycle);
  } finally {
    await servers.stop();
  }
}

interface Steady {
  intervalMs: number;
  windowSeconds: number;
  cpuCores: number;
  elu: number;
  lag: number[];
  durations: number[];
  histP99: number;
  runs: number;
  failures: number;
}

async function measureSteady(
  urls: string[],
  intervalMs: number,
  windowMs: number,
): Promise<Steady> {
  const daemon = buildDaemon(rpcConfig(urls, { intervalMs }));
  const lag = captureLag(daemon);
  const durations = captureDurations(daemon);
  daemon.start();
  try {
    // Warm-up: every task's first run (phase within jitter x interval), connections opened.
    await sleep(intervalMs * 1.2);
    const before = await histogramBuckets(daemon, 'chainprobe_probe_schedule_lag_seconds');
    const runsBefore = await totalOf(daemon, 'chainprobe_probe_runs_total');
    const failBefore = await totalOf(daemon, 'chainprobe_probe_failures_total');
    lag.samples.length = 0;
    durations.samples.length = 0;
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    await sleep(windowMs);
    const cpu = process.cpuUsage(cpu0);
    const windowSeconds = (performance.now() - t0) / 1000;
    const elu = performance.eventLoopUtilization(elu0).utilization;
    const after = await histogramBuckets(daemon, 'chainprobe_probe_schedule_lag_seconds');
    return {
      intervalMs,
      windowSeconds,
      cpuCores: (cpu.user + cpu.system) / 1e6 / windowSeconds,
      elu,
      lag: [...lag.samples],
      durations: [...durations.samples],
      histP99: histogramQuantile(bucketDelta(after, before), 0.99),
      runs: (await totalOf(daemon, 'chainprobe_probe_runs_total')) - runsBefore,
      failures: (await totalOf(daemon, 'chainprobe_probe_failures_total')) - failBefore,
    };
  } finally {
    await daemon.stop();
  }
}

interface Cycle {
  concurrency: number;
  soloSeconds: number;
  cycleSeconds: number[];
}

async function measureCycle(
  servers: LoadServers,
  urls: string[],
  cycles: number,
  soloRuns: number,
): Promise<Cycle> {
  // The per-task time: one task alone, nothing else in flight (median of soloRuns runs).
  const solo = buildDaemon(rpcConfig([`${servers.urls[0]}/solo`], { intervalMs: 10_000 }));
  const soloTimes: number[] = [];
  for (let i = 0; i < soloRuns + 5; i++) {
    const [record] = await solo.runOnce();
    if (i >= 5 && record) soloTimes.push(record.durationSeconds);
  }
  await solo.stop();

  const daemon = buildDaemon(rpcConfig(urls, { intervalMs: 10_000 }));
  const cycleSeconds: number[] = [];
  try {
    await daemon.runOnce(); // warm-up: opens every endpoint's connections
    for (let i = 0; i < cycles; i++) {
      const t0 = performance.now();
      await daemon.runOnce();
      cycleSeconds.push((performance.now() - t0) / 1000);
    }
  } finally {
    await daemon.stop();
  }
  return {
    concurrency: daemon.currentConfig.global.concurrency,
    soloSeconds: median(soloTimes),
    cycleSeconds,
  };
}

async function totalOf(daemon: ReturnType<typeof buildDaemon>, name: string): Promise<number> {
  const metric = daemon.registry.getSingleMetric(name);
  return metric ? (await metric.get()).values.reduce((s, v) => s + v.value, 0) : 0;
}

/** The rows of the fan-out benchmark. */
export function fanoutRows(targets: number, delayMs: number, s: Steady, c: Cycle): BenchRow[] {
  const p99 = quantile(s.lag, 0.99) * 1000;
  const batches = Math.ceil(targets / c.concurrency);
  const ideal = batches * c.soloSeconds;
  const cycle = median(c.cycleSeconds);
  const where = `${targets} targets, ${s.intervalMs / 1000} s interval, concurrency ${c.concurrency}, server ${delayMs} ms/call`;
  return [
    infoRow({
      bench: BENCH,
      measure: 'CPU used by chainprobe',
      value: s.cpuCores * 100,
      unit: '% core',
      note: `${where}; over ${s.windowSeconds.toFixed(0)} s; event loop ${(s.elu * 100).toFixed(0)}% busy; ${s.runs} runs, ${s.failures} failed`,
    }),
    infoRow({
      bench: BENCH,
      measure: 'CPU per probe run',
      value: ((s.cpuCores * s.windowSeconds) / Math.max(1, s.runs)) * 1000,
      unit: 'ms',
      note:
        `4 JSON-RPC calls, metrics and bookkeeping; concurrency x this ` +
        `(${(((c.concurrency * s.cpuCores * s.windowSeconds) / Math.max(1, s.runs)) * 1000).toFixed(0)} ms) ` +
        `above the task time means the CPU, not the concurrency bound, limits a cycle`,
    }),
    goalRow(
      {
        bench: BENCH,
        measure: 'schedule lag p99',
        value: p99,
        unit: 'ms',
        goal: `< ${LAG_GOAL_MS} ms`,
        note:
          `exact observations (n=${s.lag.length}); histogram_quantile(0.99) ` +
          `${(s.histP99 * 1000).toFixed(1)} ms; max ${(Math.max(0, ...s.lag) * 1000).toFixed(1)} ms; ` +
          `run duration p50 ${(median(s.durations) * 1000).toFixed(0)} ms in the window vs ` +
          `${(c.soloSeconds * 1000).toFixed(0)} ms solo: throughput is capped at ` +
          `concurrency / duration = ${(c.concurrency / median(s.durations)).toFixed(0)} runs/s ` +
          `for ${(s.runs / s.windowSeconds).toFixed(0)} due`,
      },
      LAG_GOAL_MS,
      true,
    ),
    goalRow(
      {
        bench: BENCH,
        measure: 'cycle time / ideal',
        value: cycle / ideal,
        unit: 'x',
        goal: '<= 1.2x',
        note: `cycle ${cycle.toFixed(2)} s (median of ${c.cycleSeconds.length}); ideal ceil(${targets}/${c.concurrency}) x ${(c.soloSeconds * 1000).toFixed(1)} ms solo task = ${ideal.toFixed(2)} s`,
      },
      1.2,
    ),
  ];
}
