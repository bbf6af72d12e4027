import { Counter, Gauge, Histogram, Registry, type RegistryContentType } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SLICE_SERIES, renderMetrics } from './render.js';

function sampleRegistry(): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ location: 'eu-1' });
  const r = [registry];
  const runs = new Counter({
    name: 'x_runs_total',
    help: 'Runs.',
    labelNames: ['target'],
    registers: r,
  });
  runs.inc({ target: 'a' }, 3);
  runs.inc({ target: 'b"\\\n' });
  const up = new Gauge({ name: 'x_up', help: 'Up, with a "quote" and \\ in help.', registers: r });
  up.set(Number.POSITIVE_INFINITY);
  new Gauge({ name: 'x_unset', help: 'No series yet.', labelNames: ['k'], registers: r });
  const lat = new Histogram({
    name: 'x_seconds',
    help: 'Latency.',
    labelNames: ['endpoint', 'method'],
    buckets: [0.1, 1],
    registers: r,
  });
  lat.observe({ endpoint: 'e', method: 'eth_chainId' }, 0.5);
  lat.observe({ endpoint: 'f', method: 'eth_blockNumber' }, 2);
  return registry;
}

// One histogram of more than two slices (its bucket, sum and count lines), beside small metrics.
function bigRegistry(): Registry {
  const registry = sampleRegistry();
  const big = new Histogram({
    name: 'x_big_seconds',
    help: 'Many series.',
    labelNames: ['endpoint'],
    buckets: [0.1, 1, 10],
    registers: [registry],
  });
  const endpoints = Math.ceil((2.5 * SLICE_SERIES) / 6);
  for (let i = 0; i < endpoints; i++) big.observe({ endpoint: `e${i}` }, i % 20);
  return registry;
}

describe('renderMetrics', () => {
  it('renders byte for byte what Registry.metrics() renders', async () => {
    const registry = sampleRegistry();
    expect(await renderMetrics(registry)).toBe(await registry.metrics());
  });

  it('lets timers and I/O run between metrics, unlike Registry.metrics()', async () => {
    const registry = sampleRegistry();
    const ranDuring = async (render: () => Promise<string>): Promise<boolean> => {
      let ran = false;
      setImmediate(() => (ran = true));
      await render();
      return ran;
    };
    expect(await ranDuring(() => registry.metrics())).toBe(false);
    expect(await ranDuring(() => renderMetrics(registry))).toBe(true);
  });

  it('renders a metric of several slices byte for byte', async () => {
    const registry = bigRegistry();
    const text = await renderMetrics(registry);
    expect(text).toBe(await registry.metrics());
    expect(text.match(/^# TYPE x_big_seconds histogram$/gm)).toHaveLength(1);
  });

  it('yields within a metric of several slices', async () => {
    const registry = new Registry();
    const big = new Gauge({ name: 'x_many', help: 'h', labelNames: ['k'], registers: [registry] });
    for (let i = 0; i < 3 * SLICE_SERIES; i++) big.set({ k: String(i) }, i);
    let turns = 0;
    const tick = (): void => {
      turns++;
      if (turns < 100) setImmediate(tick);
    };
    setImmediate(tick);
    await renderMetrics(registry);
    // One turn after the metric's last slice is the only one between metrics; slices add two.
    expect(turns).toBeGreaterThanOrEqual(3);
  });

  it('leaves OpenMetrics registries to prom-client', async () => {
    const registry = sampleRegistry() as unknown as Registry<RegistryContentType>;
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    expect(await renderMetrics(registry)).toBe(await registry.metrics());
  });
});
