import { describe, expect, it } from 'vitest';
import { RpcError } from '../../rpc/errors.js';
import {
  decodePendingVotes,
  judgeDrift,
  judgeMethodAnswer,
  judgeNonce,
  judgeSpend,
  judgeTransfers,
  judgeValidatorSet,
  judgeVotes,
  normaliseWord,
  wordToAddress,
  type Exposure,
} from './judge.js';

const A = `0x${'a'.repeat(40)}`;
const B = `0x${'b'.repeat(40)}`;
const C = `0x${'c'.repeat(40)}`;
const X = `0x${'e'.repeat(40)}`;

describe('judgeMethodAnswer', () => {
  it.each<{ desc: string; error: unknown; want: Exposure }>([
    { desc: 'a-result-is-exposed', error: undefined, want: 'exposed' },
    {
      desc: 'invalid-params-is-exposed',
      error: new RpcError('rpc_error', 'x', { rpcCode: -32602 }),
      want: 'exposed',
    },
    {
      desc: 'not-enabled-is-closed',
      error: new RpcError('method_unavailable', 'x', { rpcCode: -32604 }),
      want: 'closed',
    },
    { desc: 'http-403-is-closed', error: new RpcError('forbidden', 'x'), want: 'closed' },
    { desc: 'http-401-is-closed', error: new RpcError('unauthorized', 'x'), want: 'closed' },
    { desc: 'http-405-is-closed', error: new RpcError('http_4xx', 'x'), want: 'closed' },
    { desc: 'http-429-proves-nothing', error: new RpcError('rate_limited', 'x'), want: 'unknown' },
    { desc: 'http-502-proves-nothing', error: new RpcError('http_5xx', 'x'), want: 'unknown' },
    { desc: 'timeout-proves-nothing', error: new RpcError('timeout', 'x'), want: 'unknown' },
    { desc: 'a-foreign-error-proves-nothing', error: new Error('boom'), want: 'unknown' },
  ])('$desc', ({ error, want }) => {
    expect(judgeMethodAnswer(error)).toBe(want);
  });
});

describe('judgeValidatorSet', () => {
  it.each([
    {
      desc: 'same-as-allow-list',
      current: [A, B],
      allow: [A, B],
      previous: [A, B],
      want: { unexpected: [], missing: [], changed: false },
    },
    {
      desc: 'stranger-added',
      current: [A, B, X],
      allow: [A, B],
      previous: [A, B],
      want: { unexpected: [X], missing: [], changed: true },
    },
    {
      desc: 'validator-removed',
      current: [A],
      allow: [A, B],
      previous: [A, B],
      want: { unexpected: [], missing: [B], changed: true },
    },
    {
      desc: 'first-observation-without-allow-list',
      current: [A, B],
      allow: undefined,
      previous: undefined,
      want: { unexpected: [], missing: [], changed: false },
    },
    {
      desc: 'swap-keeps-the-size-but-changes',
      current: [A, C],
      allow: undefined,
      previous: [A, B],
      want: { unexpected: [], missing: [], changed: true },
    },
  ])('$desc', ({ current, allow, previous, want }) => {
    expect(judgeValidatorSet(current, allow, previous)).toEqual(want);
  });
});

describe('judgeVotes', () => {
  it.each([
    { desc: 'add-a-stranger', votes: [{ recipient: X, add: true }], allow: [A, B], n: 1 },
    { desc: 'drop-an-allowed-one', votes: [{ recipient: A, add: false }], allow: [A, B], n: 1 },
    { desc: 'add-an-allowed-one', votes: [{ recipient: C, add: true }], allow: [A, B, C], n: 0 },
    { desc: 'drop-a-stranger', votes: [{ recipient: X, add: false }], allow: [A, B], n: 0 },
    {
      desc: 'no-allow-list-any-change',
      votes: [{ recipient: X, add: true }],
      allow: undefined,
      n: 1,
    },
  ])('$desc', ({ votes, allow, n }) => {
    expect(judgeVotes(votes, allow, [A, B])).toHaveLength(n);
  });

  it('decodes qbft_getPendingVotes and rejects malformed entries', () => {
    expect(decodePendingVotes({ [X.toUpperCase().replace('0X', '0x')]: true })).toEqual([
      { recipient: X, add: true },
    ]);
    expect(() => decodePendingVotes({ nope: true })).toThrow(RpcError);
    expect(() => decodePendingVotes([])).toThrow(RpcError);
  });
});

describe('judgeTransfers', () => {
  const tx = (from: string, to: string | null) => ({ hash: '0x1', from, to, blockNumber: 1 });
  it.each([
    { desc: 'allowed-destination', txs: [tx(A, B)], sent: 1, unexpected: 0 },
    { desc: 'stranger-destination', txs: [tx(A, X)], sent: 1, unexpected: 1 },
    { desc: 'contract-creation', txs: [tx(A, null)], sent: 1, unexpected: 1 },
    { desc: 'someone-else-sends', txs: [tx(C, X)], sent: 0, unexpected: 0 },
  ])('$desc', ({ txs, sent, unexpected }) => {
    const got = judgeTransfers(txs, { address: A, allowedDestinations: [B] });
    expect([got.sent.length, got.unexpected.length]).toEqual([sent, unexpected]);
  });
});

describe('judgeNonce', () => {
  it.each([
    { desc: 'matched', prev: 5, cur: 7, seen: 2, want: 0 },
    { desc: 'one-unseen', prev: 5, cur: 8, seen: 2, want: 1 },
    { desc: 'unchanged', prev: 5, cur: 5, seen: 0, want: 0 },
  ])('$desc', ({ prev, cur, seen, want }) => {
    expect(judgeNonce(prev, cur, seen)).toBe(want);
  });
});

describe('judgeSpend', () => {
  it('sums decreases over the last hour and ignores rises', () => {
    let s = judgeSpend([], 100n, 90n, 0);
    expect(s.spentWei).toBe(10n);
    s = judgeSpend(s.samples, 90n, 95n, 1000);
    expect(s.spentWei).toBe(10n);
    s = judgeSpend(s.samples, 95n, 80n, 2000);
    expect(s.spentWei).toBe(25n);
    s = judgeSpend(s.samples, 80n, 80n, 3_600_500);
    expect(s.spentWei).toBe(15n);
  });
});

describe('contract values', () => {
  it.each([
    { desc: 'address-pads-to-a-word', value: A, want: `0x${'0'.repeat(24)}${'a'.repeat(40)}` },
    { desc: 'word-lowercases', value: `0x${'F'.repeat(64)}`, want: `0x${'f'.repeat(64)}` },
    { desc: 'short-quantity-pads', value: '0x0', want: `0x${'0'.repeat(64)}` },
  ])('$desc', ({ value, want }) => {
    expect(normaliseWord(value)).toBe(want);
  });

  it('rejects empty results (no code at the address)', () => {
    expect(() => normaliseWord('0x')).toThrow(RpcError);
  });

  it.each([
    { desc: 'expected-wins', obs: 'b', exp: 'a', first: 'b', drift: true },
    { desc: 'first-seen-when-none-expected', obs: 'b', exp: undefined, first: 'a', drift: true },
    {
      desc: 'first-run-is-its-own-reference',
      obs: 'a',
      exp: undefined,
      first: undefined,
      drift: false,
    },
    { desc: 'matches-expected', obs: 'a', exp: 'a', first: 'b', drift: false },
  ])('$desc', ({ obs, exp, first, drift }) => {
    expect(judgeDrift(obs, exp, first).drift).toBe(drift);
  });

  it('shows an address word as an address and other words whole', () => {
    expect(wordToAddress(normaliseWord(A))).toBe(A);
    expect(wordToAddress(`0x${'1'.repeat(64)}`)).toBe(`0x${'1'.repeat(64)}`);
  });
});
