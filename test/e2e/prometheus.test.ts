import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type Anvil } from '../helpers/anvil.js';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { startPrometheus, type PrometheusServer } from '../helpers/prometheus.js';
import { waitFor } from '../helpers/ports.js';

describe('a real Prometheus scraping chainprobe while it probes anvil', () => {
  let chain: Anvil;
  let probe: TestDaemon;
  let prom: PrometheusServer;

  beforeAll(async () => {
    chain = await startAnvil({ blockTime: 1 });
    probe = await startDaemon(
      `
global: { chainId: 138, blockPeriodSeconds: 1, intervalMs: 500, timeoutMs: 400, location: e2e }
endpoints:
  - { name: node, url: "${chain.url}", besu: false }
probes:
  - { name: rpc, kind: rpc }
  - { name: block, kind: block }
`,
      { http: true },
    );
    prom = await startPrometheus({
      targets: [{ job: 'chainprobe', address: new URL(probe.url).host }],
    });
  });
  afterAll(async () => {
    await prom?.stop();
    await probe?.stop();
    await chain?.stop();
  });

  it('answers a PromQL query for the head height with the location label', async () => {
    let height = 0;
    await waitFor(
      async () => {
        const result = await prom.query('chainprobe_block_head_number{endpoint="node"}');
        height = Number(result[0]?.value[1] ?? 0);
        return height > 0 && result[0]?.metric.location === 'e2e';
      },
      30_000,
      500,
    );
    const current = parseInt(await chain.rpc<string>('eth_blockNumber'), 16);
    expect(height).toBeGreaterThan(0);
    expect(current - height).toBeLessThanOrEqual(3);
    const up = await prom.query('up{job="chainprobe"}');
    expect(up[0]?.value[1]).toBe('1');
  });

  it('serves /metrics that pass promtool check metrics, and health endpoints', async () => {
    await waitFor(async () => (await fetch(`${probe.url}/readyz`)).status === 200);
    const text = await (await fetch(`${probe.url}/metrics`)).text();
    expect(text).toContain('chainprobe_build_info');
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.stderr + check.stdout).toBe('');
    expect(check.status).toBe(0);
    expect((await fetch(`${probe.url}/healthz`)).status).toBe(200);
  });
});
