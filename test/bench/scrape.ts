import type { Server } from 'node:http';
import type { Express } from 'express';
import { closeServer, createApp, listen } from '../../src/http/server.js';
import { renderMetrics } from '../../src/metrics/render.js';
import type { Daemon } from '../../src/engine/daemon.js';
import { buildDaemon, captureLag, countSeries, rpcConfig, sleep } from './daemon-kit.js';
import { startLoadServers, type LoadServers } from './processes.js';
import { goalRow, infoRow, type BenchRow } from './rows.js';
import { median, quantile } from './stats.js';

/** Options of the scrape-cost benchmark. */
export interface ScrapeOptions {
  /** Series counts to render at; the last two are compared for linearity. */
  steps?: number[];
  intervalMs?: number;
  /** Timed renders per step. */
  renders?: number;
  /** Length of each of the six rotating lag windows (none, /metrics, one-pass render), ms. */
  lagWindowMs?: number;
  /** Pause between scrapes in the scraped windows, ms. */
  scrapeEveryMs?: number;
}

const BENCH = '3 scrape';
const LAG_GOAL_MS = 100;

/**
 * Benchmark 3: /metrics render time of the daemon's own registry at each series count, with
 * real rpc targets (their engine, transport and kind series) while their probes run; then, at
 * the largest size, schedule lag in rotating windows without scrapes, with scrapes of /metrics
 * as the daemon serves it (renderMetrics, src/metrics/render.ts), and, for reference, with the
 * same scrapes rendered by prom-client's Registry.metrics() in one pass.
 */
export async function benchScrape(opts: ScrapeOptions = {}): Promise<BenchRow[]> {
  const steps = opts.steps ?? [1000, 10_000, 50_000];
  const servers = await startLoadServers({ servers: 2, delayMs: 5 });
  try {
    const { base, perTarget } = await seriesPerTarget(servers);
    const results: StepResult[] = [];
    for (const [i, want] of steps.entries()) {
      const targets = Math.max(1, Math.round((want - base) / perTarget));
      const withLag = i === steps.length - 1;
      results.push(await measureStep(servers, targets, want, opts, withLag));
    }
    return scrapeRows(results, perTarget);
  } finally {
    await servers.stop();
  }
}

function urlsFor(servers: LoadServers, n: number, prefix: string): string[] {
  return Array.from(
    { length: n },
    (_, i) => `${servers.urls[i % servers.urls.length]}/${prefix}/${i}`,
  );
}

// Series of an rpc target once it has run: counted from 1 and 3 targets.
async function seriesPerTarget(servers: LoadServers): Promise<{ base: number; perTarget: number }> {
  const count = async (n: number): Promise<number> => {
    const daemon = buildDaemon(rpcConfig(urlsFor(servers, n, 'count'), { intervalMs: 10_000 }));
    await daemon.runOnce();
    const series = countSeries(await daemon.registry.metrics());
    await daemon.stop();
    return series;
  };
  const one = await count(1);
  const perTarget = ((await count(3)) - one) / 2;
  return { base: one - perTarget, perTarget };
}

type LagKind = 'quiet' | 'metrics' | 'metrics-whole';

interface StepResult {
  want: number;
  targets: number;
  series: number;
  renderMs: number[];
  chunkedMs: number[];
  scrapeMs: number[];
  lag: Record<LagKind, number[]>;
  /** The metric whose own render takes longest, and that time, ms (one uninterrupted block). */
  /**
   * The metric whose own render takes longest: prom-client's render time of it alone (one
   * uninterrupted block) and the time to read its values (Metric.get(), the longest block left
   * in renderMetrics, which yields between slices of series).
   */
  largest: { name: string; ms: number; getMs: number; series: number };
}

async function measureStep(
  servers: LoadServers,
  targets: number,
  want: number,
  opts: ScrapeOptions,
  withLag: boolean,
): Promise<StepResult> {
  const intervalMs = opts.intervalMs ?? 10_000;
  const daemon = buildDaemon(rpcConfig(urlsFor(servers, targets, `s${want}`), { intervalMs }));
  const lag = captureLag(daemon);
  let server: Server | undefined;
  try {
    // /metrics as the daemon serves it; /metrics-whole rendered by prom-client in one pass.
    const whole = (app: Express): void => {
      app.get('/metrics-whole', async (_req, res) => {
        res.set('Content-Type', daemon.registry.contentType);
        res.send(await daemon.registry.metrics());
      });
    };
    const http = await listen(createApp(daemon, [whole]), '127.0.0.1:0');
    server = http.server;
    daemon.start();
    const deadline = Date.now() + intervalMs * 2;
    while (!daemon.isReady() && Date.now() < deadline) await sleep(100);
    // Past the first runs' burst and the second runs' move to their phase.
    if (withLag) await sleep(intervalMs);
    const result = await timeRenders(daemon, want, targets, opts.renders ?? 15);
    if (withLag) {
      // The timed renders leave megabytes of strings behind; let their collection pass before
      // the first (quiet) window, or it lands there and inflates the baseline.
      await sleep(3000);
      await lagWindows(http.url, lag, result, opts);
    }
    return result;
  } finally {
    await daemon.stop();
    if (server) await closeServer(server);
  }
}

async function timeRenders(
  daemon: Daemon,
  want: number,
  targets: number,
  renders: number,
): Promise<StepResult> {
  const renderMs: number[] = [];
  const chunkedMs: number[] = [];
  let text = '';
  for (let i = 0; i < renders; i++) {
    const t0 = performance.now();
    text = await daemon.registry.metrics();
    renderMs.push(performance.now() - t0);
    await sleep(50);
    const t1 = performance.now();
    await renderMetrics(daemon.registry);
    chunkedMs.push(performance.now() - t1);
    await sleep(50);
  }
  return {
    want,
    targets,
    series: countSeries(text),
    renderMs,
    chunkedMs,
    scrapeMs: [],
    lag: { quiet: [], metrics: [], 'metrics-whole': [] },
    largest: await largestMetric(daemon),
  };
}

// prom-client renders the registry in one chain of promises that never yields to the event
// loop; per metric, this is how long the biggest one alone holds it.
async function largestMetric(daemon: Daemon): Promise<StepResult['largest']> {
  let largest = { name: '', ms: 0, getMs: 0, series: 0 };
  for (const metric of daemon.registry.getMetricsAsArray()) {
    const t0 = performance.now();
    const text = await daemon.registry.getSingleMetricAsString(metric.name);
    const ms = performance.now() - t0;
    if (ms > largest.ms) largest = { name: metric.name, ms, getMs: 0, series: countSeries(text) };
  }
  const metric = daemon.registry.getSingleMetric(largest.name);
  const t0 = performance.now();
  await metric?.get();
  return { ...largest, getMs: performance.now() - t0 };
}

// Rotates quiet, /metrics and /metrics-whole windows twice, so drift in the machine's load
// falls on each kind alike.
async function lagWindows(
  url: string,
  lag: { samples: number[] },
  result: StepResult,
  opts: ScrapeOptions,
): Promise<void> {
  const windowMs = opts.lagWindowMs ?? 4000;
  const kinds: LagKind[] = ['quiet', 'metrics', 'metrics-whole'];
  for (let w = 0; w < 6; w++) {
    const kind = kinds[w % 3] ?? 'quiet';
    lag.samples.length = 0;
    const end = Date.now() + windowMs;
    while (Date.now() < end) {
      if (kind !== 'quiet') {
        const t0 = performance.now();
        await (await fetch(`${url}/${kind}`)).text();
        if (kind === 'metrics') result.scrapeMs.push(performance.now() - t0);
      }
      await sleep(kind === 'quiet' ? 100 : (opts.scrapeEveryMs ?? 1000));
    }
    result.lag[kind].push(...lag.samples);
  }
}

/** The rows of the scrape benchmark. */
export function scrapeRows(steps: readonly StepResult[], perTarget: number): BenchRow[] {
  const rows: BenchRow[] = steps.map((s) =>
    infoRow({
      bench: BENCH,
      measure: `render at ${s.want / 1000}k series`,
      value: median(s.renderMs),
      unit: 'ms',
      note:
        `${s.series} series (${s.targets} rpc targets x ${perTarget} + core); ` +
        `registry.metrics() median of ${s.renderMs.length}, p95 ` +
        `${quantile(s.renderMs, 0.95).toFixed(1)} ms; renderMetrics median ` +
        `${median(s.chunkedMs).toFixed(1)} ms`,
    }),
  );
  const [prev, last] = steps.slice(-2);
  if (prev && last) rows.push(linearityRow(prev, last));
  if (last) rows.push(...lagRows(last));
  return rows;
}

function linearityRow(prev: StepResult, last: StepResult): BenchRow {
  const timeRatio = median(last.renderMs) / median(prev.renderMs);
  const seriesRatio = last.series / prev.series;
  // Normalised to the nominal series step (5x), so a few series more or less do not count.
  const normalised = (timeRatio * (last.want / prev.want)) / seriesRatio;
  const limit = 1.1 * (last.want / prev.want);
  return goalRow(
    {
      bench: BENCH,
      measure: `render ${last.want / 1000}k / ${prev.want / 1000}k`,
      value: normalised,
      unit: 'x',
      goal: `<= ${limit.toFixed(1)}x (linear)`,
      note: `raw time ratio ${timeRatio.toFixed(2)} for ${seriesRatio.toFixed(2)}x series`,
    },
    limit,
  );
}

function lagRows(last: StepResult): BenchRow[] {
  const p99 = (k: LagKind): number => quantile(last.lag[k], 0.99) * 1000;
  const rows: BenchRow[] = [
    infoRow({
      bench: BENCH,
      measure: `largest metric at ${last.want / 1000}k`,
      value: last.largest.ms,
      unit: 'ms',
      note:
        `${last.largest.name}: ${last.largest.series} series, rendered by prom-client in one ` +
        `uninterrupted block; reading its values alone (the longest block in renderMetrics) ` +
        `${last.largest.getMs.toFixed(1)} ms`,
    }),
  ];
  if (last.lag.quiet.length === 0) return rows;
  const quiet = p99('quiet');
  const n = (k: LagKind): string => `n=${last.lag[k].length}`;
  rows.push(
    infoRow({
      bench: BENCH,
      measure: 'schedule lag p99, no scrapes',
      value: quiet,
      unit: 'ms',
      note: `${last.series} series, ${n('quiet')}`,
    }),
    goalRow(
      {
        bench: BENCH,
        measure: 'schedule lag p99, scraped (/metrics)',
        value: p99('metrics'),
        unit: 'ms',
        goal: `< ${LAG_GOAL_MS} ms`,
        note:
          `scrape over HTTP every 1 s (median ${median(last.scrapeMs).toFixed(0)} ms), ` +
          `renderMetrics as src/http/server.ts serves it; ${n('metrics')}; ` +
          `${(p99('metrics') - quiet).toFixed(1)} ms vs no scrapes`,
      },
      LAG_GOAL_MS,
      true,
    ),
    infoRow({
      bench: BENCH,
      measure: 'schedule lag p99, scraped (Registry.metrics)',
      value: p99('metrics-whole'),
      unit: 'ms',
      note:
        `reference: the same scrapes rendered by prom-client in one pass that never yields; ` +
        `${n('metrics-whole')}; ${(p99('metrics-whole') - quiet).toFixed(1)} ms vs no scrapes`,
    }),
  );
  return rows;
}
