import type { MemoryChildOptions, MemoryChildResult } from './memory-child.js';
import { firstJsonLine, spawnTs, startLoadServers } from './processes.js';
import { goalRow, infoRow, type BenchRow } from './rows.js';

/** Options of the memory benchmark. */
export interface MemoryOptions {
  targets?: number;
  /** Baseline and final cycle counts. */
  baseline?: number;
  final?: number;
  reloadEvery?: number;
  churn?: number;
  /** Kill the child after this long, ms. */
  timeoutMs?: number;
}

const BENCH = '4 memory';
const MB = 1024 * 1024;

/**
 * Benchmark 4: a daemon in a child process (node --expose-gc) runs `final` accelerated cycles
 * (runOnce back to back) while reloads replace `churn` of its `targets` every `reloadEvery`
 * cycles; memory after GC at `baseline` and `final` cycles, and the series of removed targets.
 */
export async function benchMemory(opts: MemoryOptions = {}): Promise<BenchRow[]> {
  const servers = await startLoadServers({ servers: 2, delayMs: 0 });
  const childOpts: MemoryChildOptions = {
    urls: servers.urls,
    targets: opts.targets ?? 10,
    checkpoints: [opts.baseline ?? 1000, opts.final ?? 10_000],
    reloadEvery: opts.reloadEvery ?? 10,
    churn: opts.churn ?? 2,
  };
  const child = spawnTs('./memory-child.ts', [JSON.stringify(childOpts)], ['--expose-gc']);
  try {
    const result = await firstJsonLine<MemoryChildResult>(child, opts.timeoutMs ?? 240_000);
    return memoryRows(childOpts, result);
  } finally {
    await child.stop();
    await servers.stop();
  }
}

/** The rows of the memory benchmark. */
export function memoryRows(o: MemoryChildOptions, r: MemoryChildResult): BenchRow[] {
  const [base, end] = [r.checkpoints[0], r.checkpoints.at(-1)];
  if (!base || !end) throw new Error('memory child reported no checkpoints');
  const growth = (a: number, b: number): number => ((b - a) / a) * 100;
  const where = `${o.targets} rpc targets, reload every ${o.reloadEvery} cycles replacing ${o.churn} (${r.reloads} reloads, ${r.targetsSeen} distinct targets); ${end.seconds.toFixed(0)} s`;
  return [
    infoRow({
      bench: BENCH,
      measure: `heap / RSS after ${base.cycle} cycles`,
      value: base.heapUsed / MB,
      unit: 'MiB',
      note: `RSS ${(base.rss / MB).toFixed(1)} MiB; after GC`,
    }),
    goalRow(
      {
        bench: BENCH,
        measure: `heap growth ${base.cycle} -> ${end.cycle} cycles`,
        value: growth(base.heapUsed, end.heapUsed),
        unit: '%',
        goal: '< 5%',
        note: `${(base.heapUsed / MB).toFixed(1)} -> ${(end.heapUsed / MB).toFixed(1)} MiB heapUsed after GC; ${where}`,
      },
      5,
      true,
    ),
    goalRow(
      {
        bench: BENCH,
        measure: `RSS growth ${base.cycle} -> ${end.cycle} cycles`,
        value: growth(base.rss, end.rss),
        unit: '%',
        goal: '< 5%',
        note: `${(base.rss / MB).toFixed(1)} -> ${(end.rss / MB).toFixed(1)} MiB after GC`,
      },
      5,
      true,
    ),
    goalRow(
      {
        bench: BENCH,
        measure: 'removed targets with series left',
        value: r.leftoverTargets.length,
        unit: '',
        goal: '0',
        note:
          r.leftoverTargets.length > 0
            ? `e.g. ${r.leftoverTargets.slice(0, 3).join(', ')}`
            : `registry text checked; ${r.seriesAtEnd} series at the end`,
      },
      0,
    ),
  ];
}
