import { describe, expect, it } from 'vitest';
import {
  adoptPending,
  judgeInFlight,
  judgeSpendCap,
  type InFlight,
  type InFlightObservation,
} from './judge.js';

const sent: InFlight = { nonce: 5, hash: '0xaa', sentAtMs: 0, sentAtBlock: 100, replacements: 0 };
const found: InFlight = { nonce: 5, sentAtBlock: 100, replacements: 0 };
const obs = (o: Partial<InFlightObservation>): InFlightObservation => ({
  head: 101,
  latestNonce: 5,
  pendingNonce: 6,
  hasReceipt: false,
  inBlock: false,
  ...o,
});

describe('judgeInFlight (maxInclusionBlocks 3)', () => {
  it.each<{ desc: string; tx: InFlight; o: Partial<InFlightObservation>; want: string }>([
    {
      desc: 'receipt-is-included',
      tx: sent,
      o: { hasReceipt: true, latestNonce: 6 },
      want: 'included',
    },
    { desc: 'young-waits', tx: sent, o: { head: 102 }, want: 'wait' },
    { desc: 'at-limit-pending-is-stuck', tx: sent, o: { head: 103 }, want: 'stuck' },
    {
      desc: 'at-limit-gone-is-dropped',
      tx: sent,
      o: { head: 103, pendingNonce: 5 },
      want: 'dropped',
    },
    { desc: 'nonce-taken-by-another', tx: sent, o: { latestNonce: 6 }, want: 'replaced' },
    {
      desc: 'mined-without-receipt',
      tx: sent,
      o: { latestNonce: 6, inBlock: true },
      want: 'receipt_missing',
    },
    { desc: 'found-at-start-mined', tx: found, o: { latestNonce: 6 }, want: 'settled' },
    { desc: 'found-at-start-waits', tx: found, o: { head: 101 }, want: 'wait' },
    { desc: 'found-at-start-stuck', tx: found, o: { head: 110 }, want: 'stuck' },
  ])('$desc', ({ tx, o, want }) => {
    expect(judgeInFlight(tx, obs(o), 3)).toBe(want);
  });
});

describe('adoptPending', () => {
  it('adopts the latest nonce when pending is above it', () => {
    expect(adoptPending(7, 9, 50)).toEqual({ nonce: 7, sentAtBlock: 50, replacements: 0 });
  });
  it('adopts nothing when nothing is pending', () => {
    expect(adoptPending(7, 7, 50)).toBeUndefined();
  });
});

describe('judgeSpendCap', () => {
  it.each([
    { desc: 'funded', balance: 100n, floor: 10n, cost: 5n, want: 'ok' },
    { desc: 'at-floor', balance: 10n, floor: 10n, cost: 5n, want: 'ok' },
    { desc: 'below-floor', balance: 9n, floor: 10n, cost: 5n, want: 'below_floor' },
    { desc: 'unfunded-zero-floor-zero-fee', balance: 0n, floor: 0n, cost: 0n, want: 'ok' },
    { desc: 'cannot-pay-fee', balance: 4n, floor: 0n, cost: 5n, want: 'cannot_pay' },
  ])('$desc', ({ balance, floor, cost, want }) => {
    expect(judgeSpendCap(balance, floor, cost)).toBe(want);
  });
});
