import { decodeRlp, encodeRlp, keccak256 } from 'ethers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  genesisToRawBlock,
  loadBesuFixture,
  loadGenesis,
  qbftTestsHeaderToRawBlock,
  type QbftTestsHeader,
} from '../../test/helpers/besu-fixtures.js';
import { ConsensusError, type ConsensusErrorCode } from './errors.js';
import { decodeExtraData, encodeExtraData } from './extra-data.js';
import {
  bftBlockHash,
  bftHashOfFields,
  commitDigest,
  commitDigestOfFields,
  headerFieldsFromBlock,
  type RawBlock,
} from './header.js';
import { judgeSeals, recoverSigners, signCommitSeal } from './seals.js';

const block7528 = loadBesuFixture<{
  header: RawBlock & { extraData: string };
  sealedHeaderRlp: string;
  unsealedHeaderRlp: string;
  assertedBySource: { commitHash_keccakOfUnsealedHeader: string; validators: string[] };
  computedByResearch: {
    sealSignersInSealOrder: string[];
    onChainBlockHash_UNVERIFIED: string;
    negativeCheck_signersIfWrongRule: { hash: string; recovered: string[] };
  };
}>('vectors/qbft-real-header-block7528-round1.json');
const unit = loadBesuFixture<{
  ibft2HeaderHashingVector: {
    committerPrivateKeys: string[];
    expectedCommitters_addressesOfKeys1to4: string[];
    expectedOnChainHash: string;
    expectedCommittedSealHash: string;
  };
}>('vectors/besu-unit-test-vectors.json');
const ibft2Vector = unit.ibft2HeaderHashingVector;
const qbftTestsHeaders = loadBesuFixture<{
  hash_of_qbft_block_header: {
    qbft_block_header: QbftTestsHeader;
    on_chain_hash: string;
    committed_seal_hash: string;
  };
}>('vectors/consensys-qbft-tests/bft_block_headers_data.json').hash_of_qbft_block_header;
const derived = loadBesuFixture<{
  inputs: {
    headerFieldsExceptExtraData: Omit<QbftTestsHeader, 'extraData'>;
    committerPrivateKeys: string[];
  };
  sealedExtraData: string;
  sealedHeaderRlp: string;
  commitSealHash: string;
  onChainBlockHash: string;
  expectedSigners: string[];
}>('vectors/derived-qbft-hashing-vector.json');

const ibft2Block = qbftTestsHeaderToRawBlock(qbftTestsHeaders.qbft_block_header);
const derivedBlock = qbftTestsHeaderToRawBlock({
  ...derived.inputs.headerFieldsExceptExtraData,
  extraData: derived.sealedExtraData,
});

describe('real QBFT header #7528 (round 1)', () => {
  const fields = headerFieldsFromBlock(block7528.header);
  const digest = commitDigest(block7528.header, 'qbft');
  const { extra } = decodeExtraData(block7528.header.extraData);

  it('rebuilds the sealed header RLP from the JSON fields', () => {
    expect(fields).toHaveLength(15);
    expect(encodeRlp(fields)).toBe(block7528.sealedHeaderRlp);
  });

  it('computes the commit digest the source asserts (0x75ea184f...)', () => {
    expect(digest).toBe(block7528.assertedBySource.commitHash_keccakOfUnsealedHeader);
    expect(digest).toBe(keccak256(block7528.unsealedHeaderRlp));
  });

  it('recovers the 3 seal signers in seal order, all distinct validators', () => {
    const signers = recoverSigners(digest, extra.seals);
    expect(signers).toEqual(block7528.computedByResearch.sealSignersInSealOrder);

    const verdict = judgeSeals(block7528.assertedBySource.validators, signers);
    expect(verdict).toMatchObject({ distinct: 3, quorum: 3, hasQuorum: true, valid: true });
  });

  it('gets non-validators when the IBFT2 digest rule is applied', () => {
    // Our IBFT2 re-encoding (vote 80, 4-byte round, no seals).
    const wrong = commitDigestOfFields(fields, extra, 'ibft2');
    const verdict = judgeSeals(extra.validators, recoverSigners(wrong, extra.seals));
    expect(verdict).toMatchObject({ distinct: 3, hasQuorum: false, valid: false });
    expect(verdict.outsiders).toHaveLength(3);

    // The research's variant: the QBFT items kept as they are, seal element dropped.
    const negative = block7528.computedByResearch.negativeCheck_signersIfWrongRule;
    const items = decodeRlp(block7528.header.extraData) as string[];
    const rawDropped = fields.slice();
    rawDropped[12] = encodeRlp(items.slice(0, 4));
    expect(keccak256(encodeRlp(rawDropped))).toBe(negative.hash);
    expect(recoverSigners(negative.hash, extra.seals)).toEqual(negative.recovered);
    expect(judgeSeals(extra.validators, negative.recovered)).toMatchObject({ valid: false });
  });

  it('matches the (unverified, research) on-chain hash and ignores round and seals', () => {
    expect(bftBlockHash(block7528.header, 'qbft')).toBe(
      block7528.computedByResearch.onChainBlockHash_UNVERIFIED,
    );
    const otherRound = { ...extra, round: 7, seals: [] };
    expect(bftHashOfFields(fields, otherRound, 'qbft')).toBe(
      bftHashOfFields(fields, extra, 'qbft'),
    );
  });

  it('refuses to hash the QBFT header as IBFT2', () => {
    expect(() => commitDigest(block7528.header, 'ibft2')).toThrow(
      expect.objectContaining({ code: 'bad-vote' }),
    );
  });
});

describe('IBFT2 BftBlockHashingTest header (hashes from Consensys/qbft-tests)', () => {
  const digest = commitDigest(ibft2Block, 'ibft2');
  const { extra } = decodeExtraData(String(ibft2Block['extraData']), 'ibft2');

  it('computes the committed-seal hash 0xb1d26d01...', () => {
    expect(digest).toBe(ibft2Vector.expectedCommittedSealHash);
    expect(digest).toBe(qbftTestsHeaders.committed_seal_hash);
  });

  it('computes the on-chain hash 0x8d873698...', () => {
    expect(bftBlockHash(ibft2Block, 'ibft2')).toBe(ibft2Vector.expectedOnChainHash);
    expect(bftBlockHash(ibft2Block, 'ibft2')).toBe(qbftTestsHeaders.on_chain_hash);
  });

  it('recovers the addresses of private keys 1..4 in order', () => {
    expect(recoverSigners(digest, extra.seals)).toEqual(
      ibft2Vector.expectedCommitters_addressesOfKeys1to4,
    );
  });

  it('reproduces the 4 seals byte for byte by signing with keys 1..4', () => {
    const keys = ibft2Vector.committerPrivateKeys.map((k) => `0x${k.slice(2).padStart(64, '0')}`);
    expect(keys.map((k) => signCommitSeal(digest, k))).toEqual(extra.seals);
  });
});

describe('derived QBFT hashing vector (self-consistency only)', () => {
  const fields = headerFieldsFromBlock(derivedBlock);
  const { consensus, extra } = decodeExtraData(derived.sealedExtraData);
  const keys = derived.inputs.committerPrivateKeys.map((k) => `0x${k.slice(2).padStart(64, '0')}`);

  it('decodes as QBFT and rebuilds the sealed header RLP', () => {
    expect(consensus).toBe('qbft');
    expect(encodeRlp(fields)).toBe(derived.sealedHeaderRlp);
  });

  it('computes the derived commit digest and on-chain hash', () => {
    expect(commitDigest(derivedBlock, 'qbft')).toBe(derived.commitSealHash);
    expect(commitDigestOfFields(fields, extra, 'qbft')).toBe(derived.commitSealHash);
    expect(bftBlockHash(derivedBlock, 'qbft')).toBe(derived.onChainBlockHash);
    expect(bftHashOfFields(fields, extra, 'qbft')).toBe(derived.onChainBlockHash);
  });

  it('signs and recovers the expected signers', () => {
    expect(keys.map((k) => signCommitSeal(derived.commitSealHash, k))).toEqual(extra.seals);
    expect(recoverSigners(derived.commitSealHash, extra.seals)).toEqual(derived.expectedSigners);
  });
});

describe('genesis block hashing', () => {
  const cases = [
    { desc: 'quickstart-qbft', file: 'quickstart-qbft-genesis.json', c: 'qbft' },
    { desc: 'quickstart-ibft2', file: 'quickstart-ibft2-genesis.json', c: 'ibft2' },
    { desc: 'contract-mode-qbft', file: 'besu-acceptance-qbft-emptyextradata.json', c: 'qbft' },
  ] as const;

  it.each(cases)('hashes the $desc genesis with its extraData unchanged', ({ file, c }) => {
    const raw = genesisToRawBlock(loadGenesis(file));
    const fields = headerFieldsFromBlock(raw);
    const { extra } = decodeExtraData(String(raw['extraData']), c);

    expect(bftBlockHash(raw, c)).toBe(keccak256(encodeRlp(fields)));
    expect(bftHashOfFields(fields, extra, c)).toBe(keccak256(encodeRlp(fields)));
  });

  it('uses the seal-free form once the block number is not 0 (IBFT2 drops round and seals)', () => {
    const raw: RawBlock = {
      ...genesisToRawBlock(loadGenesis('quickstart-ibft2-genesis.json')),
      number: '0x1',
    };
    const fields = headerFieldsFromBlock(raw);
    const { extra } = decodeExtraData(String(raw['extraData']), 'ibft2');
    const onchain = fields.slice();
    onchain[12] = encodeExtraData(extra, 'ibft2', 'onchain');

    expect(bftBlockHash(raw, 'ibft2')).toBe(keccak256(encodeRlp(onchain)));
    expect(bftBlockHash(raw, 'ibft2')).not.toBe(keccak256(encodeRlp(fields)));
  });
});

describe('headerFieldsFromBlock', () => {
  const base = block7528.header;
  const H = `0x${'ab'.repeat(32)}`;

  const forks: Array<{ desc: string; extra: RawBlock; count: number; tail: string[] }> = [
    { desc: 'pre-london', extra: {}, count: 15, tail: [] },
    { desc: 'zero-base-fee', extra: { baseFeePerGas: '0x0' }, count: 16, tail: ['0x'] },
    {
      desc: 'shanghai',
      extra: { baseFeePerGas: '0x7', withdrawalsRoot: H },
      count: 17,
      tail: ['0x07', H],
    },
    {
      desc: 'cancun',
      extra: {
        baseFeePerGas: '0x7',
        withdrawalsRoot: H,
        blobGasUsed: '0x0',
        excessBlobGas: '0x20000',
        parentBeaconBlockRoot: H,
      },
      count: 20,
      tail: ['0x07', H, '0x', '0x020000', H],
    },
    {
      desc: 'prague',
      extra: {
        baseFeePerGas: '0x7',
        withdrawalsRoot: H,
        blobGasUsed: '0x0',
        excessBlobGas: '0x0',
        parentBeaconBlockRoot: H,
        requestsHash: H,
      },
      count: 21,
      tail: ['0x07', H, '0x', '0x', H, H],
    },
    {
      desc: 'withdrawals-root-without-base-fee-is-ignored',
      extra: { withdrawalsRoot: H },
      count: 15,
      tail: [],
    },
    {
      desc: 'half-blob-pair-stops-the-list',
      extra: {
        baseFeePerGas: '0x1',
        withdrawalsRoot: H,
        blobGasUsed: '0x1',
        parentBeaconBlockRoot: H,
      },
      count: 17,
      tail: ['0x01', H],
    },
    { desc: 'null-base-fee-is-absent', extra: { baseFeePerGas: null }, count: 15, tail: [] },
  ];

  it.each(forks)('writes the fork fields for $desc', ({ extra, count, tail }) => {
    const fields = headerFieldsFromBlock({ ...base, ...extra });
    expect(fields).toHaveLength(count);
    expect(fields.slice(15)).toEqual(tail);
  });

  const values: Array<{ desc: string; patch: RawBlock; index: number; want: string }> = [
    { desc: 'quantity-zero-hex', patch: { gasUsed: '0x0' }, index: 10, want: '0x' },
    { desc: 'quantity-leading-zero', patch: { difficulty: '0x01' }, index: 7, want: '0x01' },
    { desc: 'quantity-odd-digits', patch: { number: '0x100' }, index: 8, want: '0x0100' },
    { desc: 'quantity-number', patch: { gasLimit: 4704588 }, index: 9, want: '0x47c94c' },
    { desc: 'quantity-bigint', patch: { difficulty: 0n }, index: 7, want: '0x' },
    {
      desc: 'nonce-short-quantity',
      patch: { nonce: '0x0' },
      index: 14,
      want: '0x0000000000000000',
    },
    { desc: 'nonce-number', patch: { nonce: 1 }, index: 14, want: '0x0000000000000001' },
    {
      desc: 'hash-upper-case',
      patch: { stateRoot: H.toUpperCase().replace('0X', '0x') },
      index: 3,
      want: H,
    },
  ];

  it.each(values)('normalises $desc', ({ patch, index, want }) => {
    expect(headerFieldsFromBlock({ ...base, ...patch })[index]).toBe(want);
  });

  const required = [
    'parentHash',
    'sha3Uncles',
    'miner',
    'stateRoot',
    'transactionsRoot',
    'receiptsRoot',
    'logsBloom',
    'difficulty',
    'number',
    'gasLimit',
    'gasUsed',
    'timestamp',
    'extraData',
    'mixHash',
    'nonce',
  ];

  it.each(required.map((name) => ({ desc: `missing-${name}`, name })))(
    'rejects $desc with missing-field naming it',
    ({ name }) => {
      const raw: RawBlock = { ...base };
      delete raw[name];
      expect(() => headerFieldsFromBlock(raw)).toThrow(
        expect.objectContaining({ code: 'missing-field', message: expect.stringContaining(name) }),
      );
    },
  );

  const malformed: Array<{ desc: string; patch: RawBlock; name: string }> = [
    { desc: 'hash-31-bytes', patch: { parentHash: `0x${'00'.repeat(31)}` }, name: 'parentHash' },
    {
      desc: 'miner-not-hex',
      patch: { miner: 'ee3353e587cfa91625a1adaef308a726de3803d3' },
      name: 'miner',
    },
    { desc: 'bloom-short', patch: { logsBloom: '0x00' }, name: 'logsBloom' },
    { desc: 'quantity-no-digits', patch: { number: '0x' }, name: 'number' },
    { desc: 'quantity-decimal-string', patch: { gasLimit: '700000000' }, name: 'gasLimit' },
    { desc: 'quantity-negative', patch: { timestamp: -1 }, name: 'timestamp' },
    { desc: 'quantity-fraction', patch: { timestamp: 1.5 }, name: 'timestamp' },
    {
      desc: 'quantity-over-256-bits',
      patch: { difficulty: `0x1${'0'.repeat(64)}` },
      name: 'difficulty',
    },
    { desc: 'extra-data-odd', patch: { extraData: '0xabc' }, name: 'extraData' },
    { desc: 'nonce-9-bytes', patch: { nonce: '0x010000000000000000' }, name: 'nonce' },
    { desc: 'base-fee-object', patch: { baseFeePerGas: {} }, name: 'baseFeePerGas' },
    {
      desc: 'requests-hash-bool',
      patch: { ...fullFork(H), requestsHash: true },
      name: 'requestsHash',
    },
  ];

  it.each(malformed)('rejects $desc with bad-field naming it', ({ patch, name }) => {
    expect(() => headerFieldsFromBlock({ ...base, ...patch })).toThrow(
      expect.objectContaining({ code: 'bad-field', message: expect.stringContaining(name) }),
    );
  });

  it.each([
    { desc: 'null', raw: null },
    { desc: 'array', raw: [] },
    { desc: 'string', raw: '0x' },
  ])('rejects a non-object block ($desc) with bad-shape', ({ raw }) => {
    expect(() => headerFieldsFromBlock(raw as unknown as RawBlock)).toThrow(
      expect.objectContaining({ code: 'bad-shape' }),
    );
  });
});

function fullFork(h: string): RawBlock {
  return {
    baseFeePerGas: '0x1',
    withdrawalsRoot: h,
    blobGasUsed: '0x0',
    excessBlobGas: '0x0',
    parentBeaconBlockRoot: h,
  };
}

describe('hashing with bad inputs', () => {
  const cases: Array<{ desc: string; run: () => unknown; code: ConsensusErrorCode }> = [
    {
      desc: 'too-few-fields',
      run: () =>
        commitDigestOfFields(['0x'], decodeExtraData(derived.sealedExtraData).extra, 'qbft'),
      code: 'bad-shape',
    },
    {
      desc: 'non-hex-field',
      run: () =>
        bftHashOfFields(
          [...headerFieldsFromBlock(derivedBlock).slice(0, 14), 'nope'],
          decodeExtraData(derived.sealedExtraData).extra,
          'qbft',
        ),
      code: 'bad-field',
    },
    {
      desc: 'legacy-extra-data',
      run: () =>
        commitDigest(
          {
            ...block7528.header,
            extraData: loadGenesis('besu-ibft1-to-qbft-migration-genesis.json').extraData,
          },
          'qbft',
        ),
      code: 'ibft1-legacy',
    },
  ];

  it.each(cases)('throws ConsensusError $code for $desc', ({ run, code }) => {
    expect(run).toThrow(expect.objectContaining({ name: 'ConsensusError', code }));
  });
});

describe('headerFieldsFromBlock fuzzing', () => {
  const names = [
    ...Object.keys(block7528.header),
    'baseFeePerGas',
    'withdrawalsRoot',
    'blobGasUsed',
    'excessBlobGas',
    'parentBeaconBlockRoot',
    'requestsHash',
  ];
  const value = fc.oneof(
    fc.anything(),
    fc.bigInt(),
    fc.uint8Array({ maxLength: 40 }).map((b) => `0x${Buffer.from(b).toString('hex')}`),
    fc
      .string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), maxLength: 70 })
      .map((h) => `0x${h}`),
    fc.constantFrom(null, undefined, '0x', '0x0', -1, Number.NaN),
  );
  const patch = fc.dictionary(fc.constantFrom(...names), value, { maxKeys: 6 });
  const raw = fc.oneof(
    patch.map((p) => ({ ...block7528.header, ...p })),
    patch,
    fc.anything(),
  );

  it('throws nothing but ConsensusError, and hashes whatever it accepts (seeded)', () => {
    fc.assert(
      fc.property(raw, (block) => {
        try {
          const fields = headerFieldsFromBlock(block as RawBlock);
          expect(keccak256(encodeRlp(fields))).toMatch(/^0x[0-9a-f]{64}$/);
          bftBlockHash(block as RawBlock, 'qbft');
        } catch (err) {
          if (!(err instanceof ConsensusError)) throw err;
        }
      }),
      { seed: 20261205, numRuns: 2000 },
    );
  });
});
