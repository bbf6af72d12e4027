import { parseEther } from 'ethers';
import { describe, expect, it } from 'vitest';
import {
  judgePublisher,
  spendRate,
  type PublisherMemory,
  type PublisherObservation,
  type PublisherRules,
} from './judge.js';

const RULES: PublisherRules = { spendWindowSeconds: 600, stuckAfterSeconds: 60 };
const T0 = 1_700_000_000_000;

type Reading = Partial<Omit<PublisherObservation, 'balanceWei'>> & { ether?: string; at: number };

/** Feeds readings (at: seconds after T0) through the judge; returns the last verdict. */
function run(readings: Reading[], rules: Partial<PublisherRules> = {}) {
  let memory: PublisherMemory | undefined;
  let verdict;
  for (const r of readings) {
    verdict = judgePublisher(
      memory,
      {
        balanceWei: parseEther(r.ether ?? '10'),
        latestNonce: r.latestNonce ?? 5,
        pendingNonce: r.pendingNonce ?? r.latestNonce ?? 5,
        nowMs: T0 + r.at * 1000,
      },
      { ...RULES, ...rules },
    );
    memory = verdict.memory;
  }
  if (!verdict) throw new Error('no readings');
  return verdict;
}

describe('judgePublisher', () => {
  it.each([
    { desc: 'first-reading-ok', readings: [{ at: 0 }], state: 'ok' },
    {
      desc: 'gap-while-nonce-advances-is-busy-not-stuck',
      readings: [
        { at: 0, latestNonce: 5, pendingNonce: 6 },
        { at: 50, latestNonce: 6, pendingNonce: 7 },
        { at: 100, latestNonce: 7, pendingNonce: 8 },
      ],
      state: 'ok',
    },
    {
      desc: 'gap-with-frozen-nonce-is-stuck',
      readings: [
        { at: 0, latestNonce: 5, pendingNonce: 6 },
        { at: 60, latestNonce: 5, pendingNonce: 6 },
      ],
      state: 'stuck_transaction',
    },
    {
      desc: 'gap-just-below-stuck-after',
      readings: [
        { at: 0, latestNonce: 5, pendingNonce: 6 },
        { at: 59, latestNonce: 5, pendingNonce: 6 },
      ],
      state: 'ok',
    },
    {
      desc: 'gap-cleared-resets',
      readings: [
        { at: 0, latestNonce: 5, pendingNonce: 6 },
        { at: 30, latestNonce: 5, pendingNonce: 5 },
        { at: 70, latestNonce: 5, pendingNonce: 6 },
      ],
      state: 'ok',
    },
    {
      desc: 'below-min-balance',
      readings: [{ at: 0, ether: '0.5' }],
      rules: { minBalanceEther: 1 },
      state: 'low_balance',
    },
    {
      desc: 'runway-below-minimum',
      readings: [
        { at: 0, ether: '10' },
        { at: 100, ether: '9' },
      ],
      rules: { minRunwaySeconds: 1000 },
      state: 'low_balance',
    },
    {
      desc: 'stuck-beats-low-balance',
      readings: [
        { at: 0, ether: '0', latestNonce: 1, pendingNonce: 2 },
        { at: 120, ether: '0', latestNonce: 1, pendingNonce: 2 },
      ],
      rules: { minBalanceEther: 1 },
      state: 'stuck_transaction',
    },
  ])('$desc -> $state', ({ readings, rules, state }) => {
    expect(run(readings, rules).state).toBe(state);
  });

  it('measures spend and runway from balance decreases', () => {
    const v = run([
      { at: 0, ether: '10' },
      { at: 100, ether: '9' },
    ]);
    expect(v.spendEtherPerSecond).toBeCloseTo(0.01, 12);
    expect(v.runwaySeconds).toBeCloseTo(900, 6);
  });

  it('reports an unlimited runway when nothing was spent, and none before two readings', () => {
    expect(run([{ at: 0 }]).runwaySeconds).toBeNull();
    expect(run([{ at: 0 }, { at: 10 }]).runwaySeconds).toBe(Number.POSITIVE_INFINITY);
  });

  it('reports the nonce gap and the time since the nonce last moved', () => {
    const v = run([
      { at: 0, latestNonce: 3 },
      { at: 10, latestNonce: 4, pendingNonce: 6 },
      { at: 25, latestNonce: 4, pendingNonce: 6 },
    ]);
    expect(v).toMatchObject({ nonceGap: 2, nonceUnchangedSeconds: 15 });
    expect(run([{ at: 0 }, { at: 40 }]).nonceUnchangedSeconds).toBe(40);
  });

  it('never reports a negative gap (pending read from a node behind)', () => {
    expect(run([{ at: 0, latestNonce: 9, pendingNonce: 8 }]).nonceGap).toBe(0);
  });

  it('forgets readings older than the window but keeps one as the anchor', () => {
    const v = run(
      [
        { at: 0, ether: '100' },
        { at: 1000, ether: '10' },
        { at: 2000, ether: '9' },
      ],
      { spendWindowSeconds: 600 },
    );
    expect(v.memory.samples.map((s) => s.atMs)).toEqual([T0 + 1_000_000, T0 + 2_000_000]);
    expect(v.spendEtherPerSecond).toBeCloseTo(0.001, 12);
  });
});

describe('spendRate', () => {
  const s = (at: number, ether: string) => ({ atMs: at * 1000, wei: parseEther(ether) });
  it.each([
    { desc: 'no-samples', samples: [], want: null },
    { desc: 'one-sample', samples: [s(0, '1')], want: null },
    { desc: 'same-instant', samples: [s(5, '2'), s(5, '1')], want: null },
    { desc: 'steady-spend', samples: [s(0, '3'), s(1, '2'), s(2, '1')], want: 1 },
    { desc: 'top-up-ignored', samples: [s(0, '3'), s(1, '2'), s(2, '10'), s(4, '9')], want: 0.5 },
    { desc: 'no-spend', samples: [s(0, '3'), s(10, '3')], want: 0 },
  ])('$desc', ({ samples, want }) => {
    expect(spendRate(samples)).toBe(want);
  });
});
