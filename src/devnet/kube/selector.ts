/** One requirement of a Kubernetes label selector. */
export type Requirement =
  | { op: 'exists' | '!exists'; key: string }
  | { op: '=' | '!='; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] };

/** A label selector that does not parse; the API server answers 400 BadRequest. */
export class SelectorError extends Error {
  readonly code = 'bad_selector';
  constructor(message: string) {
    super(message);
    this.name = 'SelectorError';
  }
}

const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/**
 * Parses the labelSelector query parameter: equality (`a=b`, `a==b`, `a!=b`), set-based
 * (`a in (x,y)`, `a notin (x)`), existence (`a`, `!a`); requirements are ANDed. An empty
 * selector matches everything.
 */
export function parseSelector(text: string): Requirement[] {
  return splitTopLevel(text)
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(parseRequirement);
}

/** True when `labels` satisfy every requirement. */
export function matchesSelector(
  reqs: readonly Requirement[],
  labels: Readonly<Record<string, string>>,
): boolean {
  return reqs.every((r) => {
    const v = Object.hasOwn(labels, r.key) ? labels[r.key] : undefined;
    switch (r.op) {
      case 'exists':
        return v !== undefined;
      case '!exists':
        return v === undefined;
      case '=':
        return v === r.value;
      case '!=':
        return v !== r.value;
      case 'in':
        return v !== undefined && r.values.includes(v);
      case 'notin':
        return v === undefined || !r.values.includes(v);
    }
  });
}

function parseRequirement(s: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(s);
  if (set) {
    const values = (set[3] ?? '').split(',').map((v) => v.trim());
    return { op: set[2] as 'in' | 'notin', key: key(set[1] ?? ''), values: values.map(value) };
  }
  const eq = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(s);
  if (eq) {
    const op = eq[2] === '!=' ? '!=' : '=';
    return { op, key: key(eq[1] ?? ''), value: value((eq[3] ?? '').trim()) };
  }
  if (s.startsWith('!')) return { op: '!exists', key: key(s.slice(1).trim()) };
  return { op: 'exists', key: key(s) };
}

function key(k: string): string {
  if (!KEY.test(k))
    throw new SelectorError(`unable to parse requirement: invalid label key "${k}"`);
  return k;
}

function value(v: string): string {
  if (v.length > 63 || !VALUE.test(v))
    throw new SelectorError(`unable to parse requirement: invalid label value "${v}"`);
  return v;
}

// Commas separate requirements, except inside the parentheses of a set.
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}
