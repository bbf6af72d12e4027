import { afterEach, describe, expect, it } from 'vitest';
import { bftBlockHash, type RawBlock } from '../../src/consensus/header.js';
import { selectProposer } from '../../src/consensus/proposer.js';
import { decodeBlock } from '../../src/probes/validators/decode.js';
import { SyntheticChain } from '../../src/probes/validators/synthetic-chain.js';
import { loadBesuFixture, loadGenesis } from '../helpers/besu-fixtures.js';
import { rpcMethods, startTestServer } from '../helpers/jsonrpc-server.js';
import { startChainNode, type ChainNode } from './chain-node.js';
import { harness, type Harness } from './harness.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setUp(
  chain: SyntheticChain,
  options: Record<string, unknown> = {},
  node: Parameters<typeof startChainNode>[1] = {},
): Promise<{ h: Harness; node: ChainNode }> {
  const started = await startChainNode(chain, node);
  const h = harness(started.url, options);
  cleanups.push(async () => {
    await h.close();
    await started.stop();
  });
  atHead(h, chain);
  return { h, node: started };
}

// Puts the wall clock one second after the chain's head block.
function atHead(h: Harness, chain: SyntheticChain, extraSeconds = 1): void {
  const ts = Number(chain.blocks[chain.head]?.['timestamp']);
  h.clock.nowMs = (ts + extraSeconds) * 1000;
}

const V = (chain: SyntheticChain, i: number): string => chain.validators[i] as string;

describe('validators watcher on real header #7528', () => {
  // The parent of #7528 is not published. We CHOOSE its coinbase to be 0xa5c8…: the one
  // validator for which #7528's coinbase 0xee33… is Besu's designated round-1 proposer. The
  // round-0 slot then falls to select(7528, 0) = 0xb92e…, which is also the one validator
  // missing from the block's seals.
  const fixture = loadBesuFixture<{ header: RawBlock }>(
    'vectors/qbft-real-header-block7528-round1.json',
  ).header;
  const block = { ...fixture, hash: bftBlockHash(fixture, 'qbft') };
  const chosenParentCoinbase = '0xa5c8416b9d13417b45b45ada76408f39d1e504ef';
  const parent = { ...block, number: '0x1d67', miner: chosenParentCoinbase };

  it('counts round 1, 3 seals, its signers and attributes the round-0 slot', async () => {
    const server = await startTestServer(
      rpcMethods({
        eth_getBlockByNumber: (p: unknown[]) => (p[0] === '0x1d67' ? parent : block),
      }),
    );
    const h = harness(server.url, { maxCatchUpBlocks: 1 });
    cleanups.push(async () => {
      await h.close();
      await server.stop();
    });
    h.clock.nowMs = 1715495308 * 1000;

    expect(await h.run()).toEqual({ ok: true });

    const skipped = '0xb92e91f4dcc9d28503be521afa2a8fbf3c1acf60';
    expect(
      selectProposer(
        [
          '0x647bfdd19655e51e69d35454ff3a92f8828e6302',
          chosenParentCoinbase,
          skipped,
          '0xee3353e587cfa91625a1adaef308a726de3803d3',
        ],
        chosenParentCoinbase,
        0,
      ),
    ).toBe(skipped);
    expect(await h.value('chainprobe_validators_last_round')).toBe(1);
    expect(await h.value('chainprobe_validators_round_changes_total')).toBe(1);
    expect(await h.value('chainprobe_validators_last_block_seals')).toBe(3);
    expect(await h.value('chainprobe_validators_missed_slots_total', { validator: skipped })).toBe(
      1,
    );
    expect(
      await h.value('chainprobe_validators_proposals_total', {
        validator: '0xee3353e587cfa91625a1adaef308a726de3803d3',
      }),
    ).toBe(1);
    expect(await h.value('chainprobe_validators_proposer_mismatch_total')).toBe(0);
    expect(await h.value('chainprobe_validators_invalid_seals_total')).toBe(0);
    for (const signer of [
      '0x647bfdd19655e51e69d35454ff3a92f8828e6302',
      '0xee3353e587cfa91625a1adaef308a726de3803d3',
      chosenParentCoinbase,
    ]) {
      expect(
        await h.value('chainprobe_validators_seal_participation_ratio', { validator: signer }),
      ).toBe(1);
    }
    expect(
      await h.value('chainprobe_validators_seal_participation_ratio', { validator: skipped }),
    ).toBe(0);
    expect(await h.value('chainprobe_validators_consensus_info', { consensus: 'qbft' })).toBe(1);
    // rpcMethods answers qbft_* with -32601: a configuration state, not a failed run.
    expect(await h.value('chainprobe_validators_qbft_api_enabled')).toBe(0);
    expect(await h.value('chainprobe_validators_set_size')).toBe(4);
  });
});

describe('validators watcher on a synthetic QBFT chain', () => {
  it('shows a healthy chain: all live, quorum-size seal shares, no missed slot', async () => {
    const chain = new SyntheticChain({ validators: 4 });
    chain.extend(20);
    const { h } = await setUp(chain);

    expect(await h.run()).toEqual({ ok: true });

    expect(await h.value('chainprobe_validators_blocks_processed_total')).toBe(20);
    expect(await h.value('chainprobe_validators_live')).toBe(4);
    expect(await h.value('chainprobe_validators_fault_margin')).toBe(1);
    expect(await h.value('chainprobe_validators_quorum')).toBe(3);
    expect(await h.value('chainprobe_validators_round_changes_total')).toBe(0);
    for (const v of chain.validators) {
      const labels = { validator: v };
      expect(await h.value('chainprobe_validators_missed_slots_total', labels)).toBe(0);
      expect(await h.value('chainprobe_validators_window_proposals', labels)).toBe(5);
      // Besu stores exactly quorum seals per block: 3 of 4, rotating here.
      expect(await h.value('chainprobe_validators_seal_participation_ratio', labels)).toBe(0.75);
      expect(await h.value('chainprobe_validators_validator_live', labels)).toBe(1);
    }
    expect(await h.value('chainprobe_validators_qbft_api_enabled')).toBe(1);
    expect(await h.value('chainprobe_validators_api_set_match')).toBe(1);
    expect(await h.value('chainprobe_validators_signer_metrics_mismatches')).toBe(0);
    expect(await h.value('chainprobe_validators_proposer_mismatch_total')).toBe(0);
  });

  it('moves missed slots, participation, live count and margin when one validator is down', async () => {
    const chain = new SyntheticChain({ validators: 4 });
    chain.extend(8);
    const down = V(chain, 2);
    chain.extend(24, { down: new Set([down]) });
    const { h } = await setUp(chain, { window: 16 });

    expect(await h.run()).toEqual({ ok: true });

    const missed = await h.value('chainprobe_validators_missed_slots_total', { validator: down });
    expect(missed).toBeGreaterThanOrEqual(7);
    expect(await h.value('chainprobe_validators_round_changes_total')).toBe(missed);
    expect(
      await h.value('chainprobe_validators_seal_participation_ratio', { validator: down }),
    ).toBe(0);
    expect(await h.value('chainprobe_validators_validator_live', { validator: down })).toBe(0);
    expect(await h.value('chainprobe_validators_live')).toBe(3);
    expect(await h.value('chainprobe_validators_fault_margin')).toBe(0);
    expect(await h.value('chainprobe_validators_blocks_since_seen', { validator: down })).toBe(24);
    for (const v of chain.validators.filter((a) => a !== down)) {
      expect(await h.value('chainprobe_validators_missed_slots_total', { validator: v })).toBe(0);
      expect(
        await h.value('chainprobe_validators_seal_participation_ratio', { validator: v }),
      ).toBe(1);
    }
  });

  it('shows a halt: margin below zero once the head is older than haltedAfterSeconds', async () => {
    const chain = new SyntheticChain({ validators: 4 });
    chain.extend(10);
    const made = chain.extend(5, { down: new Set([V(chain, 0), V(chain, 1)]) });
    expect(made).toBe(0);
    const { h } = await setUp(chain, { haltedAfterSeconds: 5 });
    await h.run();
    expect(await h.value('chainprobe_validators_halted')).toBe(0);

    atHead(h, chain, 6);
    await h.run();

    expect(await h.value('chainprobe_validators_halted')).toBe(1);
    expect(await h.value('chainprobe_validators_live')).toBe(2);
    expect(await h.value('chainprobe_validators_fault_margin')).toBe(-1);
  });

  it('catches up at most maxCatchUpBlocks, skips beyond and bounds fetches per run', async () => {
    const chain = new SyntheticChain({ validators: 4 });
    chain.extend(50);
    const { h, node } = await setUp(chain, { maxCatchUpBlocks: 16, maxBlocksPerRun: 8 });

    await h.run();
    // Head + the parent of the first block + 8 blocks.
    expect(node.state.fetched).toHaveLength(10);
    expect(await h.value('chainprobe_validators_processed_block_number')).toBe(42);
    await h.run();
    expect(await h.value('chainprobe_validators_processed_block_number')).toBe(50);

    chain.extend(40);
    atHead(h, chain);
    node.state.fetched.length = 0;
    await h.run();

    expect(await h.value('chainprobe_validators_blocks_skipped_total')).toBe(24);
    expect(await h.value('chainprobe_validators_processed_block_number')).toBe(82);
    expect(await h.value('chainprobe_validators_blocks_processed_total')).toBe(24);
    expect(node.state.fetched).toHaveLength(10);
  });

  it('skips an IBFT 1.0 block as bad_extra_data, counts it and carries on', async () => {
    const chain = new SyntheticChain({ validators: 4 });
    chain.extend(10);
    const ibft1 = loadGenesis('besu-ibft1-to-qbft-migration-genesis.json').extraData;
    const { h, node } = await setUp(chain);
    node.state.overrides.set(5, { ...chain.blocks[5], extraData: ibft1 });

    const result = await h.run();

    expect(result).toMatchObject({ ok: false, errorClass: 'bad_extra_data' });
    expect(await h.value('chainprobe_validators_undecodable_blocks_total')).toBe(1);
    expect(await h.value('chainprobe_validators_blocks_processed_total')).toBe(9);
    expect(await h.value('chainprobe_validators_processed_block_number')).toBe(10);
    expect(await h.run()).toEqual({ ok: true });
  });

  it('reports a block whose hash is not its BFT hash as hash_mismatch', async () => {
    const chain = new SyntheticChain({ validators: 4 });
    chain.extend(10);
    const { h, node } = await setUp(chain);
    node.state.overrides.set(7, { ...chain.blocks[7], hash: `0x${'ab'.repeat(32)}` });

    expect(await h.run()).toMatchObject({ ok: false, errorClass: 'hash_mismatch' });
    expect(await h.value('chainprobe_validators_hash_mismatch_total')).toBe(1);
    expect(await h.value('chainprobe_validators_blocks_processed_total')).toBe(10);
  });

  it('treats a disabled QBFT API as a configuration state, never as 0 validators', async () => {
    const chain = new SyntheticChain({ validators: 4 });
    chain.extend(12);
    const { h } = await setUp(chain, {}, { api: false });

    expect(await h.run()).toEqual({ ok: true });

    expect(await h.value('chainprobe_validators_qbft_api_enabled')).toBe(0);
    expect(await h.value('chainprobe_validators_set_size')).toBe(4);
    expect(await h.value('chainprobe_validators_live')).toBe(4);
  });

  it('reads pending votes and header votes, and counts validator set changes', async () => {
    const chain = new SyntheticChain({ validators: 4 });
    chain.extend(4);
    const spare = chain.spares[0] as string;
    chain.next({ vote: { recipient: spare, add: true } });
    chain.extend(5);
    const { h } = await setUp(chain, {}, { pendingVotes: { [spare]: true, [V(chain, 0)]: false } });

    await h.run();

    expect(await h.value('chainprobe_validators_header_votes_total', { vote: 'add' })).toBe(1);
    expect(await h.value('chainprobe_validators_set_changes_total')).toBe(1);
    expect(await h.value('chainprobe_validators_set_size')).toBe(5);
    expect(await h.value('chainprobe_validators_quorum')).toBe(4);
    expect(await h.value('chainprobe_validators_pending_votes', { vote: 'add' })).toBe(1);
    expect(await h.value('chainprobe_validators_pending_votes', { vote: 'drop' })).toBe(1);
    expect(await h.value('chainprobe_validators_api_set_match')).toBe(1);
  });

  it('deletes the series of a validator that left the set once it left the window', async () => {
    const chain = new SyntheticChain({ validators: 5 });
    chain.extend(4);
    const leaver = V(chain, 4);
    chain.next({ vote: { recipient: leaver, add: false } });
    const { h } = await setUp(chain, { window: 4, names: { [leaver]: 'leaver' } });
    await h.run();
    expect(
      await h.value('chainprobe_validators_proposals_total', { validator: leaver }),
    ).toBeDefined();
    expect(
      await h.value('chainprobe_validators_validator_info', { validator: leaver, name: 'leaver' }),
    ).toBe(1);

    chain.extend(3);
    atHead(h, chain);
    await h.run();
    expect(
      await h.value('chainprobe_validators_proposals_total', { validator: leaver }),
    ).toBeDefined();

    chain.extend(1);
    atHead(h, chain);
    await h.run();
    for (const name of [
      'proposals_total',
      'missed_slots_total',
      'blocks_since_seen',
      'validator_live',
    ]) {
      expect(await h.value(`chainprobe_validators_${name}`, { validator: leaver })).toBeUndefined();
    }
    expect(
      await h.value('chainprobe_validators_validator_info', { validator: leaver }),
    ).toBeUndefined();
    expect(await h.value('chainprobe_validators_set_size')).toBe(4);
  });
});

describe('validators watcher in validator-contract mode', () => {
  it('takes the signers of N from getValidatorsByBlockNumber(N-1)', async () => {
    const chain = new SyntheticChain({ validators: 4, contractMode: true });
    chain.extend(6);
    const [out, spare] = [V(chain, 3), chain.spares[0] as string];
    // Block 7's transaction replaces a validator: the set after 7 (validating 8) differs.
    chain.next({ setAfter: [...chain.validators.filter((v) => v !== out), spare] });
    chain.extend(4);
    // Precondition that makes the off-by-one matter: `out` sealed block 7, so judging 7
    // against the set after 7 (ByBlockNumber(7)) would flag an outsider.
    expect(decodeBlock(chain.blocks[7] as RawBlock, 'qbft').signers).toContain(out);
    const { h } = await setUp(chain, {}, { contractMode: true });

    expect(await h.run()).toEqual({ ok: true });

    expect(await h.value('chainprobe_validators_invalid_seals_total')).toBe(0);
    expect(await h.value('chainprobe_validators_set_changes_total')).toBe(1);
    expect(await h.value('chainprobe_validators_set_size')).toBe(4);
    expect(
      await h.value('chainprobe_validators_proposals_total', { validator: spare }),
    ).toBeGreaterThan(0);
  });

  it('fails as method_unavailable without the API, and never reports 0 validators', async () => {
    const chain = new SyntheticChain({ validators: 4, contractMode: true });
    chain.extend(6);
    const { h } = await setUp(chain, {}, { contractMode: true, api: false });

    expect(await h.run()).toMatchObject({ ok: false, errorClass: 'method_unavailable' });

    expect(await h.value('chainprobe_validators_qbft_api_enabled')).toBe(0);
    expect(await h.value('chainprobe_validators_set_size')).toBeUndefined();
    expect(await h.value('chainprobe_validators_blocks_processed_total')).toBe(0);
  });
});
