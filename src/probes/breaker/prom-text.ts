/** One sample of the Prometheus text exposition format. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A line that is not valid exposition text (1-based line number for the detail). */
export class PromTextError extends Error {
  constructor(readonly line: number) {
    super(`line ${line} is not valid exposition text`);
    this.name = 'PromTextError';
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/**
 * Parses Prometheus text format 0.0.4 (and the OpenMetrics subset exporters emit): comments
 * and blank lines are skipped, label values unescaped, timestamps and exemplars ignored.
 * Throws PromTextError on the first malformed sample line.
 */
export function parsePromText(text: string): PromSample[] {
  const samples: PromSample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const sample = parseSampleLine(line);
    if (!sample) throw new PromTextError(i + 1);
    samples.push(sample);
  }
  return samples;
}

function parseSampleLine(line: string): PromSample | null {
  const name = NAME.exec(line)?.[0];
  if (!name) return null;
  let rest = line.slice(name.length);
  let labels: Record<string, string> = {};
  // Blanks may separate the name from its label set, as Prometheus' own parser allows.
  const hasLabels = rest.trimStart().startsWith('{');
  if (hasLabels) {
    rest = rest.trimStart();
    const parsed = parseLabels(rest);
    if (!parsed) return null;
    labels = parsed.labels;
    rest = rest.slice(parsed.length);
  }
  // Value, then an optional timestamp, then an optional OpenMetrics exemplar ("# {...} v").
  const fields = rest.split('#')[0]?.trim().split(/\s+/) ?? [];
  // Without labels a blank must follow the name: "m+1" is not a sample.
  if (fields.length > 2 || (!hasLabels && !/^[ \t]/.test(rest))) return null;
  const value = parseValue(fields[0] as string);
  return value === null ? null : { name, labels, value };
}

function parseLabels(text: string): { labels: Record<string, string>; length: number } | null {
  const labels: Record<string, string> = {};
  let i = 1;
  for (;;) {
    i = skipSpaces(text, i);
    if (text[i] === '}') return { labels, length: i + 1 };
    const name = LABEL_NAME.exec(text.slice(i))?.[0];
    if (!name) return null;
    i = skipSpaces(text, i + name.length);
    if (text[i] !== '=') return null;
    i = skipSpaces(text, i + 1);
    const value = readQuoted(text, i);
    if (!value) return null;
    labels[name] = value.text;
    i = skipSpaces(text, value.end);
    if (text[i] === ',') i++;
    else if (text[i] !== '}') return null;
  }
}

// A double-quoted label value with \\, \" and \n escapes; returns the index after the quote.
function readQuoted(text: string, start: number): { text: string; end: number } | null {
  if (text[start] !== '"') return null;
  let out = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '"') return { text: out, end: i + 1 };
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = text[++i];
    if (next === 'n') out += '\n';
    else if (next === '\\' || next === '"') out += next;
    else return null;
  }
  return null;
}

function skipSpaces(text: string, i: number): number {
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i;
}

function parseValue(text: string): number | null {
  if (/^[+]?inf$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf$/i.test(text)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(text)) return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
  return Number(text);
}

/** Samples of `name` whose labels include every pair of `match`. */
export function selectSamples(
  samples: readonly PromSample[],
  name: string,
  match: Readonly<Record<string, string>> = {},
): PromSample[] {
  return samples.filter(
    (s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v),
  );
}
