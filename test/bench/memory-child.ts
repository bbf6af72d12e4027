/**
 * The memory benchmark's measured process (run with --expose-gc): a Daemon against the
 * given JSON-RPC servers, run cycle after cycle with runOnce, its targets coming and going
 * through Daemon.reload. argv[2] is JSON MemoryChildOptions; prints one JSON line with the
 * memory after GC at each checkpoint and the series left for removed targets.
 */
import { buildDaemon, rpcConfig } from './daemon-kit.js';

/** What the parent asks for. */
export interface MemoryChildOptions {
  urls: string[];
  /** Targets configured at any time. */
  targets: number;
  /** Cycles after which memory is read (after GC); the first is the baseline. */
  checkpoints: number[];
  /** Reload every this many cycles, replacing `churn` targets with new ones. */
  reloadEvery: number;
  churn: number;
}

/** One checkpoint: memory after a full GC, bytes. */
export interface MemoryCheckpoint {
  cycle: number;
  rss: number;
  heapUsed: number;
  external: number;
  seconds: number;
}

/** What the child prints. */
export interface MemoryChildResult {
  checkpoints: MemoryCheckpoint[];
  reloads: number;
  targetsSeen: number;
  /** Removed target names that still appear in the registry text. */
  leftoverTargets: string[];
  /** Series lines in the registry text at the end. */
  seriesAtEnd: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function names(first: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `m${first + i}`);
}

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setImmediate(r));
  }
}

async function main(opts: MemoryChildOptions): Promise<MemoryChildResult> {
  if (!gc) throw new Error('run with --expose-gc');
  const config = (first: number) => {
    const list = names(first, opts.targets);
    const urls = list.map((n, i) => `${opts.urls[i % opts.urls.length]}/${n}`);
    return rpcConfig(urls, { intervalMs: 10_000, light: true, names: list });
  };
  let first = 0;
  const daemon = buildDaemon(config(first));
  const checkpoints: MemoryCheckpoint[] = [];
  const last = Math.max(...opts.checkpoints);
  const t0 = performance.now();
  let reloads = 0;
  for (let cycle = 1; cycle <= last; cycle++) {
    await daemon.runOnce();
    if (cycle % opts.reloadEvery === 0) {
      first += opts.churn;
      await daemon.reload(config(first));
      reloads++;
    }
    if (opts.checkpoints.includes(cycle)) {
      await settle();
      const m = process.memoryUsage();
      const seconds = (performance.now() - t0) / 1000;
      checkpoints.push({ cycle, rss: m.rss, heapUsed: m.heapUsed, external: m.external, seconds });
    }
  }
  const text = await daemon.registry.metrics();
  const current = new Set(names(first, opts.targets));
  const leftover = new Set<string>();
  for (const m of text.matchAll(/(?:target|endpoint)="(m\d+)"/g)) {
    const name = m[1] ?? '';
    if (!current.has(name)) leftover.add(name);
  }
  await daemon.stop();
  const seriesAtEnd = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  return {
    checkpoints,
    reloads,
    targetsSeen: first + opts.targets,
    leftoverTargets: [...leftover],
    seriesAtEnd,
  };
}

main(JSON.parse(process.argv[2] ?? '{}') as MemoryChildOptions).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
