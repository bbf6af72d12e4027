import { describe, expect, it } from 'vitest';
import { decodeHead, judgeAgreement, judgeHead, judgeSpread, type Head } from './judge.js';

const H = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
const head = (number: number, timestamp: number, hash = H(number)): Head => ({
  number,
  timestamp,
  hash,
  parentHash: H(number - 1),
});

describe('decodeHead', () => {
  const good = { number: '0x10', hash: H(16), parentHash: H(15), timestamp: '0x5f5e100' };
  it('decodes the fields it needs', () => {
    expect(decodeHead(good)).toEqual({
      number: 16,
      hash: H(16),
      parentHash: H(15),
      timestamp: 100_000_000,
    });
  });
  it.each([
    { desc: 'null-block', raw: null, want: 'null_result' },
    { desc: 'array', raw: [good], want: 'bad_response' },
    { desc: 'missing-number', raw: { ...good, number: undefined }, want: 'bad_response' },
    { desc: 'decimal-number', raw: { ...good, number: 16 }, want: 'bad_response' },
    { desc: 'hex-not-hex', raw: { ...good, number: '0xzz' }, want: 'bad_response' },
    {
      desc: 'number-past-2^53',
      raw: { ...good, number: '0x20000000000001' },
      want: 'bad_response',
    },
    { desc: 'short-hash', raw: { ...good, hash: '0x1234' }, want: 'bad_response' },
    { desc: 'missing-timestamp', raw: { ...good, timestamp: null }, want: 'bad_response' },
  ])('$desc -> $want', ({ raw, want }) => {
    expect(() => decodeHead(raw)).toThrow(expect.objectContaining({ code: want }));
  });
});

describe('judgeHead', () => {
  const t0 = 1_000_000_000_000;
  it.each([
    {
      desc: 'first-sight',
      prev: undefined,
      next: head(10, 999_999_998),
      now: t0,
      want: { advancedBy: 0, intervals: [], unchangedSeconds: 0, ageSeconds: 2 },
    },
    {
      desc: 'advanced-one',
      prev: { head: head(10, 999_999_998), seenAt: t0 - 2000, checkedAt: t0 - 2000 },
      next: head(11, 1_000_000_000),
      now: t0,
      want: { advancedBy: 1, intervals: [2], unchangedSeconds: 0, ageSeconds: 0 },
    },
    {
      desc: 'advanced-three-mean',
      prev: { head: head(10, 999_999_994), seenAt: t0 - 6000, checkedAt: t0 - 6000 },
      next: head(13, 1_000_000_000),
      now: t0,
      want: { advancedBy: 3, intervals: [2, 2, 2], unchangedSeconds: 0, ageSeconds: 0 },
    },
    {
      desc: 'stalled',
      prev: { head: head(10, 999_999_980), seenAt: t0 - 20_000, checkedAt: t0 - 20_000 },
      next: head(10, 999_999_980),
      now: t0,
      want: { advancedBy: 0, intervals: [], unchangedSeconds: 20, ageSeconds: 20 },
    },
    {
      desc: 'went-backwards',
      prev: { head: head(12, 999_999_998), seenAt: t0 - 1000, checkedAt: t0 - 1000 },
      next: head(11, 999_999_996),
      now: t0,
      want: { advancedBy: -1, intervals: [], unchangedSeconds: 0, ageSeconds: 4 },
    },
    {
      desc: 'changed-between-runs',
      prev: { head: head(10, 999_999_996), seenAt: t0 - 4000, checkedAt: t0 - 1500 },
      next: head(11, 999_999_999),
      now: t0,
      want: { advancedBy: 1, unchangedSeconds: 1, state: { seenAt: t0 - 1000 } },
    },
    {
      desc: 'timestamp-before-last-run',
      prev: { head: head(10, 999_999_990), seenAt: t0 - 12_000, checkedAt: t0 - 1000 },
      next: head(11, 999_999_992),
      now: t0,
      want: { advancedBy: 1, unchangedSeconds: 1, state: { seenAt: t0 - 1000 } },
    },
    {
      desc: 'timestamp-in-future-after-change',
      prev: { head: head(10, 999_999_998), seenAt: t0 - 2000, checkedAt: t0 - 1000 },
      next: head(11, 1_000_000_030),
      now: t0,
      want: { advancedBy: 1, unchangedSeconds: 0, state: { seenAt: t0 } },
    },
    {
      desc: 'same-head-keeps-change-time',
      prev: { head: head(10, 999_999_990), seenAt: t0 - 9000, checkedAt: t0 - 1000 },
      next: head(10, 999_999_990),
      now: t0,
      want: { advancedBy: 0, unchangedSeconds: 9, state: { seenAt: t0 - 9000, checkedAt: t0 } },
    },
    {
      desc: 'future-timestamp',
      prev: undefined,
      next: head(10, 1_000_000_030),
      now: t0,
      want: { advancedBy: 0, intervals: [], unchangedSeconds: 0, ageSeconds: -30 },
    },
  ])('$desc', ({ prev, next, now, want }) => {
    expect(judgeHead(prev, next, now)).toMatchObject(want);
  });
});

describe('judgeSpread', () => {
  it('reports how far each endpoint is behind the highest head', () => {
    const v = judgeSpread(
      new Map([
        ['a', 100],
        ['b', 97],
        ['c', 100],
      ]),
    );
    expect(v).toEqual({
      max: 100,
      spread: 3,
      behind: new Map([
        ['a', 0],
        ['b', 3],
        ['c', 0],
      ]),
    });
  });
  it('is empty without endpoints', () => {
    expect(judgeSpread(new Map()).spread).toBe(0);
  });
});

describe('judgeAgreement', () => {
  it.each([
    { desc: 'all-agree', hashes: { a: 'x', b: 'x', c: 'x' }, want: { a: true, b: true, c: true } },
    {
      desc: 'one-forked',
      hashes: { a: 'x', b: 'y', c: 'x' },
      want: { a: true, b: false, c: true },
    },
    { desc: 'tie-is-stable', hashes: { a: 'y', b: 'x' }, want: { a: false, b: true } },
  ])('$desc', ({ hashes, want }) => {
    expect(Object.fromEntries(judgeAgreement(new Map(Object.entries(hashes))))).toEqual(want);
  });
});
