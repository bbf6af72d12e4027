import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeInstance } from '../../src/engine/probe-kind.js';
import { OracleOptions, oracleKind, type OracleMetrics } from '../../src/probes/oracle/kind.js';
import { recordingLogger } from '../helpers/registry.js';
import { startChain, type TestChain } from './chain.js';
import { compileContract, type Artifact } from './fixtures/compile.js';
import { common, makeHarness, runTask, stateOf, valueOf, type Harness } from './harness.js';

const PRICE_FEED_SOL = fileURLToPath(
  new URL('../../src/devnet/contracts/PriceFeed.sol', import.meta.url),
);
const MOCK_SOL = fileURLToPath(new URL('./fixtures/MockAggregator.sol', import.meta.url));
const NO_CODE = '0x000000000000000000000000000000000000dead';
const E8 = 100_000_000n;

let chain: TestChain;
let h: Harness;
let priceFeedArt: Artifact;
let mockArt: Artifact;
let feed: string;
let mock: string;
let instance: ProbeInstance;
const log = recordingLogger();

const state = (name: string) =>
  stateOf(h.registry, 'chainprobe_oracle_feed_state', 'state', { feed: name });
const cause = (name: string) =>
  stateOf(h.registry, 'chainprobe_oracle_stale_cause', 'cause', { feed: name });
const push = (answer: bigint) => chain.transact(feed, priceFeedArt.abi, 'updateAnswer', [answer]);
const setMock = (fn: string, args: unknown[]) => chain.transact(mock, mockArt.abi, fn, args);

/** Moves chain time and chainprobe's clock together, mining one block. */
async function elapse(seconds: number): Promise<void> {
  await chain.advance(seconds);
  h.clock.shiftSeconds += seconds;
}

async function headTimestamp(): Promise<number> {
  const block = await chain.rpc<{ timestamp: string }>('eth_getBlockByNumber', ['latest', false]);
  return Number(block.timestamp);
}

beforeAll(async () => {
  [priceFeedArt, mockArt, chain] = await Promise.all([
    compileContract(PRICE_FEED_SOL, 'PriceFeed'),
    compileContract(MOCK_SOL, 'MockAggregator'),
    startChain(),
  ]);
  feed = await chain.deploy(priceFeedArt, [8, 'ETH / USD', chain.account]);
  const empty = await chain.deploy(priceFeedArt, [8, 'BTC / USD', chain.account]);
  mock = await chain.deploy(mockArt, [8, 'MOCK / USD']);
  h = makeHarness({ anvil: chain.url, down: 'http://127.0.0.1:9' }, log.logger);
  const probe = {
    ...common('oracle'),
    ...OracleOptions.parse({
      feeds: [
        {
          name: 'eth-usd',
          address: feed,
          heartbeatSeconds: 60,
          minAnswer: 100,
          maxAnswer: 100_000,
          stalledAfterHeartbeats: 2,
        },
        { name: 'empty', address: empty, heartbeatSeconds: 60 },
        { name: 'mock', address: mock, heartbeatSeconds: 60 },
        { name: 'no-code', address: NO_CODE, heartbeatSeconds: 60, decimals: 8 },
        { name: 'wrong-decimals', address: feed, heartbeatSeconds: 60, decimals: 18 },
      ],
      graceSeconds: 5,
      chainHaltedAfterSeconds: 20,
    }),
  };
  const metrics: OracleMetrics = oracleKind.defineMetrics(h.registry, h.ctx.global);
  instance = oracleKind.create(h.ctx, probe, metrics);
}, 60_000);

afterAll(async () => {
  await h?.close();
  await chain?.stop();
});

describe('oracle probe on anvil (chain id 138)', () => {
  it('reads a fresh PriceFeed as ok, with decimals, answer and the round in the detail', async () => {
    await push(3000n * E8);
    const result = await runTask(instance, 'eth-usd');
    expect(result).toMatchObject({ ok: true });
    expect(result.detail).toMatch(/^round 1 answer 3000: updated \d+s ago \(heartbeat 60s\)$/);
    expect(await state('eth-usd')).toBe('ok');
    expect(await valueOf(h.registry, 'chainprobe_oracle_answer', { feed: 'eth-usd' })).toBe(3000);
    expect(await valueOf(h.registry, 'chainprobe_oracle_decimals', { feed: 'eth-usd' })).toBe(8);
    expect(
      await valueOf(h.registry, 'chainprobe_oracle_heartbeat_seconds', { feed: 'eth-usd' }),
    ).toBe(60);
  });

  it('reports a feed never updated as no_data', async () => {
    expect(await runTask(instance, 'empty')).toMatchObject({ ok: false, errorClass: 'no_data' });
    expect(await state('empty')).toBe('no_data');
  });

  it('goes stale after the heartbeat while the chain advances', async () => {
    await elapse(71);
    expect(await runTask(instance, 'eth-usd')).toMatchObject({ ok: false, errorClass: 'stale' });
    expect(await state('eth-usd')).toBe('stale');
    expect(await cause('eth-usd')).toBe('chain_advancing');
    const chainAge = await valueOf(h.registry, 'chainprobe_oracle_update_chain_age_seconds', {
      feed: 'eth-usd',
    });
    expect(chainAge).toBeGreaterThanOrEqual(71);
  });

  it('recovers on the next update and counts the round change', async () => {
    await push(3001n * E8);
    expect(await runTask(instance, 'eth-usd')).toMatchObject({ ok: true });
    expect(await cause('eth-usd')).toBe('none');
    const rounds = await valueOf(h.registry, 'chainprobe_oracle_round_changes_total', {
      feed: 'eth-usd',
    });
    expect(rounds).toBe(1);
  });

  it('blames a halted chain when no block comes and the wall clock moves on', async () => {
    h.clock.shiftSeconds += 71;
    expect(await runTask(instance, 'eth-usd')).toMatchObject({ ok: false, errorClass: 'stale' });
    expect(await cause('eth-usd')).toBe('chain_halted');
    const headAge = await valueOf(h.registry, 'chainprobe_oracle_head_age_seconds', {
      feed: 'eth-usd',
    });
    expect(headAge).toBeGreaterThan(20);
    // The chain resumes, caught up with the clock.
    await chain.advance(71);
  });

  it.each([
    { desc: 'zero', answer: 0n, cls: 'answer_not_positive' },
    { desc: 'negative', answer: -5n * E8, cls: 'answer_not_positive' },
    { desc: 'below-min', answer: 50n * E8, cls: 'answer_out_of_bounds' },
    { desc: 'above-max', answer: 200_000n * E8, cls: 'answer_out_of_bounds' },
  ])('classes a $desc answer as $cls', async ({ answer, cls }) => {
    await push(answer);
    expect(await runTask(instance, 'eth-usd')).toMatchObject({ ok: false, errorClass: cls });
    expect(await state('eth-usd')).toBe(cls);
  });

  it('finds the answer stalled after two heartbeats of identical rounds', async () => {
    await push(3000n * E8);
    expect(await runTask(instance, 'eth-usd')).toMatchObject({ ok: true });
    for (const want of ['ok', 'ok', 'stalled_answer']) {
      await elapse(50);
      await push(3000n * E8);
      await runTask(instance, 'eth-usd');
      expect(await state('eth-usd')).toBe(want);
    }
    const unchanged = await valueOf(h.registry, 'chainprobe_oracle_answer_unchanged_seconds', {
      feed: 'eth-usd',
    });
    expect(unchanged).toBeGreaterThan(120);
  });

  it('classes an updatedAt ahead of the head as future_update', async () => {
    const ahead = (await headTimestamp()) + 3600;
    await setMock('setRound', [1, 2n * E8, ahead, ahead]);
    expect(await runTask(instance, 'mock')).toMatchObject({
      ok: false,
      errorClass: 'future_update',
    });
    expect(await state('mock')).toBe('future_update');
  });

  it.each([
    { desc: 'with-reason', mode: 1 },
    { desc: 'without-data', mode: 2 },
    { desc: 'custom-error', mode: 3 },
  ])('classes a revert $desc as reverted', async ({ mode }) => {
    await setMock('setMode', [mode]);
    const result = await runTask(instance, 'mock');
    expect(result).toMatchObject({ ok: false, errorClass: 'reverted' });
    expect(result.detail).toMatch(/^latestRoundData\(\) reverted/);
    expect(await state('mock')).toBe('reverted');
  });

  it('logs a state change once, not once per run', () => {
    const reverted = log.lines.filter((l) => l.feed === 'mock' && l.state === 'reverted');
    expect(reverted).toHaveLength(1);
    expect(reverted[0]).toMatchObject({ msg: 'feed unhealthy', from: 'future_update', level: 40 });
  });

  it('keeps a roundId above 2^53 exact in the detail and counts its change', async () => {
    const roundId = (3n << 64n) | 7n;
    const now = await headTimestamp();
    await setMock('setMode', [0]);
    await setMock('setRound', [roundId, 2n * E8, now, now]);
    const before = await valueOf(h.registry, 'chainprobe_oracle_round_changes_total', {
      feed: 'mock',
    });
    const result = await runTask(instance, 'mock');
    expect(result).toMatchObject({ ok: true });
    expect(result.detail).toContain(`round ${roundId.toString()} answer 2:`);
    expect(roundId.toString()).toBe('55340232221128654855');
    expect(
      await valueOf(h.registry, 'chainprobe_oracle_round_changes_total', { feed: 'mock' }),
    ).toBe((before ?? 0) + 1);
  });

  it('fails an address without code as bad_response, state unknown', async () => {
    expect(await runTask(instance, 'no-code')).toMatchObject({
      ok: false,
      errorClass: 'bad_response',
    });
    expect(await state('no-code')).toBe('unknown');
  });

  it('fails a feed whose decimals() disagrees with the config as config', async () => {
    const result = await runTask(instance, 'wrong-decimals');
    expect(result).toMatchObject({ ok: false, errorClass: 'config' });
    expect(result.detail).toBe('decimals() is 8 but the feed is configured with 18');
  });

  it('reports an unreachable endpoint by its transport class, the age still growing', async () => {
    await runTask(instance, 'eth-usd');
    const labels = { feed: 'eth-usd' };
    const before = await valueOf(h.registry, 'chainprobe_oracle_update_age_seconds', labels);
    await h.setUrl('anvil', 'http://127.0.0.1:9');
    h.clock.shiftSeconds += 10;
    try {
      const result = await runTask(instance, 'eth-usd');
      expect(result).toMatchObject({ ok: false, errorClass: 'connection_refused' });
      expect(await state('eth-usd')).toBe('unknown');
      const after = await valueOf(h.registry, 'chainprobe_oracle_update_age_seconds', labels);
      expect((after ?? 0) - (before ?? 0)).toBeGreaterThanOrEqual(10);
    } finally {
      await h.setUrl('anvil', chain.url);
    }
  });
});
