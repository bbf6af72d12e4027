import { describe, expect, it } from 'vitest';
import { loadBesuFixture } from '../../test/helpers/besu-fixtures.js';
import { faultTolerance, quorumSize, selectProposer, sortValidators } from './proposer.js';

interface ProposerCases {
  transcribedCases: Array<{
    test: string;
    prevBlockProposer: string;
    validatorsAfterPrevBlock_sorted: string[];
    round: number;
    changeEachBlock: boolean;
    expectedProposer: string;
  }>;
  derivedExample_NOT_FROM_SOURCE_ASSERTIONS: {
    genesisValidatorsAsListed: string[];
    sortedValidators: string[];
    block1: Array<{ round: number; prevBlockProposer: string; proposer: string }>;
    block2_ifBlock1WasProposedAtRound0: Array<{
      round: number;
      prevBlockProposer_assumed: string;
      proposer: string;
    }>;
  };
}

const fixture = loadBesuFixture<ProposerCases>('vectors/proposer-selection-cases.json');
const quickstart = fixture.derivedExample_NOT_FROM_SOURCE_ASSERTIONS;

describe('selectProposer', () => {
  const transcribed = fixture.transcribedCases.map((c) => ({ desc: c.test, ...c }));

  it.each(transcribed)('matches Besu ProposerSelectorTest $desc', (c) => {
    // The fixture lists the set sorted; reversing it checks that the selector sorts.
    const validators = [...c.validatorsAfterPrevBlock_sorted].reverse();
    expect(selectProposer(validators, c.prevBlockProposer, c.round, c.changeEachBlock)).toBe(
      c.expectedProposer,
    );
  });

  const derived = [
    ...quickstart.block1.map((c) => ({
      desc: `block1-round${c.round}`,
      prev: c.prevBlockProposer,
      ...c,
    })),
    ...quickstart.block2_ifBlock1WasProposedAtRound0.map((c) => ({
      desc: `block2-round${c.round}`,
      prev: c.prevBlockProposer_assumed,
      ...c,
    })),
  ];

  it.each(derived)('selects the quickstart genesis proposer for $desc (derived)', (c) => {
    expect(selectProposer(quickstart.genesisValidatorsAsListed, c.prev, c.round)).toBe(c.proposer);
  });

  const v = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;
  const set = [v(2), v(4), v(6)];
  const rules = [
    { desc: 'next-after-prev', prev: v(4), round: 0, want: v(6) },
    { desc: 'wraps-after-last', prev: v(6), round: 0, want: v(2) },
    { desc: 'round-adds-to-index', prev: v(2), round: 2, want: v(2) },
    { desc: 'large-round-wraps', prev: v(2), round: 3001, want: v(6) },
    { desc: 'removed-prev-no-plus-one', prev: v(3), round: 0, want: v(4) },
    { desc: 'removed-prev-round-one', prev: v(3), round: 1, want: v(6) },
    { desc: 'removed-prev-above-all', prev: v(9), round: 0, want: v(2) },
    { desc: 'zero-coinbase', prev: v(0), round: 0, want: v(2) },
    { desc: 'mixed-case-prev', prev: '0x' + v(4).slice(2).toUpperCase(), round: 0, want: v(6) },
  ];

  it.each(rules)('applies the rule $desc', ({ prev, round, want }) => {
    expect(selectProposer(set, prev, round)).toBe(want);
  });

  it.each([
    { desc: 'empty-set', validators: [], round: 0, code: 'bad-validator' },
    { desc: 'negative-round', validators: set, round: -1, code: 'bad-round' },
    { desc: 'fractional-round', validators: set, round: 0.5, code: 'bad-round' },
  ])('rejects $desc with $code', ({ validators, round, code }) => {
    expect(() => selectProposer(validators, v(0), round)).toThrow(
      expect.objectContaining({ code }),
    );
  });
});

describe('sortValidators', () => {
  it('sorts the quickstart genesis list in unsigned byte order', () => {
    expect(sortValidators(quickstart.genesisValidatorsAsListed)).toEqual(
      quickstart.sortedValidators,
    );
  });

  it('lowercases and removes duplicates as a set would', () => {
    const upper = '0xAB' + '00'.repeat(19);
    expect(sortValidators([upper, '0x' + '01'.repeat(20), upper.toLowerCase()])).toEqual([
      '0x' + '01'.repeat(20),
      upper.toLowerCase(),
    ]);
  });
});

describe('quorumSize and faultTolerance', () => {
  const table = [
    { desc: 'n0', n: 0, quorum: 0, f: 0 },
    { desc: 'n1', n: 1, quorum: 1, f: 0 },
    { desc: 'n2', n: 2, quorum: 2, f: 0 },
    { desc: 'n3', n: 3, quorum: 2, f: 0 },
    { desc: 'n4', n: 4, quorum: 3, f: 1 },
    { desc: 'n5', n: 5, quorum: 4, f: 1 },
    { desc: 'n6', n: 6, quorum: 4, f: 1 },
    { desc: 'n7', n: 7, quorum: 5, f: 2 },
    { desc: 'n10', n: 10, quorum: 7, f: 3 },
    { desc: 'n13', n: 13, quorum: 9, f: 4 },
    { desc: 'n21', n: 21, quorum: 14, f: 6 },
    { desc: 'n50', n: 50, quorum: 34, f: 16 },
  ];

  it.each(table)('gives quorum $quorum and f $f for $desc', ({ n, quorum, f }) => {
    expect(quorumSize(n)).toBe(quorum);
    expect(faultTolerance(n)).toBe(f);
  });

  it('matches the quorum examples in the Besu constants', () => {
    const examples = loadBesuFixture<{ constants: { quorumExamples: Record<string, number> } }>(
      'vectors/besu-unit-test-vectors.json',
    ).constants.quorumExamples;
    for (const [n, q] of Object.entries(examples)) expect(quorumSize(Number(n))).toBe(q);
    expect(Object.keys(examples)).toHaveLength(9);
  });

  it.each([
    { desc: 'negative', n: -1 },
    { desc: 'fraction', n: 2.5 },
    { desc: 'nan', n: Number.NaN },
  ])('rejects a $desc count', ({ n }) => {
    expect(() => quorumSize(n)).toThrow(expect.objectContaining({ code: 'bad-validator' }));
    expect(() => faultTolerance(n)).toThrow(expect.objectContaining({ code: 'bad-validator' }));
  });
});
