import { describe, expect, it } from 'vitest';
import { loadBesuFixture } from '../helpers/besu-fixtures.js';
import {
  attributeSlots,
  countMismatches,
  hasSetChanged,
  judgeNetwork,
  notSeenLimit,
  planFetch,
  ValidatorWindow,
  type WindowBlock,
} from '../../src/probes/validators/judge.js';

const addr = (byte: string): string => `0x${'00'.repeat(19)}${byte}`;
const [A, B, C, D] = ['10', '20', '30', '40'].map(addr) as [string, string, string, string];
const SET = [A, B, C, D];
const SETTINGS = { threshold: 0.5, haltedAfterSeconds: 10 };

describe('attributeSlots', () => {
  const cases = [
    { desc: 'round-0-next-after-prev', prev: B, round: 0, designated: C, missed: {} },
    { desc: 'round-1-misses-next', prev: B, round: 1, designated: D, missed: { [C]: 1 } },
    {
      desc: 'round-3-wraps',
      prev: B,
      round: 3,
      designated: B,
      missed: { [C]: 1, [D]: 1, [A]: 1 },
    },
    {
      desc: 'prev-last-wraps-to-first',
      prev: D,
      round: 2,
      designated: C,
      missed: { [A]: 1, [B]: 1 },
    },
    // Genesis coinbase 0x0 is not a validator: base is the first validator above it, no +1.
    { desc: 'genesis-coinbase', prev: addr('00'), round: 1, designated: B, missed: { [A]: 1 } },
    // A proposer that voted itself out: the next validator above it starts, no +1.
    { desc: 'removed-prev', prev: addr('25'), round: 2, designated: A, missed: { [C]: 1, [D]: 1 } },
    {
      desc: 'round-9-several-laps',
      prev: B,
      round: 9,
      designated: D,
      missed: { [C]: 3, [D]: 2, [A]: 2, [B]: 2 },
    },
    { desc: 'single-validator', prev: A, round: 2, designated: A, missed: { [A]: 2 }, set: [A] },
  ];

  it.each(cases)('attributes $desc', ({ prev, round, designated, missed, set }) => {
    const got = attributeSlots(set ?? SET, prev, round);
    expect(got.designated).toBe(designated);
    expect(Object.fromEntries(got.missed)).toEqual(missed);
  });

  it('counts a huge round from a bad header without looping over it', () => {
    const got = attributeSlots(SET, B, 0xffffffff);
    expect([...got.missed.values()].reduce((a, b) => a + b, 0)).toBe(0xffffffff);
  });

  const vectors = loadBesuFixture<{
    transcribedCases: Array<{
      test: string;
      prevBlockProposer: string;
      validatorsAfterPrevBlock_sorted: string[];
      round: number;
      changeEachBlock: boolean;
      expectedProposer: string;
    }>;
  }>('vectors/proposer-selection-cases.json').transcribedCases.filter((c) => c.changeEachBlock);

  it.each(vectors)('agrees with Besu ProposerSelectorTest $test', (c) => {
    const got = attributeSlots(c.validatorsAfterPrevBlock_sorted, c.prevBlockProposer, c.round);
    expect(got.designated).toBe(c.expectedProposer.toLowerCase());
    expect([...got.missed.values()].reduce((a, b) => a + b, 0)).toBe(c.round);
  });
});

describe('planFetch', () => {
  const cases = [
    { desc: 'first-run-short-chain', cursor: null, head: 5, want: { from: 1, to: 5, skipped: 0 } },
    {
      desc: 'first-run-bounded',
      cursor: null,
      head: 1000,
      want: { from: 937, to: 968, skipped: 0 },
    },
    { desc: 'next-block', cursor: 10, head: 11, want: { from: 11, to: 11, skipped: 0 } },
    { desc: 'nothing-new', cursor: 11, head: 11, want: null },
    { desc: 'head-went-back', cursor: 11, head: 9, want: null },
    {
      desc: 'catch-up-within-bound',
      cursor: 100,
      head: 150,
      want: { from: 101, to: 132, skipped: 0 },
    },
    {
      desc: 'too-far-behind-skips',
      cursor: 100,
      head: 300,
      want: { from: 237, to: 268, skipped: 136 },
    },
    { desc: 'genesis-only', cursor: null, head: 0, want: null },
  ];

  it.each(cases)('plans $desc', ({ cursor, head, want }) => {
    expect(planFetch(cursor, head, 64, 32)).toEqual(want);
  });
});

describe('judgeNetwork', () => {
  const cases = [
    {
      desc: 'all-live-4',
      n: 4,
      live: 4,
      age: 1,
      want: { quorum: 3, live: 4, margin: 1, isHalted: false },
    },
    {
      desc: 'one-down-4',
      n: 4,
      live: 3,
      age: 1,
      want: { quorum: 3, live: 3, margin: 0, isHalted: false },
    },
    {
      desc: 'two-down-4',
      n: 4,
      live: 2,
      age: 1,
      want: { quorum: 3, live: 2, margin: -1, isHalted: false },
    },
    // A halt proves fewer than quorum take part even if the frozen window says all were live.
    {
      desc: 'halted-caps-live',
      n: 4,
      live: 4,
      age: 11,
      want: { quorum: 3, live: 2, margin: -1, isHalted: true },
    },
    {
      desc: 'at-halt-edge',
      n: 4,
      live: 4,
      age: 10,
      want: { quorum: 3, live: 4, margin: 1, isHalted: false },
    },
    {
      desc: 'twenty-one',
      n: 21,
      live: 21,
      age: 0,
      want: { quorum: 14, live: 21, margin: 7, isHalted: false },
    },
    {
      desc: 'empty-set',
      n: 0,
      live: 0,
      age: 99,
      want: { quorum: 0, live: 0, margin: 0, isHalted: false },
    },
  ];

  it.each(cases)('judges $desc', ({ n, live, age, want }) => {
    expect(judgeNetwork(n, live, age, SETTINGS)).toMatchObject(want);
  });
});

function block(number: number, over: Partial<WindowBlock> = {}): WindowBlock {
  return {
    number,
    timestamp: 1000 + number,
    proposer: SET[number % 4] as string,
    round: 0,
    validators: SET,
    sealers: [A, B, C],
    missed: new Map(),
    ...over,
  };
}

describe('ValidatorWindow', () => {
  it('keeps only the last `size` block numbers, also across gaps', () => {
    const w = new ValidatorWindow(4);
    for (const n of [1, 2, 3, 4, 5]) w.record(block(n));
    expect(w.contents().map((b) => b.number)).toEqual([2, 3, 4, 5]);
    w.record(block(20));
    expect(w.contents().map((b) => b.number)).toEqual([20]);
  });

  it('refuses a block that does not follow the newest', () => {
    const w = new ValidatorWindow(4);
    w.record(block(5));
    expect(() => w.record(block(5))).toThrow(/does not follow/);
  });

  const cases = [
    {
      desc: 'sealer-and-proposer',
      address: A,
      want: { proposals: 1, missed: 0, eligible: 8, sealed: 8, participation: 1, isLive: true },
    },
    {
      desc: 'never-seals-but-proposes',
      address: D,
      want: { proposals: 2, missed: 0, eligible: 8, sealed: 0, participation: 0, isLive: true },
    },
    {
      desc: 'down-missing-slots',
      address: C,
      want: { proposals: 0, missed: 2, eligible: 8, sealed: 2, participation: 0.25, isLive: false },
    },
  ];

  // Blocks 1..8: D proposes 3 and 7 (never seals); C seals only 1-2 and misses two slots.
  function scenario(): ValidatorWindow {
    const w = new ValidatorWindow(8);
    for (let n = 1; n <= 8; n++) {
      const sealers = n <= 2 ? [A, B, C] : [A, B];
      const proposer = n === 3 || n === 7 ? D : n === 1 ? A : B;
      const missed = n === 5 || n === 6 ? new Map([[C, 1]]) : new Map<string, number>();
      w.record(block(n, { sealers, proposer, missed, round: missed.size }));
    }
    return w;
  }

  it.each(cases)('judges $desc', ({ address, want }) => {
    const { validators } = scenario().judge({ nowSeconds: 1010, headTimestamp: 1008 }, SETTINGS);
    expect(validators.find((v) => v.address === address)).toMatchObject(want);
  });

  // C proposes block 1 and then falls silent: no seal, no proposal; blocks 2..`head` follow.
  function silentAfterOne(head: number): ValidatorWindow {
    const w = new ValidatorWindow(64);
    w.record(block(1, { proposer: C, sealers: [A, B, C] }));
    for (let n = 2; n <= head; n++) w.record(block(n, { proposer: A, sealers: [A, B, D] }));
    return w;
  }

  it.each([
    { desc: 'unseen-8-of-limit-8', head: 9, settings: SETTINGS, want: true },
    { desc: 'unseen-9-past-limit-8', head: 10, settings: SETTINGS, want: false },
    {
      desc: 'configured-limit-20',
      head: 10,
      settings: { ...SETTINGS, notSeenAfterBlocks: 20 },
      want: true,
    },
    {
      desc: 'configured-limit-2',
      head: 4,
      settings: { ...SETTINGS, notSeenAfterBlocks: 2 },
      want: false,
    },
  ])('a validator unseen for too long is not live: $desc', ({ head, settings, want }) => {
    const { validators } = silentAfterOne(head).judge(
      { nowSeconds: 1000 + head, headTimestamp: 1000 + head },
      settings,
    );
    // Its proposal is still in the window, which alone would count it live.
    expect(validators.find((v) => v.address === C)).toMatchObject({ proposals: 1, isLive: want });
  });

  it('scales the default unseen limit with the validator count', () => {
    expect([1, 4, 5, 21].map(notSeenLimit)).toEqual([8, 8, 10, 42]);
  });

  it('counts blocks since seen and the age of the last proposal', () => {
    const { validators } = scenario().judge({ nowSeconds: 1010, headTimestamp: 1008 }, SETTINGS);
    const c = validators.find((v) => v.address === C);
    const d = validators.find((v) => v.address === D);
    expect(c).toMatchObject({ blocksSinceSeen: 6, lastProposedNumber: null });
    expect(d).toMatchObject({
      blocksSinceSeen: 1,
      lastProposedNumber: 7,
      lastProposedAgeSeconds: 3,
    });
  });

  it('judges the network from the newest set: 3 of 4 live leaves a margin of 0', () => {
    const { network } = scenario().judge({ nowSeconds: 1010, headTimestamp: 1008 }, SETTINGS);
    expect(network).toEqual({
      validators: 4,
      quorum: 3,
      faultTolerance: 1,
      live: 3,
      margin: 0,
      isHalted: false,
      windowBlocks: 8,
    });
  });

  it('keeps a departed validator labelled until its last set leaves the window', () => {
    const w = new ValidatorWindow(3);
    w.record(block(1));
    w.record(block(2, { validators: [A, B, C], sealers: [A, B] }));
    w.record(block(3, { validators: [A, B, C], sealers: [A, B] }));
    expect(w.labelled().has(D)).toBe(true);
    w.record(block(4, { validators: [A, B, C], sealers: [A, B] }));
    expect(w.labelled().has(D)).toBe(false);
  });

  it('counts a newly added validator only over the blocks it had to seal', () => {
    const w = new ValidatorWindow(4);
    w.record(block(1, { validators: [A, B, C] }));
    w.record(block(2, { validators: [A, B, C, D], proposer: A }));
    const { validators } = w.judge({ nowSeconds: 1003, headTimestamp: 1002 }, SETTINGS);
    expect(validators.find((v) => v.address === D)).toMatchObject({
      eligible: 1,
      sealed: 0,
      participation: 0,
      blocksSinceSeen: 1,
    });
  });
});

describe('countMismatches', () => {
  const blocks = [{ proposer: A }, { proposer: B }, { proposer: A }];
  const cases = [
    { desc: 'agree-with-zero-entries', api: { [A]: 2, [B]: 1, [C]: 0, [D]: 0 }, want: 0 },
    // Besu lists 0x0 when genesis is in range; with count 0 it is ignored.
    { desc: 'zero-address-entry', api: { [A]: 2, [B]: 1, [addr('00')]: 0 }, want: 0 },
    { desc: 'count-differs', api: { [A]: 1, [B]: 1 }, want: 1 },
    { desc: 'unknown-proposer', api: { [A]: 2, [B]: 1, [addr('99')]: 1 }, want: 1 },
    { desc: 'api-empty', api: {}, want: 2 },
  ];

  it.each(cases)('counts $desc', ({ api, want }) => {
    expect(countMismatches(new Map(Object.entries(api)), blocks, new Set(SET))).toBe(want);
  });
});

describe('hasSetChanged', () => {
  const cases = [
    { desc: 'same', a: [A, B], b: [A, B], want: false },
    { desc: 'added', a: [A, B], b: [A, B, C], want: true },
    { desc: 'replaced', a: [A, B], b: [A, C], want: true },
  ];
  it.each(cases)('says $desc', ({ a, b, want }) => expect(hasSetChanged(a, b)).toBe(want));
});
