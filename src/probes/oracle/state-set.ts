import type { Gauge } from 'prom-client';

/**
 * Sets a state-set gauge: one series per state under label `key`, exactly `current` at 1 and
 * every other state at 0, so a query never sees two states or none.
 */
export function setStateSet<K extends string>(
  gauge: Gauge<K>,
  labels: Record<string, string>,
  key: K,
  states: readonly string[],
  current: string,
): void {
  for (const state of states) {
    gauge.set({ ...labels, [key]: state } as Record<K, string>, state === current ? 1 : 0);
  }
}

/** Removes every series of a state-set gauge for `labels`. */
export function removeStateSet<K extends string>(
  gauge: Gauge<K>,
  labels: Record<string, string>,
  key: K,
  states: readonly string[],
): void {
  for (const state of states) gauge.remove({ ...labels, [key]: state } as Record<K, string>);
}
