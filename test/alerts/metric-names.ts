import { Registry } from 'prom-client';
import { GlobalSchema } from '../../src/config/schema.js';
import { defineCoreMetrics } from '../../src/metrics/catalogue.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';

/** Series names Prometheus itself creates that alerts and panels may use. */
export const PROMETHEUS_SERIES: Readonly<Record<string, readonly string[]>> = {
  up: ['job', 'instance'],
  ALERTS: ['alertname', 'alertstate', 'severity', 'priority', 'component', 'network'],
};

/** Labels every chainprobe series may carry besides its own: default and scrape labels. */
export const SCRAPE_LABELS = ['location', 'instance', 'job'] as const;

/**
 * The metric-name source of truth: every series name chainprobe exports (histograms as
 * _bucket/_sum/_count), with its label names, built from the core catalogue and every kind in
 * PROBE_KINDS exactly as the daemon builds them.
 */
export function exportedSeries(): Map<string, Set<string>> {
  const registry = new Registry();
  defineCoreMetrics(registry);
  const global = GlobalSchema.parse({});
  for (const kind of PROBE_KINDS) kind.defineMetrics(registry, global);
  const out = new Map<string, Set<string>>();
  for (const metric of registry.getMetricsAsArray()) {
    const m = metric as unknown as {
      name: string;
      labelNames?: string[];
      constructor: { name: string };
    };
    const labels = new Set([...(m.labelNames ?? []), ...SCRAPE_LABELS]);
    const type = m.constructor.name;
    if (type === 'Histogram') {
      out.set(`${m.name}_bucket`, new Set([...labels, 'le']));
      out.set(`${m.name}_sum`, labels);
      out.set(`${m.name}_count`, labels);
    } else if (type === 'Summary') {
      out.set(m.name, new Set([...labels, 'quantile']));
      out.set(`${m.name}_sum`, labels);
      out.set(`${m.name}_count`, labels);
    } else {
      out.set(m.name, labels);
    }
  }
  for (const [name, labels] of Object.entries(PROMETHEUS_SERIES)) out.set(name, new Set(labels));
  return out;
}
