import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnet, type Devnet } from '../../src/devnet/devnet.js';
import { rpcResultOf } from '../../src/devnet/testing.js';
import type { ProbeResult } from '../../src/engine/probe-kind.js';
import { spawnCli } from '../helpers/cli.js';
import { canaryHarness, type CanaryHarness } from './harness.js';

// End to end on the QBFT devnet (1 s blocks): a real signed transaction through the gateway.
const KEY_ENV = 'CHAINPROBE_TEST_CANARY_KEY';
const wallet = Wallet.createRandom();
let devnet: Devnet;
let h: CanaryHarness;
// Everything the canary wrote or returned, checked for the key at the end.
const logText: string[] = [];
const results: ProbeResult[] = [];
const run = async () => {
  const result = await h.run();
  results.push(result);
  return result;
};

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
  // Debug level, no scrubber: what the canary itself logs must not hold the key.
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logText.push(line) });
  const options = { keyEnv: KEY_ENV, maxInclusionBlocks: 3 };
  h = canaryHarness(gatewayUrl(), options, { timeoutMs: 4500, logger });
}, 60_000);

afterAll(async () => {
  delete process.env[KEY_ENV];
  await h?.close();
  await devnet?.stop();
});

describe('canary on the QBFT devnet', () => {
  it('gets a transaction included within a block or two', async () => {
    const result = await run();
    expect(result).toMatchObject({ ok: true });
    expect(await h.value('inclusion_blocks')).toBeLessThanOrEqual(2);
    expect(await h.value('last_success_timestamp_seconds')).toBeGreaterThan(0);
    expect(await h.value('in_flight')).toBe(0);
    expect(await nonce('latest')).toBe(1);
  });

  it('classifies a gateway refusing eth_sendRawTransaction as send_refused', async () => {
    for (const mode of ['http403', 'jsonrpc']) {
      await devnet.setFault('gateway-refuse-send', true, { mode });
      expect(await run()).toMatchObject({ ok: false, errorClass: 'send_refused' });
    }
    await devnet.setFault('gateway-refuse-send', false);
    expect(await run()).toMatchObject({ ok: true });
  });

  it('reports not_included on a stuck pool, never floods, and recovers after a restart', async () => {
    const before = await nonce('latest');
    await devnet.setFault('tx-pool-stuck', true);
    expect(await run()).toMatchObject({ ok: false, errorClass: 'not_included' });
    expect(await h.value('in_flight')).toBe(1);
    // A restart forgets the hash: the new runner adopts the pending nonce and sends nothing new.
    h.restart();
    expect(await run()).toMatchObject({ ok: false, errorClass: 'not_included' });
    expect(await nonce('pending')).toBe(before + 1);
    expect(await nonce('latest')).toBe(before);

    await devnet.setFault('tx-pool-stuck', false);
    // The in-flight one (by now a replacement at the same nonce) is mined; none was added.
    expect(await run()).toMatchObject({ ok: true });
    expect(await nonce('latest')).toBe(before + 1);
    expect(await h.value('in_flight')).toBe(0);
    expect(await run()).toMatchObject({ ok: true });
    expect(await nonce('latest')).toBe(before + 2);
  });

  it('treats a transaction dropped from the pool as not_included and derives the nonce afresh', async () => {
    const before = await nonce('latest');
    await devnet.setFault('tx-pool-stuck', true);
    expect(await run()).toMatchObject({ ok: false, errorClass: 'not_included' });
    await rpcResultOf(devnet.anvil.url, 'anvil_dropAllTransactions', []);
    await devnet.setFault('tx-pool-stuck', false);
    expect(await run()).toMatchObject({
      ok: false,
      errorClass: 'not_included',
      detail: expect.stringContaining('dropped'),
    });
    expect(await run()).toMatchObject({ ok: true });
    expect(await nonce('latest')).toBe(before + 1);
  });

  it('does not send from an unfunded account: insufficient_funds', async () => {
    await fund(0n);
    const before = await nonce('pending');
    expect(await run()).toMatchObject({ ok: false, errorClass: 'insufficient_funds' });
    expect(await nonce('pending')).toBe(before);
    expect(await h.value('balance_ether')).toBe(0);
    await fund(1n);
  });

  it('never shows the key: logs at debug, metrics, results, --once output', async () => {
    const forms = [wallet.privateKey.slice(2), wallet.privateKey.slice(2).toUpperCase()];
    expect(logText.length).toBeGreaterThan(5);
    expect(results.some((r) => !r.ok)).toBe(true);
    const inProcess = [...logText, await h.registry.metrics(), JSON.stringify(results)].join('\n');
    expect(inProcess).toContain('canary run');
    for (const form of forms) expect(inProcess).not.toContain(form);

    const once = await runOnce();
    expect(once).toMatch(/canary\s+canary\s+gateway\s+ok/);
    for (const form of forms) expect(once).not.toContain(form);
  });
});

// runCli waits synchronously, which would freeze this process's devnet: spawn and await instead.
async function runOnce(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'canary-once-'));
  const file = join(dir, 'canary.yaml');
  writeFileSync(
    file,
    [
      'global: { blockPeriodSeconds: 1 }',
      'endpoints:',
      `  - { name: gateway, url: "${gatewayUrl()}", role: gateway }`,
      'probes:',
      '  - name: canary',
      '    kind: canary',
      `    keyEnv: ${KEY_ENV}`,
      '    maxInclusionBlocks: 3',
      '    timeoutMs: 5000',
      '    intervalMs: 10000',
      '',
    ].join('\n'),
  );
  const child = spawnCli(['--once', '--config', file, '--log-level', 'debug'], {
    [KEY_ENV]: wallet.privateKey,
  });
  try {
    await once(child, 'exit');
    return child.output();
  } finally {
    if (child.exitCode === null) child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
