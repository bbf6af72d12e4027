/**
 * `npx tsx test/bench/summary.ts` prints test/bench/results/latest.json as a Markdown table
 * (every row with a goal, plus the machine line), for the README's Benchmarks section.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './rows.js';

interface Results {
  date: string;
  machine: { nproc: number; cpuModel: string; node: string; commit: string };
  totalSeconds: number;
  runs: Array<{ bench: string; loadavg1m: number }>;
  rows: BenchRow[];
}

const path = fileURLToPath(new URL('./results/latest.json', import.meta.url));
const r = JSON.parse(readFileSync(path, 'utf8')) as Results;
const fmt = (x: number | null): string =>
  x === null || !Number.isFinite(x) ? '-' : String(Number(x.toPrecision(3)));
const loads = r.runs.map((x) => x.loadavg1m.toFixed(0)).join('-');
const lines = [
  `Machine: ${r.machine.nproc} cores (\`nproc\`), ${r.machine.cpuModel}, Node ${r.machine.node}; ` +
    `commit ${r.machine.commit}, ${r.date.slice(0, 10)}; whole run ${r.totalSeconds.toFixed(0)} s; ` +
    `1-minute load average before each benchmark ${loads}.`,
  '',
  '| benchmark | measure | value | goal | ratio | met |',
  '|---|---|---|---|---|---|',
  ...r.rows
    .filter((row) => row.met !== null)
    .map(
      (row) =>
        `| ${row.bench} | ${row.measure} | ${fmt(row.value)} ${row.unit} | ${row.goal} | ` +
        `${fmt(row.ratio)} | ${row.met ? 'yes' : '**no**'} |`,
    ),
];
process.stdout.write(`${lines.join('\n')}\n`);
