import { encodeRlp } from 'ethers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBesuFixture, loadGenesis } from '../../test/helpers/besu-fixtures.js';
import { ConsensusError, type ConsensusErrorCode } from './errors.js';
import {
  decodeExtraData,
  encodeExtraData,
  type BftExtraData,
  type Consensus,
} from './extra-data.js';

interface UnitVector {
  id: string;
  codec: 'QBFT' | 'IBFT2';
  hex: string;
  expected: {
    vanity?: string;
    validators: string[];
    vote?: { recipient: string; type: 'ADD' | 'DROP' };
    round?: number;
    seals?: Array<{ hex65: string }>;
  };
}
interface RealVector {
  id: string;
  extraData: string;
  assertedBySource: { round?: number; validatorCount?: number; committedSealCount?: number };
  decodedByResearch: { vanity: string; validators: string[]; round: number; seals: string[] };
}
interface QbftTestsExtra {
  qbft_extra_data: {
    vanityData: string;
    seals: string[];
    vote: { recipient: string; voteType: string } | null;
    round: number;
    validators: string[];
  };
  rlp: string;
}

const unit = loadBesuFixture<{ vectors: UnitVector[] }>('vectors/besu-unit-test-vectors.json');
const real = loadBesuFixture<{ vectors: RealVector[] }>('vectors/qbft-real-extradata.json');
const qbftTests = loadBesuFixture<Record<string, QbftTestsExtra>>(
  'vectors/consensys-qbft-tests/bft_extra_data.json',
);
const block7528 = loadBesuFixture<{
  header: { extraData: string };
  unsealedHeaderRlp: string;
  extraData: { validators: string[]; round: number; seals: string[] };
}>('vectors/qbft-real-header-block7528-round1.json');
const derived = loadBesuFixture<{
  commitSealExtraData: string;
  sealedExtraData: string;
}>('vectors/derived-qbft-hashing-vector.json');

const ZERO32 = `0x${'00'.repeat(32)}`;
const A1 = `0x${'00'.repeat(19)}01`;
const A2 = `0x${'00'.repeat(19)}02`;
const SEAL = `0x${'00'.repeat(31)}01${'00'.repeat(31)}0a00`;
const N = 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141';

type Rlp = string | Rlp[];
const rlp = (...items: Rlp[]): string => encodeRlp(items);

describe('decodeExtraData on Besu unit-test vectors', () => {
  const cases = unit.vectors.map((v) => ({ desc: v.id, v }));

  it.each(cases)('decodes $desc with the values Besu asserts', ({ v }) => {
    const { consensus, extra } = decodeExtraData(v.hex);

    expect(consensus).toBe(v.codec === 'QBFT' ? 'qbft' : 'ibft2');
    expect(extra.validators).toEqual(v.expected.validators);
    if (v.expected.vanity !== undefined) expect(extra.vanity).toBe(v.expected.vanity);
    if (v.expected.round !== undefined) expect(extra.round).toBe(v.expected.round);
    if (v.expected.seals !== undefined) {
      expect(extra.seals).toEqual(v.expected.seals.map((s) => s.hex65));
    }
    if (v.expected.vote !== undefined) {
      expect(extra.vote).toEqual({ recipient: v.expected.vote.recipient, add: true });
    }
  });

  it.each(cases)('decodes $desc identically when the codec is given', ({ v }) => {
    const codec: Consensus = v.codec === 'QBFT' ? 'qbft' : 'ibft2';
    expect(decodeExtraData(v.hex, codec)).toEqual(decodeExtraData(v.hex, 'auto'));
  });

  it.each(cases)('re-encodes $desc byte for byte', ({ v }) => {
    const { consensus, extra } = decodeExtraData(v.hex);
    expect(encodeExtraData(extra, consensus, 'full')).toBe(v.hex);
  });

  it.each(cases)('rejects $desc under the other codec', ({ v }) => {
    const other: Consensus = v.codec === 'QBFT' ? 'ibft2' : 'qbft';
    expect(() => decodeExtraData(v.hex, other)).toThrow(ConsensusError);
  });
});

describe('decodeExtraData on real QBFT extraData', () => {
  const cases = [
    ...real.vectors.map((v) => ({ desc: v.id, hex: v.extraData, v })),
    { desc: 'block-7528-header', hex: block7528.header.extraData, v: real.vectors[1] },
  ];

  it.each(cases)('decodes $desc as QBFT with the researched values', ({ hex, v }) => {
    const { consensus, extra } = decodeExtraData(hex);
    const research = v?.decodedByResearch;

    expect(consensus).toBe('qbft');
    expect(extra).toEqual({
      vanity: research?.vanity,
      validators: research?.validators,
      vote: null,
      round: research?.round,
      seals: research?.seals,
    });
  });

  it.each(cases)('matches the counts the source asserts for $desc', ({ hex, v }) => {
    const { extra } = decodeExtraData(hex);
    const asserted = v?.assertedBySource ?? {};

    if (asserted.round !== undefined) expect(extra.round).toBe(asserted.round);
    if (asserted.validatorCount !== undefined) {
      expect(extra.validators).toHaveLength(asserted.validatorCount);
    }
    if (asserted.committedSealCount !== undefined) {
      expect(extra.seals).toHaveLength(asserted.committedSealCount);
    }
  });

  it.each(cases)('re-encodes $desc byte for byte', ({ hex }) => {
    expect(encodeExtraData(decodeExtraData(hex).extra, 'qbft', 'full')).toBe(hex);
  });
});

describe('decodeExtraData on Consensys/qbft-tests vectors (IBFT2 encoding)', () => {
  const expectedQbftRejection: Record<string, ConsensusErrorCode> = {
    fully_populated_qbft_extra_data_with_add_vote: 'bad-round',
    fully_populated_qbft_extra_data_with_drop_vote: 'bad-round',
    qbft_extra_data_with_null_vote_and_empty_lists: 'bad-vote',
    qbft_extra_data_with_drop_vote_and_empty_lists: 'bad-round',
  };
  const cases = Object.entries(qbftTests).map(([desc, v]) => ({
    desc,
    v,
    qbftCode: expectedQbftRejection[desc],
  }));

  it.each(cases)('decodes $desc as IBFT2 with the listed values', ({ v }) => {
    const want = v.qbft_extra_data;
    const { consensus, extra } = decodeExtraData(v.rlp);

    expect(consensus).toBe('ibft2');
    expect(extra).toEqual({
      vanity: want.vanityData,
      validators: want.validators,
      vote: want.vote && { recipient: want.vote.recipient, add: want.vote.voteType === '0xff' },
      round: want.round,
      seals: want.seals,
    });
  });

  it.each(cases)('re-encodes $desc byte for byte as IBFT2', ({ v }) => {
    expect(encodeExtraData(decodeExtraData(v.rlp).extra, 'ibft2', 'full')).toBe(v.rlp);
  });

  it.each(cases)('rejects $desc as QBFT with $qbftCode', ({ v, qbftCode }) => {
    expect(qbftCode).toBeDefined();
    expect(() => decodeExtraData(v.rlp, 'qbft')).toThrow(
      expect.objectContaining({ code: qbftCode }),
    );
  });
});

describe('decodeExtraData on genesis files', () => {
  const quickstart = loadBesuFixture<{ validators: Array<{ address: string }> }>(
    'genesis/quickstart-validators.json',
  );
  const quickstartAddrs = quickstart.validators.map((v) => v.address);
  const cases: Array<{ desc: string; file: string; consensus: Consensus; validators: string[] }> = [
    {
      desc: 'quickstart-qbft',
      file: 'quickstart-qbft-genesis.json',
      consensus: 'qbft',
      validators: quickstartAddrs,
    },
    {
      desc: 'quickstart-ibft2',
      file: 'quickstart-ibft2-genesis.json',
      consensus: 'ibft2',
      validators: quickstartAddrs,
    },
    {
      desc: 'contract-mode-empty-list',
      file: 'besu-acceptance-qbft-emptyextradata.json',
      consensus: 'qbft',
      validators: [],
    },
    {
      desc: 'datachainlab-e2e',
      file: 'datachainlab-qbft-e2e-genesis.json',
      consensus: 'qbft',
      validators: [
        '0xc09719b9508d76d9de1b82788bbc81f52f9f2bc0',
        '0xc1a765dad01fe8869c53c6a520bcc42dff42abb1',
        '0x4d7d7f66c08e076579638989ff0a2fefec46808e',
        '0xf8110fa015efd6216c072b10ebe5190a0069e1b8',
      ],
    },
  ];

  it.each(cases)('decodes the $desc genesis in its listed (unsorted) order', (c) => {
    const hex = loadGenesis(c.file).extraData;
    const { consensus, extra } = decodeExtraData(hex);

    expect(consensus).toBe(c.consensus);
    expect(extra).toEqual({
      vanity: ZERO32,
      validators: c.validators,
      vote: null,
      round: 0,
      seals: [],
    });
    expect(encodeExtraData(extra, consensus, 'full')).toBe(hex);
  });

  it.each(['auto', 'qbft', 'ibft2'] as const)(
    'rejects the IBFT 1.0 migration genesis as ibft1-legacy (%s)',
    (codec) => {
      const hex = loadGenesis('besu-ibft1-to-qbft-migration-genesis.json').extraData;
      expect(() => decodeExtraData(hex, codec)).toThrow(
        expect.objectContaining({ code: 'ibft1-legacy' }),
      );
    },
  );
});

describe('decodeExtraData acceptance rules', () => {
  const accepted: Array<{
    desc: string;
    hex: string;
    codec: Consensus;
    want: Partial<BftExtraData>;
  }> = [
    {
      desc: 'qbft-two-byte-round',
      hex: rlp(ZERO32, [], [], '0xdcba', []),
      codec: 'qbft',
      want: { round: 0xdcba },
    },
    {
      desc: 'qbft-drop-vote-as-empty-string',
      hex: rlp(ZERO32, [], [A1, '0x'], '0x', []),
      codec: 'qbft',
      want: { vote: { recipient: A1, add: false } },
    },
    {
      desc: 'qbft-drop-vote-as-zero-byte',
      hex: rlp(ZERO32, [], [A1, '0x00'], '0x', []),
      codec: 'qbft',
      want: { vote: { recipient: A1, add: false } },
    },
    {
      desc: 'qbft-drop-vote-as-empty-list',
      hex: rlp(ZERO32, [], [A1, []], '0x', []),
      codec: 'qbft',
      want: { vote: { recipient: A1, add: false } },
    },
    {
      desc: 'qbft-trailing-items-ignored',
      hex: rlp(ZERO32, [A1], [], '0x05', [SEAL], '0x1234', [[]]),
      codec: 'qbft',
      want: { validators: [A1], round: 5, seals: [SEAL] },
    },
    {
      desc: 'qbft-short-vanity',
      hex: rlp('0x', [], [], '0x', []),
      codec: 'qbft',
      want: { vanity: '0x' },
    },
    {
      desc: 'qbft-four-byte-round-no-leading-zero',
      hex: rlp(ZERO32, [], [], '0x7fffffff', []),
      codec: 'qbft',
      want: { round: 0x7fffffff },
    },
    {
      desc: 'ibft2-drop-vote',
      hex: rlp(ZERO32, [A1, A2], [A2, '0x00'], '0x00000001', []),
      codec: 'ibft2',
      want: { vote: { recipient: A2, add: false }, round: 1 },
    },
    {
      desc: 'ibft2-add-vote-large-round',
      hex: rlp(ZERO32, [], [A2, '0xff'], '0x01000000', []),
      codec: 'ibft2',
      want: { vote: { recipient: A2, add: true }, round: 0x1000000 },
    },
  ];

  it.each(accepted)('accepts $desc', ({ hex, codec, want }) => {
    const decoded = decodeExtraData(hex);
    expect(decoded.consensus).toBe(codec);
    expect(decoded.extra).toMatchObject(want);
    expect(decodeExtraData(hex, codec)).toEqual(decoded);
  });

  const rejected: Array<{
    desc: string;
    hex: unknown;
    codec: Consensus | 'auto';
    code: ConsensusErrorCode;
  }> = [
    { desc: 'not-a-string', hex: 42, codec: 'auto', code: 'not-hex' },
    { desc: 'no-0x-prefix', hex: 'c0', codec: 'auto', code: 'not-hex' },
    { desc: 'odd-length', hex: '0xc', codec: 'auto', code: 'not-hex' },
    { desc: 'non-hex-chars', hex: '0xzz', codec: 'auto', code: 'not-hex' },
    { desc: 'empty-bytes', hex: '0x', codec: 'auto', code: 'not-rlp' },
    { desc: 'truncated-list', hex: '0xc3', codec: 'auto', code: 'not-rlp' },
    { desc: 'junk-after-list', hex: '0xc000', codec: 'auto', code: 'not-rlp' },
    { desc: 'non-canonical-single-byte', hex: '0xc28105', codec: 'auto', code: 'not-rlp' },
    {
      desc: 'long-form-for-short-list',
      hex: `0xf805${rlp(ZERO32).slice(2, 12)}`,
      codec: 'auto',
      code: 'not-rlp',
    },
    {
      desc: 'clique-style-bytes',
      hex: `0x${'00'.repeat(32 + 20 + 65)}`,
      codec: 'auto',
      code: 'not-rlp',
    },
    { desc: 'rlp-string-not-list', hex: '0x80', codec: 'auto', code: 'bad-shape' },
    { desc: 'empty-list', hex: '0xc0', codec: 'auto', code: 'bad-shape' },
    { desc: 'four-items', hex: rlp(ZERO32, [], [], '0x'), codec: 'qbft', code: 'bad-shape' },
    {
      desc: 'ibft2-trailing-item',
      hex: rlp(ZERO32, [], '0x', '0x00000000', [], '0x01'),
      codec: 'ibft2',
      code: 'bad-shape',
    },
    { desc: 'vanity-is-list', hex: rlp([], [], [], '0x', []), codec: 'qbft', code: 'bad-vanity' },
    {
      desc: 'validator-19-bytes',
      hex: rlp(ZERO32, [`0x${'11'.repeat(19)}`], [], '0x', []),
      codec: 'qbft',
      code: 'bad-validator',
    },
    {
      desc: 'validators-not-list',
      hex: rlp(ZERO32, A1, [], '0x', []),
      codec: 'qbft',
      code: 'bad-validator',
    },
    {
      desc: 'qbft-vote-as-empty-string',
      hex: rlp(ZERO32, [], '0x', '0x', []),
      codec: 'qbft',
      code: 'bad-vote',
    },
    {
      desc: 'ibft2-vote-as-empty-list',
      hex: rlp(ZERO32, [], [], '0x00000000', []),
      codec: 'ibft2',
      code: 'bad-vote',
    },
    {
      desc: 'vote-type-0x01',
      hex: rlp(ZERO32, [], [A1, '0x01'], '0x', []),
      codec: 'qbft',
      code: 'bad-vote',
    },
    {
      desc: 'vote-three-items',
      hex: rlp(ZERO32, [], [A1, '0xff', '0x'], '0x', []),
      codec: 'qbft',
      code: 'bad-vote',
    },
    {
      desc: 'vote-recipient-short',
      hex: rlp(ZERO32, [], ['0x01', '0xff'], '0x', []),
      codec: 'qbft',
      code: 'bad-vote',
    },
    {
      desc: 'ibft2-vote-empty-type',
      hex: rlp(ZERO32, [], [A1, '0x'], '0x00000000', []),
      codec: 'ibft2',
      code: 'bad-vote',
    },
    {
      desc: 'qbft-round-zero-byte',
      hex: rlp(ZERO32, [], [], '0x00', []),
      codec: 'qbft',
      code: 'bad-round',
    },
    {
      desc: 'qbft-round-leading-zero',
      hex: rlp(ZERO32, [], [], '0x00dcba', []),
      codec: 'qbft',
      code: 'bad-round',
    },
    {
      desc: 'qbft-round-five-bytes',
      hex: rlp(ZERO32, [], [], '0x0100000000', []),
      codec: 'qbft',
      code: 'bad-round',
    },
    {
      desc: 'qbft-round-is-list',
      hex: rlp(ZERO32, [], [], [], []),
      codec: 'qbft',
      code: 'bad-round',
    },
    {
      desc: 'ibft2-round-two-bytes',
      hex: rlp(ZERO32, [], '0x', '0x0102', []),
      codec: 'ibft2',
      code: 'bad-round',
    },
    {
      desc: 'seals-not-list',
      hex: rlp(ZERO32, [], [], '0x', '0x'),
      codec: 'qbft',
      code: 'bad-seal',
    },
    {
      desc: 'seal-64-bytes',
      hex: rlp(ZERO32, [], [], '0x', [SEAL.slice(0, -2)]),
      codec: 'qbft',
      code: 'bad-seal',
    },
    {
      desc: 'seal-r-zero',
      hex: rlp(ZERO32, [], [], '0x', [`0x${'00'.repeat(32)}${'00'.repeat(31)}0a00`]),
      codec: 'qbft',
      code: 'bad-seal',
    },
    {
      desc: 'seal-s-equals-n',
      hex: rlp(ZERO32, [], [], '0x', [`0x${'00'.repeat(31)}01${N}00`]),
      codec: 'qbft',
      code: 'bad-seal',
    },
    {
      desc: 'seal-recid-27',
      hex: rlp(ZERO32, [], [], '0x', [`${SEAL.slice(0, -2)}1b`]),
      codec: 'qbft',
      code: 'bad-seal',
    },
  ];

  it.each(rejected)('rejects $desc with $code', ({ hex, codec, code }) => {
    expect(() => decodeExtraData(hex as string, codec)).toThrow(
      expect.objectContaining({ name: 'ConsensusError', code }),
    );
  });
});

describe('encodeExtraData forms', () => {
  const qbft7528 = decodeExtraData(block7528.header.extraData, 'qbft').extra;
  const qbftDerived = decodeExtraData(derived.sealedExtraData, 'qbft').extra;
  const ibft2Unit = decodeExtraData(unit.vectors[1]?.hex ?? '', 'ibft2').extra;
  const unsealedExtra7528 = block7528.unsealedHeaderRlp.slice(
    block7528.unsealedHeaderRlp.indexOf('f87aa0'),
    block7528.unsealedHeaderRlp.indexOf('a063746963616c'),
  );

  const dropVote: BftExtraData = {
    vanity: ZERO32,
    validators: [],
    vote: { recipient: A1, add: false },
    round: 0,
    seals: [],
  };
  const cases: Array<{
    desc: string;
    extra: BftExtraData;
    c: Consensus;
    form: 'full' | 'commit' | 'onchain';
    want: string;
  }> = [
    {
      desc: 'qbft-7528-commit',
      extra: qbft7528,
      c: 'qbft',
      form: 'commit',
      want: `0x${unsealedExtra7528}`,
    },
    {
      desc: 'qbft-derived-commit',
      extra: qbftDerived,
      c: 'qbft',
      form: 'commit',
      want: derived.commitSealExtraData,
    },
    {
      desc: 'qbft-7528-onchain',
      extra: qbft7528,
      c: 'qbft',
      form: 'onchain',
      want: rlp(ZERO32, qbft7528.validators, [], '0x', []),
    },
    {
      desc: 'ibft2-commit-drops-seals',
      extra: ibft2Unit,
      c: 'ibft2',
      form: 'commit',
      want: rlp(ibft2Unit.vanity, ibft2Unit.validators, [A1, '0xff'], '0x00fedcba'),
    },
    {
      desc: 'ibft2-onchain-keeps-vote',
      extra: ibft2Unit,
      c: 'ibft2',
      form: 'onchain',
      want: rlp(ibft2Unit.vanity, ibft2Unit.validators, [A1, '0xff']),
    },
    {
      desc: 'qbft-drop-vote-as-empty-string',
      extra: dropVote,
      c: 'qbft',
      form: 'full',
      want: rlp(ZERO32, [], [A1, '0x'], '0x', []),
    },
    {
      desc: 'ibft2-drop-vote-as-zero-byte',
      extra: dropVote,
      c: 'ibft2',
      form: 'full',
      want: rlp(ZERO32, [], [A1, '0x00'], '0x00000000', []),
    },
  ];

  it.each(cases)('encodes $desc', ({ extra, c, form, want }) => {
    expect(encodeExtraData(extra, c, form)).toBe(want);
  });

  const base: BftExtraData = { vanity: ZERO32, validators: [A1], vote: null, round: 0, seals: [] };
  const invalid: Array<{ desc: string; extra: BftExtraData; code: ConsensusErrorCode }> = [
    { desc: 'vanity-not-hex', extra: { ...base, vanity: 'zz' }, code: 'bad-vanity' },
    { desc: 'validator-short', extra: { ...base, validators: ['0x01'] }, code: 'bad-validator' },
    {
      desc: 'vote-recipient-short',
      extra: { ...base, vote: { recipient: '0x', add: true } },
      code: 'bad-vote',
    },
    { desc: 'round-negative', extra: { ...base, round: -1 }, code: 'bad-round' },
    { desc: 'round-over-uint32', extra: { ...base, round: 2 ** 32 }, code: 'bad-round' },
    { desc: 'seal-not-hex', extra: { ...base, seals: ['0xg0'] }, code: 'bad-seal' },
  ];

  it.each(invalid)('refuses to encode $desc with $code', ({ extra, code }) => {
    expect(() => encodeExtraData(extra, 'qbft', 'full')).toThrow(expect.objectContaining({ code }));
  });
});

describe('decodeExtraData fuzzing', () => {
  const valid = [
    ...unit.vectors.map((v) => v.hex),
    ...real.vectors.map((v) => v.extraData),
    ...Object.values(qbftTests).map((v) => v.rlp),
    loadGenesis('besu-ibft1-to-qbft-migration-genesis.json').extraData,
  ];

  function expectOnlyConsensusErrors(input: string, codec: Consensus | 'auto'): void {
    try {
      const { consensus, extra } = decodeExtraData(input, codec);
      // Whatever decodes must survive a re-encode and decode unchanged.
      const again = decodeExtraData(encodeExtraData(extra, consensus, 'full'), consensus);
      expect(again.extra).toEqual(extra);
    } catch (err) {
      if (!(err instanceof ConsensusError)) throw err;
    }
  }

  const codec = fc.constantFrom<Consensus | 'auto'>('auto', 'qbft', 'ibft2');
  const mutated = fc
    .tuple(fc.constantFrom(...valid), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }))
    .map(([hex, flips]) => {
      const bytes = Buffer.from(hex.slice(2), 'hex');
      for (const [at, value] of flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
      return `0x${bytes.toString('hex')}`;
    });
  const rlpTree: fc.Arbitrary<Rlp> = fc.letrec<{ node: Rlp }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.uint8Array({ maxLength: 70 }).map((b) => `0x${Buffer.from(b).toString('hex')}`),
      fc.array(tie('node'), { maxLength: 6 }),
    ),
  })).node;
  // Near-valid structures reach the per-field rules that random bytes rarely get to.
  const hexOf = (min: number, max: number): fc.Arbitrary<string> =>
    fc
      .uint8Array({ minLength: min, maxLength: max })
      .map((b) => `0x${Buffer.from(b).toString('hex')}`);
  const seal = fc
    .tuple(hexOf(64, 64), fc.constantFrom('00', '01', '02'))
    .map(([rs, v]) => `${rs}${v}`);
  const nearValid = fc
    .tuple(
      hexOf(0, 33),
      fc.array(hexOf(19, 21), { maxLength: 5 }),
      fc.constantFrom<Rlp>('0x', [], [A1, '0xff'], [A1, '0x'], [A1, '0x00'], [A1, '0x01'], [A1]),
      fc.oneof(hexOf(0, 5), fc.constant<Rlp>([])),
      fc.array(fc.oneof(seal, hexOf(64, 66)), { maxLength: 4 }),
      fc.array(hexOf(0, 3), { maxLength: 2 }),
    )
    .map(([vanity, vals, vote, round, seals, tail]) =>
      encodeRlp([vanity, vals, vote, round, seals, ...tail]),
    );
  const inputs = fc.oneof(
    nearValid,
    fc.string(),
    fc.uint8Array({ maxLength: 200 }).map((b) => `0x${Buffer.from(b).toString('hex')}`),
    mutated,
    rlpTree.map((tree) => encodeRlp(tree)),
  );

  it('throws nothing but ConsensusError for arbitrary input (seeded)', () => {
    fc.assert(
      fc.property(inputs, codec, (input, c) => expectOnlyConsensusErrors(input, c)),
      { seed: 20261204, numRuns: 2000 },
    );
  });
});
