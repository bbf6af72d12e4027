import { pino } from 'pino';
import type { Histogram } from 'prom-client';
import { stringify } from 'yaml';
import { parseConfig, type Config } from '../../src/config/load.js';
import { Daemon } from '../../src/engine/daemon.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';
import type { Bucket } from './stats.js';

/** An rpc-probe configuration over `urls` (one endpoint per URL), validated by the real loader. */
export function rpcConfig(
  urls: readonly string[],
  opts: { intervalMs: number; timeoutMs?: number; light?: boolean; names?: readonly string[] },
): Config {
  const doc = {
    global: {
      location: 'bench',
      intervalMs: opts.intervalMs,
      timeoutMs: opts.timeoutMs ?? Math.min(3000, Math.floor(opts.intervalMs * 0.8)),
    },
    endpoints: urls.map((url, i) => ({ name: opts.names?.[i] ?? `t${i}`, url, role: 'rpc' })),
    probes: [
      opts.light
        ? { name: 'rpc', kind: 'rpc', checkPeers: false, checkSyncing: false }
        : { name: 'rpc', kind: 'rpc' },
    ],
  };
  return parseConfig(stringify(doc), PROBE_KINDS, {});
}

/** A Daemon as main.ts builds it (silent logger), without its HTTP server. */
export function buildDaemon(config: Config): Daemon {
  return new Daemon({
    config,
    kinds: PROBE_KINDS,
    logger: pino({ level: 'silent' }),
    version: 'bench',
  });
}

/** Every schedule lag the engine observes from now on (seconds), exactly, beside the histogram. */
export function captureLag(daemon: Daemon): { samples: number[] } {
  return captureObservations(daemon.core.engine.scheduleLag as Histogram<string>);
}

/** Every probe run duration the engine observes from now on (seconds). */
export function captureDurations(daemon: Daemon): { samples: number[] } {
  return captureObservations(daemon.core.engine.duration as Histogram<string>);
}

function captureObservations(h: Histogram<string>): { samples: number[] } {
  const observe = h.observe.bind(h);
  const out = { samples: [] as number[] };
  h.observe = ((labels: Record<string, string>, value: number) => {
    out.samples.push(value);
    observe(labels, value);
  }) as typeof h.observe;
  return out;
}

/** Cumulative buckets of a histogram in the daemon's registry, summed over every series. */
export async function histogramBuckets(daemon: Daemon, name: string): Promise<Bucket[]> {
  const metric = daemon.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const sums = new Map<number, number>();
  // Histogram samples carry metricName (prom-client's MetricValue type leaves it out).
  const values = (await metric.get()).values as Array<{
    metricName?: string;
    labels: Record<string, string | number | undefined>;
    value: number;
  }>;
  for (const v of values) {
    if (v.metricName !== `${name}_bucket`) continue;
    const le = v.labels['le'] === '+Inf' ? Infinity : Number(v.labels['le']);
    sums.set(le, (sums.get(le) ?? 0) + v.value);
  }
  return [...sums].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({ le, count }));
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Counts the sample lines (series) of a Prometheus text exposition. */
export function countSeries(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (line !== '' && !line.startsWith('#')) n++;
  return n;
}
