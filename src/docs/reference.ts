import { Registry } from 'prom-client';
import { z } from 'zod';
import { EndpointSchema, GlobalSchema, ProbeCommonSchema } from '../config/schema.js';
import type { ProbeKind } from '../engine/probe-kind.js';
import { defineCoreMetrics } from '../metrics/catalogue.js';

/** One exported metric, as the reference lists it. */
export interface MetricDoc {
  name: string;
  type: string;
  labels: string[];
  help: string;
  /** The kind that exports it, or 'core' for the engine and transport. */
  source: string;
}

interface PromMetric {
  name: string;
  help: string;
  type: string;
  labelNames: readonly string[];
}

/** Every metric chainprobe can export: core metrics plus each kind's, from a fresh registry. */
export function listMetrics(kinds: readonly ProbeKind[]): MetricDoc[] {
  const out: MetricDoc[] = [];
  const collect = (registry: Registry, source: string): void => {
    for (const m of registry.getMetricsAsArray() as unknown as PromMetric[]) {
      out.push({ name: m.name, type: m.type, labels: [...m.labelNames], help: m.help, source });
    }
  };
  const core = new Registry();
  defineCoreMetrics(core);
  collect(core, 'core');
  const global = GlobalSchema.parse({});
  for (const kind of kinds) {
    const registry = new Registry();
    kind.defineMetrics(registry, global);
    collect(registry, kind.kind);
  }
  return out;
}

/** The metrics reference as a Markdown table (every series also carries `location`). */
export function renderMetricsReference(kinds: readonly ProbeKind[]): string {
  const rows = listMetrics(kinds).map(
    (m) =>
      `| \`${m.name}\` | ${m.type} | ${m.labels.map((l) => `\`${l}\``).join(', ')} | ` +
      `${m.source} | ${escape(m.help)} |`,
  );
  return ['| metric | type | labels | from | meaning |', '|---|---|---|---|---|', ...rows].join(
    '\n',
  );
}

/** The configuration reference: global, endpoints, common probe fields, then each kind. */
export function renderConfigReference(kinds: readonly ProbeKind[]): string {
  const parts = [
    section('`global`', GlobalSchema),
    section('`endpoints[]`', EndpointSchema),
    section('`probes[]` (every kind)', ProbeCommonSchema),
    ...kinds.map((k) => section(`kind \`${k.kind}\`: ${k.description}`, k.options)),
  ];
  return parts.join('\n\n');
}

interface JsonProp {
  type?: string | string[];
  default?: unknown;
  description?: string;
  enum?: unknown[];
  items?: JsonProp;
  anyOf?: JsonProp[];
}

function section(title: string, schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonProp>;
    required?: string[];
  };
  const required = new Set(json.required ?? []);
  const rows = Object.entries(json.properties ?? {}).map(([key, p]) => {
    const def =
      p.default === undefined
        ? required.has(key)
          ? '*required*'
          : ''
        : `\`${JSON.stringify(p.default)}\``;
    return `| \`${key}\` | ${typeOf(p)} | ${def} | ${escape(p.description ?? '')} |`;
  });
  if (rows.length === 0) return `#### ${title}\n\nNo options of its own.`;
  return [
    `#### ${title}`,
    '',
    '| key | type | default | meaning |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function typeOf(p: JsonProp): string {
  if (p.enum) return p.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (p.anyOf) return p.anyOf.map(typeOf).join(' or ');
  if (p.type === 'array') return `list of ${p.items ? typeOf(p.items) : 'values'}`;
  return Array.isArray(p.type) ? p.type.join(' or ') : (p.type ?? 'value');
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Replaces the text between `<!-- BEGIN GENERATED: name -->` and its END marker. */
export function replaceGenerated(doc: string, name: string, body: string): string {
  const begin = `<!-- BEGIN GENERATED: ${name} -->`;
  const end = `<!-- END GENERATED: ${name} -->`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README has no ${name} markers`);
  return `${doc.slice(0, i + begin.length)}\n${body}\n${doc.slice(j)}`;
}
