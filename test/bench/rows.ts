import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One line of the benchmark table: a measured figure, its goal and whether it was met. */
export interface BenchRow {
  /** Benchmark number and short name, e.g. `1 overhead`. */
  bench: string;
  /** What was measured, e.g. `chainprobe overhead p50`. */
  measure: string;
  value: number;
  unit: string;
  /** The goal in words, e.g. `< blackbox overhead`; empty for context rows. */
  goal: string;
  /** value / goal limit: at or below 1 meets the goal; null for context rows. */
  ratio: number | null;
  /** true met, false missed, null no goal (context) or not measured. */
  met: boolean | null;
  /** How it was measured, or why the goal was missed or skipped. */
  note: string;
}

/** A row with a goal `value <= limit` (or `<` when strict): ratio value/limit. */
export function goalRow(
  base: Omit<BenchRow, 'ratio' | 'met'>,
  limit: number,
  strict = false,
): BenchRow {
  const ratio = limit === 0 ? (base.value === 0 ? 0 : Infinity) : base.value / limit;
  const met = Number.isFinite(base.value) && (strict ? base.value < limit : base.value <= limit);
  return { ...base, ratio, met };
}

/** A context row: a figure with no goal of its own. */
export function infoRow(base: Omit<BenchRow, 'ratio' | 'met' | 'goal'>): BenchRow {
  return { ...base, goal: '', ratio: null, met: null };
}

/** A row saying a benchmark crashed or was skipped, with its cause. */
export function failedRow(bench: string, cause: string, skipped = false): BenchRow {
  const measure = skipped ? 'skipped' : 'did not complete';
  return {
    bench,
    measure,
    value: Number.NaN,
    unit: '',
    goal: '',
    ratio: null,
    met: null,
    note: cause,
  };
}

/** Formats `rows` as a fixed-width text table. */
export function formatTable(rows: readonly BenchRow[]): string {
  const head = ['bench', 'measure', 'value', 'goal', 'ratio', 'ok', 'note'];
  const body = rows.map((r) => [
    r.bench,
    r.measure,
    Number.isNaN(r.value) ? '-' : `${fmt(r.value)} ${r.unit}`.trim(),
    r.goal,
    r.ratio === null ? '' : fmt(r.ratio),
    r.met === null ? '' : r.met ? 'yes' : 'MISS',
    r.note,
  ]);
  const widths = head.map((h, i) =>
    Math.min(i === 6 ? 80 : 60, Math.max(h.length, ...body.map((b) => (b[i] ?? '').length))),
  );
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join(' | ')
      .trimEnd();
  const sep = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [line(head), sep, ...body.map(line)].join('\n');
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 1000) return x.toFixed(0);
  return String(Number(x.toPrecision(3)));
}

/** Writes the results (rows plus machine facts) as JSON. */
export function writeResults(path: string, doc: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
}
