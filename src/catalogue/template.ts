/**
 * A small re-implementation of the part of Prometheus' alert templating the catalogue uses, so
 * the promtool unit tests can state the exact annotations each alert must carry. Anything else
 * in a template is an error, which keeps the annotations simple and this file honest.
 */

/** Error raised for a template the expander does not support or a label the alert lacks. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    readonly code: 'unknown_label' | 'unsupported',
    message: string,
  ) {
    super(message);
  }
}

const ACTION = /\{\{\s*([^}]*?)\s*\}\}/g;

/** Expands `{{ $labels.x }}`, `{{ $value }}` and `{{ $value | humanize* }}` like Prometheus. */
export function expandTemplate(
  template: string,
  labels: Readonly<Record<string, string>>,
  value: number | undefined,
): string {
  return template.replace(ACTION, (_m, action: string) => expandAction(action, labels, value));
}

/** The label names a template reads through `$labels`. */
export function templateLabels(template: string): string[] {
  return [...template.matchAll(/\$labels\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] ?? '');
}

/** True when the template reads `$value`. */
export function usesValue(template: string): boolean {
  return /\$value\b/.test(template);
}

function expandAction(
  action: string,
  labels: Readonly<Record<string, string>>,
  value: number | undefined,
): string {
  const label = /^\$labels\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(action);
  if (label) {
    const v = labels[label[1] ?? ''];
    if (v === undefined) throw new TemplateError('unknown_label', `no label ${label[1]}`);
    return v;
  }
  const val = /^\$value(?:\s*\|\s*(humanize|humanizeDuration|humanizePercentage))?$/.exec(action);
  if (!val) throw new TemplateError('unsupported', `unsupported template action {{ ${action} }}`);
  if (value === undefined) throw new TemplateError('unsupported', 'template reads $value');
  switch (val[1]) {
    case undefined:
      return formatGoFloat(value);
    case 'humanize':
      return humanize(value);
    case 'humanizeDuration':
      return humanizeDuration(value);
    default:
      return `${formatG4(value * 100)}%`;
  }
}

/** Go's `%.4g` for values whose decimal exponent is between -4 and 3 (all the catalogue uses). */
export function formatG4(v: number): string {
  if (v === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 4) throw new TemplateError('unsupported', `value ${v} needs an exponent`);
  const fixed = v.toPrecision(4);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

// strconv.FormatFloat(v, 'f', -1, 64) is what `{{ $value }}` prints for ordinary values.
function formatGoFloat(v: number): string {
  return String(v);
}

/** Prometheus' `humanize`: SI prefixes, 4 significant digits. */
export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return formatG4(v);
  let x = v;
  let prefix = '';
  if (Math.abs(x) >= 1) {
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(x) < 1000) break;
      prefix = p;
      x /= 1000;
    }
    return `${formatG4(x)}${prefix}`;
  }
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(x) >= 1) break;
    prefix = p;
    x *= 1000;
  }
  return `${formatG4(x)}${prefix}`;
}

/** Prometheus' `humanizeDuration`: `1d 2h 3m 4s`, or seconds with 4 significant digits. */
export function humanizeDuration(v: number): string {
  if (v === 0) return '0s';
  if (Math.abs(v) < 1) return `${humanize(v)}s`;
  const sign = v < 0 ? '-' : '';
  const total = Math.trunc(Math.abs(v));
  const s = total % 60;
  const m = Math.trunc(total / 60) % 60;
  const h = Math.trunc(total / 3600) % 24;
  const d = Math.trunc(total / 86400);
  if (d !== 0) return `${sign}${d}d ${h}h ${m}m ${s}s`;
  if (h !== 0) return `${sign}${h}h ${m}m ${s}s`;
  if (m !== 0) return `${sign}${m}m ${s}s`;
  return `${sign}${formatG4(Math.abs(v))}s`;
}
