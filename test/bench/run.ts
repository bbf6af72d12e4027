/**
 * `npm run bench`: every benchmark in one run, side by side, on loopback. Prints a table of
 * figures and goal ratios (value / goal limit: at most 1 meets it) and writes it as JSON to
 * test/bench/results/latest.json. A missed goal is a row with its cause, never a failure: the
 * exit code is non-zero only when the runner itself crashes. See docs/benchmarks.md.
 *
 * `npm run bench -- 3 5` runs only the benchmarks whose names start with those numbers and
 * writes test/bench/results/partial.json instead, so latest.json always holds a whole run.
 */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ensureBlackbox } from './blackbox.js';
import { benchDecodeRows } from './decode.js';
import { benchDetection } from './detection.js';
import { benchFanout } from './fanout.js';
import { benchMemory } from './memory.js';
import { benchOverhead } from './overhead.js';
import { failedRow, formatTable, writeResults, type BenchRow } from './rows.js';
import { benchScrape } from './scrape.js';

const RESULTS = fileURLToPath(new URL('./results/latest.json', import.meta.url));
const PARTIAL = fileURLToPath(new URL('./results/partial.json', import.meta.url));

/** One benchmark of the run: its name and how to run it. */
interface Bench {
  name: string;
  run(): Promise<BenchRow[]>;
}

/** Facts about the machine the figures were taken on. */
function machine(): Record<string, unknown> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 'unknown';
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  return { nproc: availableParallelism(), cpuModel: model, node: process.version, commit };
}

function benches(blackbox: string | null): Bench[] {
  return [
    { name: '1 overhead', run: () => benchOverhead({ blackbox }) },
    { name: '2 fan-out', run: () => benchFanout() },
    { name: '3 scrape', run: () => benchScrape() },
    { name: '4 memory', run: () => benchMemory({ targets: 6 }) },
    {
      name: '5 decode',
      run: () => benchDecodeRows({ blocks: (v) => (v <= 4 ? 60 : v <= 21 ? 30 : 12) }),
    },
    { name: '6 detection', run: () => benchDetection() },
  ];
}

async function main(): Promise<void> {
  const started = Date.now();
  const only = process.argv.slice(2);
  const all = benches(null);
  const chosen =
    only.length === 0 ? all : all.filter((b) => only.includes(b.name.split(' ')[0] ?? ''));
  if (chosen.length === 0) throw new Error(`no benchmark named ${only.join(', ')}`);
  const blackbox = chosen.some((b) => b.name === '1 overhead') ? ensureBlackbox() : null;
  const rows: BenchRow[] = [];
  const runs: Array<{ bench: string; seconds: number; loadavg1m: number }> = [];
  const names = new Set(chosen.map((b) => b.name));
  for (const bench of benches(blackbox).filter((b) => names.has(b.name))) {
    const t0 = Date.now();
    const load = loadavg()[0] ?? 0;
    process.stderr.write(`bench ${bench.name} (load average ${load.toFixed(1)}) ...\n`);
    try {
      rows.push(...(await bench.run()));
    } catch (err) {
      rows.push(failedRow(bench.name, (err as Error).message ?? String(err)));
    }
    runs.push({ bench: bench.name, seconds: (Date.now() - t0) / 1000, loadavg1m: load });
  }
  const totalSeconds = (Date.now() - started) / 1000;
  const table = formatTable(rows);
  process.stdout.write(`${table}\n\n`);
  const met = rows.filter((r) => r.met === true).length;
  const missed = rows.filter((r) => r.met === false).length;
  process.stdout.write(`goals met ${met}, missed ${missed}; ${totalSeconds.toFixed(0)} s\n`);
  const file = chosen.length === all.length ? RESULTS : PARTIAL;
  writeResults(file, {
    date: new Date().toISOString(),
    machine: machine(),
    blackbox: blackbox ?? 'not available',
    totalSeconds,
    runs,
    rows,
  });
  process.stdout.write(`written ${file}\n`);
}

main().then(
  // Benchmarks stop their own children; exit even if a stray keep-alive socket lingers.
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench runner crashed: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
