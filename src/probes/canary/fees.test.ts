import { describe, expect, it } from 'vitest';
import { chooseFees, maxCostWei, replacementFees, type FeeFields } from './fees.js';

const gwei = 1_000_000_000n;

describe('chooseFees', () => {
  it.each<{ desc: string; base: bigint | null; tip: bigint; price: bigint; want: FeeFields }>([
    {
      desc: 'eip1559-twice-base-plus-tip',
      base: 7n * gwei,
      tip: 2n * gwei,
      price: 0n,
      want: { type: 2, maxFeePerGas: 16n * gwei, maxPriorityFeePerGas: 2n * gwei },
    },
    {
      desc: 'zero-base-fee-is-still-eip1559',
      base: 0n,
      tip: gwei,
      price: 0n,
      want: { type: 2, maxFeePerGas: gwei, maxPriorityFeePerGas: gwei },
    },
    {
      desc: 'zero-base-fee-zero-tip',
      base: 0n,
      tip: 0n,
      price: 0n,
      want: { type: 2, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n },
    },
    {
      desc: 'no-base-fee-is-legacy',
      base: null,
      tip: 0n,
      price: 3n * gwei,
      want: { type: 0, gasPrice: 3n * gwei },
    },
  ])('$desc', ({ base, tip, price, want }) => {
    expect(chooseFees({ baseFeePerGas: base, tipWei: tip, gasPriceWei: price })).toEqual(want);
  });
});

describe('replacementFees', () => {
  it.each<{ desc: string; fresh: FeeFields; previous?: FeeFields; want: FeeFields }>([
    {
      desc: 'bumps-legacy-by-a-quarter-plus-one',
      fresh: { type: 0, gasPrice: 100n },
      previous: { type: 0, gasPrice: 100n },
      want: { type: 0, gasPrice: 126n },
    },
    {
      desc: 'keeps-a-fresh-price-that-is-higher',
      fresh: { type: 0, gasPrice: 500n },
      previous: { type: 0, gasPrice: 100n },
      want: { type: 0, gasPrice: 500n },
    },
    {
      desc: 'bumps-from-zero',
      fresh: { type: 2, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n },
      previous: { type: 2, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n },
      want: { type: 2, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n },
    },
    {
      desc: 'bumps-both-eip1559-fields',
      fresh: { type: 2, maxFeePerGas: 1000n, maxPriorityFeePerGas: 1000n },
      previous: { type: 2, maxFeePerGas: 1000n, maxPriorityFeePerGas: 1000n },
      want: { type: 2, maxFeePerGas: 1251n, maxPriorityFeePerGas: 1251n },
    },
    {
      desc: 'unknown-previous-doubles',
      fresh: { type: 2, maxFeePerGas: 1000n, maxPriorityFeePerGas: 1000n },
      want: { type: 2, maxFeePerGas: 2000n, maxPriorityFeePerGas: 2000n },
    },
  ])('$desc', ({ fresh, previous, want }) => {
    const got = replacementFees(fresh, previous);
    expect(got).toEqual(want);
    if (got.type === 2) expect(got.maxPriorityFeePerGas).toBeLessThanOrEqual(got.maxFeePerGas);
  });
});

describe('maxCostWei', () => {
  it('is the gas limit times the price cap', () => {
    expect(maxCostWei({ type: 2, maxFeePerGas: 3n, maxPriorityFeePerGas: 1n }, 21_000n)).toBe(
      63_000n,
    );
    expect(maxCostWei({ type: 0, gasPrice: 2n }, 21_000n)).toBe(42_000n);
  });
});
