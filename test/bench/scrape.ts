import type { Server } from 'node:http';
import { closeServer, createApp, listen } from '../../src/http/server.js';
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
  /** Length of each of the four alternating lag windows (no scrapes, scrapes), ms. */
  lagWindowMs?: number;
  /** Pause between scrapes in the scraped windows, ms. */
  scrapeEveryMs?: number;
}

const BENCH = '3 scrape';
const LAG_GOAL_MS = 100;

/**
 * Benchmark 3: /metrics render time of the daemon's own registry at each series count, with
 * real rpc targets (their engine, transport and kind series) while their probes run; then, at
 * the largest size, schedule lag in alternating windows without and with scrapes over HTTP.
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

interface StepResult {
  want: number;
  targets: number;
  series: number;
  renderMs: number[];
  scrapeMs: number[];
  lagQuiet: number[];
  lagScraped: number[];
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
    const http = await listen(createApp(daemon), '127.0.0.1:0');
    server = http.server;
    daemon.start();
    const deadline = Date.now() + intervalMs * 2;
    while (!daemon.isReady() && Date.now() < deadline) await sleep(100);
    // Past the first runs' burst and the second runs' move to their phase.
    if (withLag) await sleep(intervalMs);
    const renderMs: number[] = [];
    let text = '';
    for (let i = 0; i < (opts.renders ?? 15); i++) {
      const t0 = performance.now();
      text = await daemon.registry.metrics();
      renderMs.push(performance.now() - t0);
      await sleep(100);
    }
    const result: StepResult = {
      want,
      targets,
      series: countSeries(text),
      renderMs,
      scrapeMs: [],
      lagQuiet: [],
      lagScraped: [],
    };
    if (withLag) await lagWindows(http.url, lag, result, opts);
    return result;
  } finally {
    await daemon.stop();
    if (server) await closeServer(server);
  }
}

// Alternates quiet and scraped windows (quiet, scraped, quiet, scraped) so drift in the
// machine's load falls on both sides alike.
async function lagWindows(
  url: string,
  lag: { samples: number[] },
  result: StepResult,
  opts: ScrapeOptions,
): Promise<void> {
  const windowMs = opts.lagWindowMs ?? 5000;
  for (let w = 0; w < 4; w++) {
    const scraped = w % 2 === 1;
    lag.samples.length = 0;
    const end = Date.now() + windowMs;
    while (Date.now() < end) {
      if (scraped) {
        const t0 = performance.now();
        await (await fetch(`${url}/metrics`)).text();
        result.scrapeMs.push(performance.now() - t0);
      }
      await sleep(scraped ? (opts.scrapeEveryMs ?? 1000) : 100);
    }
    (scraped ? result.lagScraped : result.lagQuiet).push(...lag.samples);
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
      note: `${s.series} series (${s.targets} rpc targets x ${perTarget} + core); registry.metrics() median of ${s.renderMs.length}, p95 ${quantile(s.renderMs, 0.95).toFixed(1)} ms`,
    }),
  );
  const [prev, last] = steps.slice(-2);
  if (prev && last) {
    const timeRatio = median(last.renderMs) / median(prev.renderMs);
    const seriesRatio = last.series / prev.series;
    // Normalised to the nominal 5x series step, so a few series more or less do not count.
    const normalised = (timeRatio * (last.want / prev.want)) / seriesRatio;
    rows.push(
      goalRow(
        {
          bench: BENCH,
          measure: `render ${last.want / 1000}k / ${prev.want / 1000}k`,
          value: normalised,
          unit: 'x',
          goal: '<= 5.5x (linear)',
          note: `raw time ratio ${timeRatio.toFixed(2)} for ${seriesRatio.toFixed(2)}x series`,
        },
        5.5,
      ),
    );
  }
  if (last && last.lagQuiet.length > 0) {
    const quiet = quantile(last.lagQuiet, 0.99) * 1000;
    const scraped = quantile(last.lagScraped, 0.99) * 1000;
    rows.push(
      infoRow({
        bench: BENCH,
        measure: 'schedule lag p99, no scrapes',
        value: quiet,
        unit: 'ms',
        note: `${last.series} series, n=${last.lagQuiet.length}`,
      }),
    );
    rows.push(
      goalRow(
        {
          bench: BENCH,
          measure: 'schedule lag p99, scraped',
          value: scraped,
          unit: 'ms',
          goal: `< ${LAG_GOAL_MS} ms`,
          note: `scrape over HTTP every 1 s (median ${median(last.scrapeMs).toFixed(0)} ms); n=${last.lagScraped.length}; +${(scraped - quiet).toFixed(1)} ms vs no scrapes`,
        },
        LAG_GOAL_MS,
        true,
      ),
    );
  }
  return rows;
}
