import type { Registry } from 'prom-client';

type Labels = Record<string, string | number>;

interface Removable {
  get(): Promise<{ values: Array<{ labels: Labels }> }> | { values: Array<{ labels: Labels }> };
  remove(labels: Labels): void;
}

// Labels prom-client adds itself to histogram and summary samples, and the registry's default
// label (`location`, which no metric declares itself): removal takes the declared set. prom-client
// 15's getMetricsAsJSON writes default labels into live samples, so they must never be passed
// back to remove().
const SAMPLE_LABELS = new Set(['le', 'quantile', 'location']);

/**
 * Deletes, from every metric of `registry`, each series whose labels include all of `match`.
 * Used when a target leaves the configuration or a pod disappears, so no stale series stays
 * behind. prom-client can only remove exact label sets, hence the walk over current samples.
 */
export async function dropSeries(registry: Registry, match: Labels): Promise<number> {
  let removed = 0;
  for (const metric of registry.getMetricsAsArray() as unknown as Removable[]) {
    const { values } = await metric.get();
    const seen = new Set<string>();
    for (const { labels } of values) {
      if (!matches(labels, match)) continue;
      const base = baseLabels(labels);
      const key = JSON.stringify(base);
      if (seen.has(key)) continue;
      seen.add(key);
      metric.remove(base);
      removed++;
    }
  }
  return removed;
}

function matches(labels: Labels, match: Labels): boolean {
  return Object.entries(match).every(([k, v]) => String(labels[k]) === String(v));
}

function baseLabels(labels: Labels): Labels {
  const out: Labels = {};
  for (const [k, v] of Object.entries(labels)) if (!SAMPLE_LABELS.has(k)) out[k] = v;
  return out;
}
