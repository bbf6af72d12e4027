import type { Gauge } from 'prom-client';
import type { KubeGaugeName, KubeMetrics } from './metrics.js';
import type { Sample } from './samples.js';

interface Held {
  metric: KubeGaugeName;
  labels: Record<string, string>;
}

/**
 * The gauge series the probe has set, by group (pods, statefulsets, deployments). Replacing a
 * group sets the new samples and removes every series of the group that is no longer there,
 * so a deleted pod loses all its series and a pod that moved node loses its old info series.
 */
export class SeriesSet {
  private readonly groups = new Map<string, Map<string, Held>>();

  constructor(private readonly metrics: KubeMetrics) {}

  /** Makes `samples` the whole content of `group`. */
  replace(group: string, samples: readonly Sample[]): void {
    const next = new Map<string, Held>();
    for (const s of samples) {
      this.gauge(s.metric).set(s.labels, s.value);
      next.set(keyOf(s), { metric: s.metric, labels: s.labels });
    }
    for (const [key, held] of this.groups.get(group) ?? []) {
      if (!next.has(key)) this.gauge(held.metric).remove(held.labels);
    }
    this.groups.set(group, next);
  }

  /** Removes every series of every group. */
  clear(): void {
    for (const group of this.groups.values())
      for (const held of group.values()) this.gauge(held.metric).remove(held.labels);
    this.groups.clear();
  }

  // The gauges differ in label names; samples carry the right ones by construction.
  private gauge(name: KubeGaugeName): Gauge<string> {
    return this.metrics[name] as unknown as Gauge<string>;
  }
}

function keyOf(s: Held): string {
  const labels = Object.entries(s.labels).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([s.metric, labels]);
}
