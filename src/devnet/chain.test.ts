import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeExtraData } from '../consensus/extra-data.js';
import { bftBlockHash } from '../consensus/header.js';
import { quorumSize } from '../consensus/proposer.js';
import { startDevnet, type Devnet } from './devnet.js';
import {
  checkBlock,
  fetchBlock,
  probeConnect,
  rpcResultOf,
  waitFor,
  type BlockCheck,
} from './testing.js';

let devnet: Devnet;
let url: string;

const head = async () => Number(await rpcResultOf(url, 'eth_blockNumber'));

async function checksBetween(from: number, to: number): Promise<BlockCheck[]> {
  const checks: BlockCheck[] = [];
  let parent = await fetchBlock(url, from - 1);
  for (let n = from; n <= to; n++) {
    const block = await fetchBlock(url, n);
    checks.push(checkBlock(block, parent));
    parent = block;
  }
  return checks;
}

beforeAll(async () => {
  devnet = await startDevnet({
    blockPeriodSeconds: 1,
    requestTimeoutSeconds: 1,
    maxRoundTimerSeconds: 2,
    heartbeatSeconds: 30,
    seed: 'chain-test',
    kube: false,
  });
  url = devnet.endpoints.find((e) => e.name === 'rpc-0')?.url ?? '';
});

afterAll(async () => {
  await devnet?.stop();
});

describe('devnet chain in Besu QBFT format', () => {
  it('serves a QBFT genesis whose hash is the keccak of the unchanged header', async () => {
    const genesis = await fetchBlock(url, 0);
    const { extra } = decodeExtraData(String(genesis.extraData), 'qbft');

    expect(extra.validators).toEqual(devnet.validators);
    expect(extra.seals).toEqual([]);
    expect(bftBlockHash(genesis, 'qbft')).toBe(genesis.hash);
    expect(genesis.miner).toBe(`0x${'00'.repeat(20)}`);
  });

  it('seals every block with exactly quorum distinct validators over the commit digest', async () => {
    await waitFor(async () => (await head()) >= 5, 20_000, 'five blocks');
    const checks = await checksBetween(1, await head());

    for (const check of checks) {
      expect(check.verdict.valid, `block ${check.number}`).toBe(true);
      expect(check.verdict.distinct).toBe(quorumSize(devnet.validators.length));
      expect(check.hashMatches, `hash of ${check.number}`).toBe(true);
      expect(check.parentLinks, `parent of ${check.number}`).toBe(true);
      expect(check.miner).toBe(check.expectedMiner);
      expect(check.extra.round).toBe(0);
      expect(check.extra.validators).toEqual(devnet.validators);
    }
    // Arrival order varies: not every block carries the same signer set.
    const sets = new Set(checks.map((c) => [...c.verdict.signers].sort().join()));
    expect(sets.size).toBeGreaterThan(1);
  });

  it('gives each node its own seal set for the same block, a validator its own seal first', async () => {
    const nodes = ['validator-0', 'validator-2', 'rpc-0', 'rpc-1'].map((name) =>
      devnet.endpoints.find((e) => e.name === name),
    );
    const tip = await head();
    let differing = 0;
    for (let n = 1; n <= tip; n++) {
      const parents = await Promise.all(nodes.map((e) => fetchBlock(String(e?.url), n - 1)));
      const blocks = await Promise.all(nodes.map((e) => fetchBlock(String(e?.url), n)));
      const checks = blocks.map((b, i) => checkBlock(b, parents[i] as typeof b));
      const sets = new Set(checks.map((c) => [...c.verdict.signers].sort().join()));
      if (sets.size > 1) differing++;

      expect(new Set(blocks.map((b) => b.hash)).size).toBe(1);
      for (const check of checks) expect(check.verdict.valid).toBe(true);
      expect(checks[0]?.verdict.signers[0]).toBe(nodes[0]?.validatorAddress);
      expect(checks[1]?.verdict.signers[0]).toBe(nodes[1]?.validatorAddress);
    }
    expect(differing).toBeGreaterThan(0);
  });

  it('serves Besu constants: mixHash, difficulty 1, nonce 0', async () => {
    const block = await fetchBlock(url, 'latest');

    expect(block.mixHash).toBe(
      '0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365',
    );
    expect(block.difficulty).toBe('0x1');
    expect(block.nonce).toBe('0x0000000000000000');
    expect(block).not.toHaveProperty('blobGasUsed');
  });

  it('answers eth_getBlockByHash for BFT hashes', async () => {
    const block = await fetchBlock(url, 2);
    const byHash = await rpcResultOf(url, 'eth_getBlockByHash', [String(block.hash), false]);

    expect(byHash).toEqual(block);
  });

  it('skips a down validator: its slots expire into round 1, its seals are absent', async () => {
    const down = devnet.endpoints.find((e) => e.name === 'validator-1');
    const address = String(down?.validatorAddress);
    const start = await head();
    await devnet.setFault('validator-down', true, { target: 'validator-1' });

    const roundOne = await waitFor(
      async () => {
        const checks = await checksBetween(start + 1, await head());
        return checks.find((c) => c.extra.round > 0 && c.number > start + 1);
      },
      25_000,
      'a round-1 block',
    );
    expect(await probeConnect(String(down?.url))).toBe('ECONNREFUSED');
    const checks = await checksBetween(start + 2, await head());
    await devnet.setFault('validator-down', false, { target: 'validator-1' });

    expect(roundOne.skippedProposers).toEqual([address]);
    expect(roundOne.miner).toBe(roundOne.expectedMiner);
    for (const check of checks) {
      expect(check.verdict.valid).toBe(true);
      expect(check.verdict.signers).not.toContain(address);
      expect(check.miner).not.toBe(address);
    }
  });

  it('reports peers going down in net_peerCount', async () => {
    const before = Number(await rpcResultOf(url, 'net_peerCount'));
    await devnet.setFault('validator-down', true, { target: 'validator-2' });
    const during = Number(await rpcResultOf(url, 'net_peerCount'));
    await devnet.setFault('validator-down', false, { target: 'validator-2' });

    expect(before).toBe(devnet.endpoints.length - 2); // every node but itself and the gateway
    expect(during).toBe(before - 1);
  });

  it('halts with more than f validators down, and resumes in a later round', async () => {
    await devnet.setFault('validators-down', true);
    await new Promise((r) => setTimeout(r, 1500));
    const halted = await head();
    await new Promise((r) => setTimeout(r, 3000));
    const stillHalted = await head();
    await devnet.setFault('validators-down', false);

    const resumed = await waitFor(
      async () => ((await head()) > halted ? head() : undefined),
      15_000,
      'resume',
    );
    const [first] = await checksBetween(halted + 1, halted + 1);
    expect(stillHalted).toBe(halted);
    expect(resumed).toBeGreaterThan(halted);
    expect(first?.extra.round).toBeGreaterThan(0);
    expect(first?.verdict.valid).toBe(true);
  });

  it('halts on chain-halt with every node still answering', async () => {
    await devnet.setFault('chain-halt', true);
    await new Promise((r) => setTimeout(r, 1500));
    const halted = await head();
    await new Promise((r) => setTimeout(r, 2500));
    const later = await head();
    await devnet.setFault('chain-halt', false);

    expect(later).toBe(halted);
    await waitFor(async () => (await head()) > halted, 15_000, 'resume after halt');
  });

  it('multiplies the block period on slow-blocks', async () => {
    await devnet.setFault('slow-blocks', true, { factor: 3 });
    const start = await waitFor(
      async () => {
        const n = await head();
        return n + 1;
      },
      1000,
      'head',
    );
    await waitFor(async () => (await head()) >= start + 2, 20_000, 'two slow blocks');
    await devnet.setFault('slow-blocks', false);
    const a = await fetchBlock(url, start + 1);
    const b = await fetchBlock(url, start + 2);

    expect(Number(b.timestamp) - Number(a.timestamp)).toBe(3);
  });

  it('leaves no anvil process behind after stop(), and stop() is idempotent', async () => {
    const pid = devnet.anvil.pid;
    await devnet.stop();
    await devnet.stop();

    expect(() => process.kill(pid, 0)).toThrow();
    expect(await probeConnect(url)).toBe('ECONNREFUSED');
    expect(await probeConnect(devnet.controlUrl)).toBe('ECONNREFUSED');
  });
});
