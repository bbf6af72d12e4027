import type { RunRecord } from '../engine/scheduler.js';

/** One row of --once output. */
export interface OnceRow {
  probe: string;
  kind: string;
  target: string;
  ok: boolean;
  errorClass: string | null;
  detail: string | null;
  durationMs: number;
}

/** Sorted rows from run records. */
export function toRows(records: readonly RunRecord[]): OnceRow[] {
  return records
    .map((r) => ({
      probe: r.task.probe,
      kind: r.task.kind,
      target: r.task.target,
      ok: r.result.ok,
      errorClass: r.result.errorClass ?? null,
      detail: r.result.detail ?? null,
      durationMs: Math.round(r.durationSeconds * 1000),
    }))
    .sort((a, b) =>
      a.probe === b.probe ? a.target.localeCompare(b.target) : a.probe.localeCompare(b.probe),
    );
}

/** A plain-text table for a terminal, with a summary line. */
export function formatTable(rows: readonly OnceRow[]): string {
  const header = ['PROBE', 'KIND', 'TARGET', 'STATUS', 'CLASS', 'MS', 'DETAIL'];
  const body = rows.map((r) => [
    r.probe,
    r.kind,
    r.target,
    r.ok ? 'ok' : 'FAIL',
    r.errorClass ?? '-',
    String(r.durationMs),
    r.detail ?? '',
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const failed = rows.filter((r) => !r.ok).length;
  const summary = `${rows.length - failed} healthy, ${failed} failing`;
  return [line(header), ...body.map(line), '', summary].join('\n') + '\n';
}
