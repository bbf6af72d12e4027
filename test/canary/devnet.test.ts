import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnet, type Devnet } from '../../src/devnet/devnet.js';
import { rpcResultOf } from '../../src/devnet/testing.js';
import { canaryHarness, type CanaryHarness } from './harness.js';

// End to end on the QBFT devnet (1 s blocks): a real signed transaction through the gateway.
const KEY_ENV = 'CHAINPROBE_TEST_CANARY_KEY';
const wallet = Wallet.createRandom();
let devnet: Devnet;
let h: CanaryHarness;

const gatewayUrl = () => devnet.endpoints.find((e) => e.role === 'gateway')?.url ?? '';
const nonce = async (tag: string) =>
  Number(await rpcResultOf(gatewayUrl(), 'eth_getTransactionCount', [wallet.address, tag]));

async function fund(ether: bigint): Promise<void> {
  await rpcResultOf(devnet.anvil.url, 'anvil_setBalance', [
    wallet.address,
    `0x${(ether * 10n ** 18n).toString(16)}`,
  ]);
}

beforeAll(async () => {
  process.env[KEY_ENV] = wallet.privateKey;
  devnet = await startDevnet({ blockPeriodSeconds: 1, heartbeatSeconds: 60, kube: false });
  await fund(1n);
  h = canaryHarness(gatewayUrl(), { keyEnv: KEY_ENV, maxInclusionBlocks: 3 }, { timeoutMs: 4500 });
}, 60_000);

afterAll(async () => {
  delete process.env[KEY_ENV];
  await h?.close();
  await devnet?.stop();
});

describe('canary on the QBFT devnet', () => {
  it('gets a transaction included within a block or two', async () => {
    const result = await h.run();
    expect(result).toMatchObject({ ok: true });
    expect(await h.value('inclusion_blocks')).toBeLessThanOrEqual(2);
    expect(await h.value('last_success_timestamp_seconds')).toBeGreaterThan(0);
    expect(await h.value('in_flight')).toBe(0);
    expect(await nonce('latest')).toBe(1);
  });

  it('classifies a gateway refusing eth_sendRawTransaction as send_refused', async () => {
    for (const mode of ['http403', 'jsonrpc']) {
      await devnet.setFault('gateway-refuse-send', true, { mode });
      expect(await h.run()).toMatchObject({ ok: false, errorClass: 'send_refused' });
    }
    await devnet.setFault('gateway-refuse-send', false);
    expect(await h.run()).toMatchObject({ ok: true });
  });

  it('reports not_included on a stuck pool, never floods, and recovers after a restart', async () => {
    const before = await nonce('latest');
    await devnet.setFault('tx-pool-stuck', true);
    expect(await h.run()).toMatchObject({ ok: false, errorClass: 'not_included' });
    expect(await h.value('in_flight')).toBe(1);
    // A restart forgets the hash: the new runner adopts the pending nonce and sends nothing new.
    h.restart();
    expect(await h.run()).toMatchObject({ ok: false, errorClass: 'not_included' });
    expect(await nonce('pending')).toBe(before + 1);
    expect(await nonce('latest')).toBe(before);

    await devnet.setFault('tx-pool-stuck', false);
    // The in-flight one (by now a replacement at the same nonce) is mined; none was added.
    expect(await h.run()).toMatchObject({ ok: true });
    expect(await nonce('latest')).toBe(before + 1);
    expect(await h.value('in_flight')).toBe(0);
    expect(await h.run()).toMatchObject({ ok: true });
    expect(await nonce('latest')).toBe(before + 2);
  });

  it('treats a transaction dropped from the pool as not_included and derives the nonce afresh', async () => {
    const before = await nonce('latest');
    await devnet.setFault('tx-pool-stuck', true);
    expect(await h.run()).toMatchObject({ ok: false, errorClass: 'not_included' });
    await rpcResultOf(devnet.anvil.url, 'anvil_dropAllTransactions', []);
    await devnet.setFault('tx-pool-stuck', false);
    expect(await h.run()).toMatchObject({
      ok: false,
      errorClass: 'not_included',
      detail: expect.stringContaining('dropped'),
    });
    expect(await h.run()).toMatchObject({ ok: true });
    expect(await nonce('latest')).toBe(before + 1);
  });

  it('does not send from an unfunded account: insufficient_funds', async () => {
    await fund(0n);
    const before = await nonce('pending');
    expect(await h.run()).toMatchObject({ ok: false, errorClass: 'insufficient_funds' });
    expect(await nonce('pending')).toBe(before);
    expect(await h.value('balance_ether')).toBe(0);
    await fund(1n);
  });
});
