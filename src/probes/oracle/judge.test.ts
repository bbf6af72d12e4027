import { describe, expect, it } from 'vitest';
import type { RoundData } from './decode.js';
import {
  describeVerdict,
  judgeFeed,
  scaleAnswer,
  type FeedMemory,
  type FeedRules,
} from './judge.js';

const HEAD = 1_700_000_000;
const RULES: FeedRules = {
  heartbeatSeconds: 60,
  graceSeconds: 10,
  futureToleranceSeconds: 5,
  chainHaltedAfterSeconds: 10,
  minAnswer: 100,
  maxAnswer: 100_000,
  stalledAfterHeartbeats: 3,
};

// answer 3000.00000000 with 8 decimals
const PRICE = 300_000_000_000n;

function round(over: Partial<RoundData> = {}): RoundData {
  return {
    roundId: 10n,
    answer: PRICE,
    startedAt: BigInt(HEAD - 5),
    updatedAt: BigInt(HEAD - 5),
    ...over,
  };
}

interface Case {
  desc: string;
  round: RoundData;
  /** Head timestamp minus HEAD. */
  head?: number;
  /** Wall clock minus the head timestamp, seconds. */
  headAge?: number;
  prev?: FeedMemory;
  rules?: Partial<FeedRules>;
  state: string;
  cause?: string;
}

function judge(c: Omit<Case, 'desc' | 'state'>) {
  const headTimestamp = HEAD + (c.head ?? 0);
  return judgeFeed(
    c.prev,
    {
      round: c.round,
      decimals: 8,
      headTimestamp,
      nowMs: (headTimestamp + (c.headAge ?? 1)) * 1000,
    },
    { ...RULES, ...c.rules },
  );
}

describe('judgeFeed states', () => {
  it.each<Case>([
    { desc: 'fresh-healthy', round: round(), state: 'ok' },
    {
      desc: 'updated-at-zero',
      round: round({ updatedAt: 0n, answer: 0n, roundId: 0n }),
      state: 'no_data',
    },
    { desc: 'zero-answer', round: round({ answer: 0n }), state: 'answer_not_positive' },
    { desc: 'negative-answer', round: round({ answer: -1n }), state: 'answer_not_positive' },
    { desc: 'below-min', round: round({ answer: 9_999_999_999n }), state: 'answer_out_of_bounds' },
    { desc: 'at-min-is-ok', round: round({ answer: 10_000_000_000n }), state: 'ok' },
    {
      desc: 'above-max',
      round: round({ answer: 10_000_000_000_001n }),
      state: 'answer_out_of_bounds',
    },
    { desc: 'at-max-is-ok', round: round({ answer: 10_000_000_000_000n }), state: 'ok' },
    {
      desc: 'no-bounds-configured',
      round: round({ answer: 1n }),
      rules: { minAnswer: undefined, maxAnswer: undefined },
      state: 'ok',
    },
    {
      desc: 'future-vs-head',
      round: round({ updatedAt: BigInt(HEAD + 6) }),
      headAge: -100,
      state: 'future_update',
    },
    {
      desc: 'future-within-tolerance',
      round: round({ updatedAt: BigInt(HEAD + 5) }),
      headAge: 0,
      state: 'ok',
    },
    {
      desc: 'future-vs-wall-clock',
      round: round({ updatedAt: BigInt(HEAD) }),
      headAge: -6,
      state: 'future_update',
    },
    {
      desc: 'future-beats-bad-answer',
      round: round({ updatedAt: BigInt(HEAD + 60), answer: 0n }),
      state: 'future_update',
    },
    {
      desc: 'huge-updated-at-is-future',
      round: round({ updatedAt: 1n << 255n }),
      state: 'future_update',
    },
    { desc: 'stale-at-edge-is-ok', round: round({ updatedAt: BigInt(HEAD - 69) }), state: 'ok' },
    {
      desc: 'stale-chain-advancing',
      round: round({ updatedAt: BigInt(HEAD - 71) }),
      state: 'stale',
      cause: 'chain_advancing',
    },
    {
      desc: 'stale-by-wall-chain-halted',
      round: round({ updatedAt: BigInt(HEAD - 30) }),
      headAge: 60,
      state: 'stale',
      cause: 'chain_halted',
    },
    {
      desc: 'bad-answer-beats-stale',
      round: round({ updatedAt: BigInt(HEAD - 500), answer: -5n }),
      state: 'answer_not_positive',
      cause: 'none',
    },
    {
      desc: 'stalled-across-rounds',
      round: round({ roundId: 20n, updatedAt: BigInt(HEAD - 1) }),
      prev: { roundId: 19n, answer: PRICE, answerSince: HEAD - 181, updatedAt: HEAD - 61 },
      state: 'stalled_answer',
    },
    {
      desc: 'stalled-edge-is-ok',
      round: round({ roundId: 20n, updatedAt: BigInt(HEAD - 1) }),
      prev: { roundId: 19n, answer: PRICE, answerSince: HEAD - 180, updatedAt: HEAD - 61 },
      state: 'ok',
    },
    {
      desc: 'stall-check-off',
      round: round({ roundId: 20n, updatedAt: BigInt(HEAD - 1) }),
      prev: { roundId: 19n, answer: PRICE, answerSince: HEAD - 10_000, updatedAt: HEAD - 61 },
      rules: { stalledAfterHeartbeats: undefined },
      state: 'ok',
    },
    {
      desc: 'changed-answer-resets-stall',
      round: round({ roundId: 20n, answer: PRICE + 1n, updatedAt: BigInt(HEAD - 1) }),
      prev: { roundId: 19n, answer: PRICE, answerSince: HEAD - 10_000, updatedAt: HEAD - 61 },
      state: 'ok',
    },
  ])('$desc -> $state', (c) => {
    const v = judge(c);
    expect(v.state).toBe(c.state);
    expect(v.cause).toBe(c.cause ?? (c.state === 'stale' ? 'chain_advancing' : 'none'));
  });
});

describe('judgeFeed numbers', () => {
  it('reports both ages, the head age and the scaled answer', () => {
    const v = judge({ round: round({ updatedAt: BigInt(HEAD - 20) }), headAge: 3 });
    expect(v).toMatchObject({
      chainAgeSeconds: 20,
      wallAgeSeconds: 23,
      headAgeSeconds: 3,
      answer: 3000,
    });
  });

  it('counts round and answer changes against the previous run only', () => {
    const prev: FeedMemory = {
      roundId: 9n,
      answer: PRICE,
      answerSince: HEAD - 30,
      updatedAt: HEAD - 30,
    };
    const sameAnswer = judge({ round: round(), prev });
    expect(sameAnswer).toMatchObject({
      roundChanged: true,
      answerChanged: false,
      unchangedSeconds: 30,
    });
    const first = judge({ round: round() });
    expect(first).toMatchObject({ roundChanged: false, answerChanged: false, unchangedSeconds: 5 });
  });

  it('keeps the memory untouched when the round has no data', () => {
    const prev: FeedMemory = { roundId: 9n, answer: PRICE, answerSince: HEAD, updatedAt: HEAD };
    const v = judge({ round: round({ updatedAt: 0n }), prev });
    expect(v.memory).toBe(prev);
  });

  it('keeps a uint80 roundId exact in memory', () => {
    const roundId = (1n << 80n) - 1n;
    expect(judge({ round: round({ roundId }) }).memory?.roundId).toBe(roundId);
  });
});

describe('scaleAnswer', () => {
  it.each([
    { desc: 'eight-decimals', raw: 300012345678n, decimals: 8, want: 3000.12345678 },
    { desc: 'eighteen-decimals', raw: 1_500_000_000_000_000_000n, decimals: 18, want: 1.5 },
    { desc: 'zero-decimals', raw: 42n, decimals: 0, want: 42 },
    { desc: 'negative', raw: -150n, decimals: 2, want: -1.5 },
    {
      desc: 'beyond-2^53-rounds-once',
      raw: 2n ** 64n + 1n,
      decimals: 0,
      want: 18446744073709552000,
    },
  ])('$desc', ({ raw, decimals, want }) => {
    expect(scaleAnswer(raw, decimals)).toBe(want);
  });
});

describe('describeVerdict', () => {
  it.each([
    { desc: 'ok', round: round(), headAge: 1, want: 'updated 6s ago (heartbeat 60s)' },
    {
      desc: 'no-data',
      round: round({ updatedAt: 0n }),
      headAge: 1,
      want: 'no round has data yet (updatedAt 0)',
    },
    {
      desc: 'future',
      round: round({ updatedAt: BigInt(HEAD + 100) }),
      headAge: 0,
      want: 'updatedAt is 100s in the future',
    },
    {
      desc: 'not-positive',
      round: round({ answer: 0n }),
      headAge: 1,
      want: 'answer is zero or negative',
    },
    {
      desc: 'out-of-bounds',
      round: round({ answer: 1n }),
      headAge: 1,
      want: 'answer is outside [100, 100000]',
    },
    {
      desc: 'stale-halted',
      round: round({ updatedAt: BigInt(HEAD - 30) }),
      headAge: 60,
      want: 'updated 90s ago, heartbeat 60s (chain halted)',
    },
  ])('$desc', ({ round: r, headAge, want }) => {
    expect(describeVerdict(judge({ round: r, headAge }), RULES)).toBe(want);
  });
});
