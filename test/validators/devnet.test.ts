import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnet, type Devnet } from '../../src/devnet/devnet.js';
import { waitFor } from '../../src/devnet/testing.js';
import { harness, type Harness } from './harness.js';

// End to end against the Besu-like QBFT devnet (anvil + QBFT producer): 4 validators, 1 s
// blocks, 1 s round timer capped at 2 s. One run per check, on the real clock.
let devnet: Devnet;
let h: Harness;

async function run(): Promise<void> {
  h.clock.nowMs = Date.now();
  await h.run();
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>) {
  await waitFor(
    async () => {
      await run();
      return check();
    },
    timeoutMs,
    what,
    500,
  );
}

const value = (name: string, labels: Record<string, string> = {}) =>
  h.value(`chainprobe_validators_${name}`, labels);

beforeAll(async () => {
  devnet = await startDevnet({
    validators: 4,
    blockPeriodSeconds: 1,
    requestTimeoutSeconds: 1,
    maxRoundTimerSeconds: 2,
    heartbeatSeconds: 30,
    seed: 'validators-test',
    kube: false,
  });
  const rpc = devnet.endpoints.find((e) => e.name === 'rpc-0');
  h = harness(rpc?.url ?? '', { window: 8, haltedAfterSeconds: 5 });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await devnet?.stop();
});

describe('validators probe on the QBFT devnet', () => {
  it('shows a healthy network: 4 live, margin 1, no missed slot, API agreeing', async () => {
    await until(
      'eight blocks',
      20_000,
      async () => ((await value('processed_block_number')) ?? 0) >= 8,
    );

    expect(await value('live')).toBe(4);
    expect(await value('fault_margin')).toBe(1);
    expect(await value('round_changes_total')).toBe(0);
    expect(await value('invalid_seals_total')).toBe(0);
    expect(await value('hash_mismatch_total')).toBe(0);
    expect(await value('proposer_mismatch_total')).toBe(0);
    expect(await value('qbft_api_enabled')).toBe(1);
    expect(await value('signer_metrics_mismatches')).toBe(0);
    for (const validator of devnet.validators) {
      expect(await value('missed_slots_total', { validator })).toBe(0);
      expect(await value('validator_live', { validator })).toBe(1);
    }
  });

  it('moves the down validator: missed slots, participation 0, live 3, margin 0', async () => {
    const down = devnet.endpoints.find((e) => e.name === 'validator-2')?.validatorAddress ?? '';
    await devnet.setFault('validator-down', true, { target: 'validator-2' });

    await until('validator-2 judged down', 45_000, async () => {
      return (await value('validator_live', { validator: down })) === 0;
    });

    expect(await value('missed_slots_total', { validator: down })).toBeGreaterThan(0);
    expect(await value('round_changes_total')).toBeGreaterThan(0);
    expect(await value('seal_participation_ratio', { validator: down })).toBeLessThan(0.5);
    expect(await value('live')).toBe(3);
    expect(await value('fault_margin')).toBe(0);
    for (const validator of devnet.validators.filter((v) => v !== down)) {
      expect(await value('missed_slots_total', { validator })).toBe(0);
      expect(await value('validator_live', { validator })).toBe(1);
    }
    await devnet.setFault('validator-down', false, { target: 'validator-2' });
  });

  it('shows a halt when more than f validators are down: margin below zero', async () => {
    await devnet.setFault('validators-down', true);

    await until('the halt', 30_000, async () => (await value('halted')) === 1);

    expect(await value('fault_margin')).toBeLessThan(0);
    expect(await value('live')).toBeLessThan((await value('quorum')) ?? 0);
    await devnet.setFault('validators-down', false);
  });
});
