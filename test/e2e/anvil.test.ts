import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type Anvil } from '../helpers/anvil.js';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { valueOf } from '../helpers/registry.js';
import { waitFor } from '../helpers/ports.js';

// A real anvil with 1 s blocks, and a second one on another chain id.
describe('chain and rpc probes against a real anvil', () => {
  let chain: Anvil;
  let other: Anvil;
  let probe: TestDaemon;

  beforeAll(async () => {
    [chain, other] = await Promise.all([
      startAnvil({ blockTime: 1 }),
      startAnvil({ chainId: 1, blockTime: 1 }),
    ]);
    probe = await startDaemon(`
global: { chainId: 138, blockPeriodSeconds: 1, intervalMs: 500, timeoutMs: 400, jitter: 0 }
endpoints:
  - { name: node, url: "${chain.url}", besu: false }
  - { name: stranger, url: "${other.url}", besu: false }
probes:
  - { name: rpc, kind: rpc }
  - { name: block, kind: block, endpoints: [node] }
`);
  });
  afterAll(async () => {
    await probe?.stop();
    await Promise.all([chain?.stop(), other?.stop()]);
  });

  const metric = (name: string, labels: Record<string, string>) =>
    valueOf(probe.daemon.registry, name, labels);

  it('sees the height advance while head age stays small', async () => {
    await waitFor(
      async () => ((await metric('chainprobe_block_head_number', { endpoint: 'node' })) ?? 0) >= 1,
    );
    const first = (await metric('chainprobe_block_head_number', { endpoint: 'node' })) ?? 0;
    await waitFor(
      async () =>
        ((await metric('chainprobe_block_head_number', { endpoint: 'node' })) ?? 0) >= first + 2,
      10_000,
    );
    expect(await metric('chainprobe_block_head_age_seconds', { endpoint: 'node' })).toBeLessThan(
      2.5,
    );
    expect(await metric('chainprobe_rpc_chain_id_match', { endpoint: 'node' })).toBe(1);
    expect(await metric('chainprobe_probe_success', { probe: 'rpc', target: 'node' })).toBe(1);
  });

  it('flags the anvil on chain id 1 as a chain id mismatch', async () => {
    await waitFor(
      async () => (await metric('chainprobe_rpc_chain_id_match', { endpoint: 'stranger' })) === 0,
    );
    expect(await metric('chainprobe_rpc_chain_id', { endpoint: 'stranger' })).toBe(1);
    expect(
      await metric('chainprobe_probe_failures_total', {
        probe: 'rpc',
        target: 'stranger',
        class: 'chain_id_mismatch',
      }),
    ).toBeGreaterThan(0);
  });

  it('shows head age and time since advance growing once mining stops', async () => {
    await chain.rpc('evm_setIntervalMining', [0]);
    await waitFor(
      async () =>
        ((await metric('chainprobe_block_head_unchanged_seconds', { endpoint: 'node' })) ?? 0) >
        2.5,
      10_000,
    );
    expect(await metric('chainprobe_block_head_age_seconds', { endpoint: 'node' })).toBeGreaterThan(
      2.5,
    );
    // Still a successful probe: the node answers; the stall is in the metrics, for the alerts.
    expect(await metric('chainprobe_probe_success', { probe: 'block', target: 'node' })).toBe(1);
    await chain.rpc('evm_setIntervalMining', [1]);
    await waitFor(
      async () =>
        ((await metric('chainprobe_block_head_unchanged_seconds', { endpoint: 'node' })) ?? 99) <
        1.5,
      10_000,
    );
  });
});
