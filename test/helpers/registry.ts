import { Registry } from 'prom-client';
import { pino, type Logger } from 'pino';
import { defineCoreMetrics, type CoreMetrics } from '../../src/metrics/catalogue.js';

/** A fresh registry with the core metrics, for tests. */
export function freshCore(): { registry: Registry; core: CoreMetrics } {
  const registry = new Registry();
  return { registry, core: defineCoreMetrics(registry) };
}

/** A logger that records every line, for assertions on what is logged. */
export function recordingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'debug' },
    { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
  );
  return { logger, lines };
}

/** The value of one series of a metric, or undefined. */
export async function valueOf(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const hit = values.find((v) =>
    Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
  );
  return hit?.value;
}
