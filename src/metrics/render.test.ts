import { Counter, Gauge, Histogram, Registry, type RegistryContentType } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { renderMetrics } from './render.js';

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

  it('leaves OpenMetrics registries to prom-client', async () => {
    const registry = sampleRegistry() as unknown as Registry<RegistryContentType>;
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    expect(await renderMetrics(registry)).toBe(await registry.metrics());
  });
});
