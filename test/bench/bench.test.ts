import { describe, expect, it } from 'vitest';
import { ensureBlackbox, parseProbe } from './blackbox.js';
import { benchDecodeRows } from './decode.js';
import { benchDetection } from './detection.js';
import { benchFanout } from './fanout.js';
import { benchMemory } from './memory.js';
import { benchOverhead } from './overhead.js';
import { formatTable, goalRow, type BenchRow } from './rows.js';
import { benchScrape } from './scrape.js';
import { histogramQuantile, quantile } from './stats.js';

// Smoke tests: every benchmark at a tiny size, so the bench code cannot rot. No timing goals
// are asserted here (speed lives in `npm run bench`); only that each produces its figures.

function row(rows: BenchRow[], measure: string): BenchRow {
  const found = rows.find((r) => r.measure.startsWith(measure));
  if (!found) throw new Error(`no row ${measure} in\n${formatTable(rows)}`);
  return found;
}

describe('bench statistics', () => {
  it.each([
    { desc: 'median-of-odd', values: [3, 1, 2], q: 0.5, want: 2 },
    { desc: 'interpolated-p95', values: [0, 10], q: 0.95, want: 9.5 },
    { desc: 'single-value', values: [7], q: 0.99, want: 7 },
  ])('quantile: $desc', ({ values, q, want }) => {
    expect(quantile(values, q)).toBeCloseTo(want);
  });

  it.each([
    { desc: 'inside-a-bucket', q: 0.5, want: 0.015 },
    { desc: 'in-inf-bucket-takes-last-bound', q: 0.99, want: 0.1 },
  ])('histogramQuantile: $desc', ({ q, want }) => {
    const buckets = [
      { le: 0.01, count: 4 },
      { le: 0.02, count: 8 },
      { le: 0.1, count: 9 },
      { le: Infinity, count: 10 },
    ];
    expect(histogramQuantile(buckets, q)).toBeCloseTo(want);
  });

  it('marks a goal row met only at or below its limit', () => {
    const base = { bench: 'b', measure: 'm', unit: 'ms', goal: '< 1', note: '' };
    expect(goalRow({ ...base, value: 2 }, 1).met).toBe(false);
    expect(goalRow({ ...base, value: 1 }, 1, true).met).toBe(false);
    expect(goalRow({ ...base, value: 0.5 }, 1).ratio).toBe(0.5);
  });

  it('reads blackbox_exporter probe timing from its /probe text', () => {
    const text = [
      '# HELP probe_success x',
      'probe_success 1',
      'probe_duration_seconds 0.0213',
      'probe_http_duration_seconds{phase="connect"} 0.0001',
      'probe_http_duration_seconds{phase="processing"} 0.0205',
      'probe_http_duration_seconds{phase="transfer"} 0.0002',
    ].join('\n');
    const p = parseProbe(text);
    expect(p.success).toBe(true);
    expect(p.durationSeconds).toBe(0.0213);
    expect(p.httpSeconds).toBeCloseTo(0.0208);
    expect(p.processingSeconds).toBe(0.0205);
  });
});

// Concurrent: most of each benchmark is waiting on its servers, processes and intervals.
describe.concurrent('benchmarks at a tiny size', () => {
  it('1 overhead: pairs reported and server-side times', async () => {
    const rows = await benchOverhead({
      samples: 5,
      warmup: 1,
      delayMs: 2,
      blackbox: ensureBlackbox(false),
    });
    const overhead = row(rows, 'chainprobe overhead p50');
    expect(Number.isFinite(overhead.value)).toBe(true);
    expect(row(rows, 'server handling p50').value).toBeGreaterThanOrEqual(2);
  });

  it('2 fan-out: CPU, schedule lag and cycle ratio', async () => {
    const rows = await benchFanout({
      targets: 20,
      intervalMs: 500,
      windowMs: 500,
      cycles: 1,
      servers: 1,
      soloRuns: 3,
    });
    expect(row(rows, 'CPU used').value).toBeGreaterThan(0);
    expect(Number.isFinite(row(rows, 'schedule lag p99').value)).toBe(true);
    expect(row(rows, 'cycle time / ideal').value).toBeGreaterThan(0);
  });

  it('3 scrape: render times, linearity and lag with scrapes', async () => {
    const rows = await benchScrape({
      steps: [200, 400],
      intervalMs: 500,
      renders: 2,
      lagWindowMs: 200,
      scrapeEveryMs: 100,
    });
    expect(row(rows, 'render at 0.4k series').value).toBeGreaterThan(0);
    expect(Number.isFinite(row(rows, 'render 0.4k / 0.2k').value)).toBe(true);
    expect(Number.isFinite(row(rows, 'schedule lag p99, scraped').value)).toBe(true);
  });

  it('4 memory: checkpoints after GC and no series of removed targets', async () => {
    const rows = await benchMemory({
      targets: 2,
      baseline: 4,
      final: 12,
      reloadEvery: 2,
      churn: 1,
    });
    expect(row(rows, 'heap / RSS').value).toBeGreaterThan(0);
    expect(row(rows, 'removed targets with series left').value).toBe(0);
  });

  it('5 decode: seal checks and the validators probe path', async () => {
    const rows = await benchDecodeRows({ sizes: [4], blocks: () => 2, goalValidators: 4 });
    expect(row(rows, '4 validators: blocks/s').value).toBeGreaterThan(0);
    expect(row(rows, '4 validators, 1 s blocks: validators probe').value).toBeGreaterThan(0);
  });

  it('6 detection: an RPC outage shows on the devnet', async () => {
    const rows = await benchDetection({
      faults: ['rpc-down'],
      trials: 1,
      healthyMs: 300,
      blockPeriodSeconds: 1,
      intervalMs: 500,
      waitMs: 5000,
    });
    const detected = row(rows, 'rpc-down: worst of 1');
    expect(detected.value).toBeGreaterThanOrEqual(0);
    expect(detected.value).toBeLessThan(5);
  });
});
