import { describe, expect, it } from 'vitest';
import { bftBlockHash, type RawBlock } from '../../src/consensus/header.js';
import {
  classifyBlockError,
  decodeBlock,
  decodePendingVotes,
  decodeSignerMetrics,
  decodeValidatorList,
  isContractMode,
  sealBlock,
} from '../../src/probes/validators/decode.js';
import {
  genesisToRawBlock,
  loadBesuFixture,
  loadGenesis,
  qbftTestsHeaderToRawBlock,
  type QbftTestsHeader,
} from '../helpers/besu-fixtures.js';

const fixture7528 = loadBesuFixture<{ header: RawBlock }>(
  'vectors/qbft-real-header-block7528-round1.json',
);
// The source gives no on-chain hash for #7528; the codec's QBFT hash stands in (UNVERIFIED,
// so hashMatches is only a self-consistency check for this block).
const block7528: RawBlock = {
  ...fixture7528.header,
  hash: bftBlockHash(fixture7528.header, 'qbft'),
};

const ibft2Vector = loadBesuFixture<{
  hash_of_qbft_block_header: { qbft_block_header: QbftTestsHeader; on_chain_hash: string };
}>('vectors/consensys-qbft-tests/bft_block_headers_data.json').hash_of_qbft_block_header;
// Verified on-chain hash (Consensys/qbft-tests ef13cdb), so hashMatches is a real check here.
const ibft2Block: RawBlock = {
  ...qbftTestsHeaderToRawBlock(ibft2Vector.qbft_block_header),
  hash: ibft2Vector.on_chain_hash,
};
// Addresses of private keys 1..4, which signed the IBFT2 vector (BftBlockHashingTest).
const KEY_ADDRS = [
  '0x7e5f4552091a69125d5dfcb7b8c2659029395bdf',
  '0x2b5ad5c4795c026514f8317c7a215e218dccd6cf',
  '0x6813eb9362372eef6200f3b1dbc3f819671cba69',
  '0x1eff47bc3a10a45d4b230b5d10e37751fe6aa718',
];

describe('decodeBlock on real Besu data', () => {
  it('reads real QBFT header #7528: round 1, 3 seals, the 3 documented signers', () => {
    const block = decodeBlock(block7528, 'auto');
    expect(block).toMatchObject({
      number: 7528,
      consensus: 'qbft',
      round: 1,
      sealCount: 3,
      proposer: '0xee3353e587cfa91625a1adaef308a726de3803d3',
      timestamp: 1715495307,
      vote: null,
      hashMatches: true,
    });
    expect(block.signers).toEqual([
      '0x647bfdd19655e51e69d35454ff3a92f8828e6302',
      '0xee3353e587cfa91625a1adaef308a726de3803d3',
      '0xa5c8416b9d13417b45b45ada76408f39d1e504ef',
    ]);
  });

  it("judges #7528's seals valid against its own extraData set (quorum 3 of 4)", () => {
    const sealed = sealBlock(decodeBlock(block7528, 'qbft'));
    expect(sealed.validators).toHaveLength(4);
    expect(sealed.verdict).toMatchObject({ valid: true, quorum: 3, distinct: 3, outsiders: [] });
  });

  it('reads the IBFT 2.0 hashing vector: verified hash, ADD vote, signers = keys 1..4', () => {
    const block = decodeBlock(ibft2Block, 'auto');
    expect(block).toMatchObject({ consensus: 'ibft2', hashMatches: true, sealCount: 4 });
    expect(block.vote).toEqual({ recipient: `0x${'00'.repeat(19)}03`, add: true });
    expect(block.signers).toEqual(KEY_ADDRS);
    // Its own list (0x..01, 0x..02) did not sign it: in header mode every signer is an outsider.
    expect(sealBlock(block).verdict).toMatchObject({ valid: false });
    expect(sealBlock(block).verdict.outsiders).toHaveLength(4);
  });

  it('flags a block whose served hash is not the BFT hash of its header', () => {
    const block = decodeBlock({ ...ibft2Block, hash: `0x${'11'.repeat(32)}` }, 'ibft2');
    expect(block.hashMatches).toBe(false);
  });

  it('reads the quickstart QBFT genesis: 4 unsorted validators, sorted for judging', () => {
    const raw = {
      ...genesisToRawBlock(loadGenesis('quickstart-qbft-genesis.json')),
      hash: `0x${'00'.repeat(32)}`,
    };
    const block = decodeBlock(raw, 'auto');
    expect(block.consensus).toBe('qbft');
    const sorted = sealBlock(block).validators;
    expect(sorted).toEqual([...block.listedValidators].sort());
    expect(sorted).not.toEqual(block.listedValidators);
  });

  it('recognises validator-contract mode (empty validator list) and takes the RPC set', () => {
    const genesis = loadGenesis('besu-acceptance-qbft-emptyextradata.json');
    const raw = { ...genesisToRawBlock(genesis), hash: `0x${'00'.repeat(32)}` };
    const block = decodeBlock(raw, 'qbft');
    expect(isContractMode(block)).toBe(true);
    expect(sealBlock(block, ['0x' + 'bb'.repeat(20), '0x' + 'aa'.repeat(20)]).validators).toEqual([
      '0x' + 'aa'.repeat(20),
      '0x' + 'bb'.repeat(20),
    ]);
  });
});

describe('classifyBlockError', () => {
  const ibft1 = loadGenesis('besu-ibft1-to-qbft-migration-genesis.json').extraData;
  const ibft2Extra = ibft2Block['extraData'];
  const withoutStateRoot = { ...block7528 };
  delete withoutStateRoot['stateRoot'];
  const cases: Array<{ desc: string; raw: unknown; consensus: 'auto' | 'qbft'; want: string }> = [
    {
      desc: 'ibft1-legacy-extra-data',
      raw: { ...block7528, extraData: ibft1 },
      consensus: 'auto',
      want: 'bad_extra_data',
    },
    {
      desc: 'garbage-extra-data',
      raw: { ...block7528, extraData: '0xdeadbeef' },
      consensus: 'auto',
      want: 'bad_extra_data',
    },
    {
      desc: 'empty-extra-data',
      raw: { ...block7528, extraData: '0x' },
      consensus: 'auto',
      want: 'bad_extra_data',
    },
    {
      desc: 'ibft2-encoding-forced-qbft',
      raw: { ...block7528, extraData: ibft2Extra },
      consensus: 'qbft',
      want: 'bad_extra_data',
    },
    { desc: 'missing-header-field', raw: withoutStateRoot, consensus: 'auto', want: 'bad_header' },
    {
      desc: 'malformed-header-field',
      raw: { ...block7528, stateRoot: '0x12' },
      consensus: 'auto',
      want: 'bad_header',
    },
    { desc: 'null-block', raw: null, consensus: 'auto', want: 'null_result' },
    {
      desc: 'miner-not-an-address',
      raw: { ...block7528, miner: 'me' },
      consensus: 'auto',
      want: 'bad_response',
    },
  ];

  it.each(cases)('classifies $desc', ({ raw, consensus, want }) => {
    let caught: unknown;
    try {
      decodeBlock(raw as RawBlock, consensus);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeDefined();
    expect(classifyBlockError(caught)).toBe(want);
  });

  it('classifies an unexpected error as internal', () => {
    expect(classifyBlockError(new TypeError('x'))).toBe('internal');
  });
});

describe('API result decoders', () => {
  const shapes = loadBesuFixture<{
    docsExamples: Array<{ method: string; response: { result: unknown } }>;
  }>('rpc/besu-rpc-shapes.json').docsExamples;
  const resultOf = (method: string) => shapes.find((e) => e.method === method)?.response.result;

  it('reads the documented qbft_getSignerMetrics example: 3 x 0x21 proposals', () => {
    const got = decodeSignerMetrics(resultOf('qbft_getSignerMetrics'));
    expect([...got.values()]).toEqual([33, 33, 33]);
  });

  it('reads the documented qbft_getPendingVotes example: two adds', () => {
    expect(decodePendingVotes(resultOf('qbft_getPendingVotes'))).toEqual({ add: 2, drop: 0 });
  });

  const bad = [
    { desc: 'votes-not-object', fn: () => decodePendingVotes([]), want: 'bad_response' },
    { desc: 'vote-not-boolean', fn: () => decodePendingVotes({ a: 1 }), want: 'bad_response' },
    { desc: 'metrics-not-list', fn: () => decodeSignerMetrics({}), want: 'bad_response' },
    { desc: 'set-unknown-block', fn: () => decodeValidatorList(null, 'set'), want: 'null_result' },
    {
      desc: 'set-bad-address',
      fn: () => decodeValidatorList(['0x12'], 'set'),
      want: 'bad_response',
    },
  ];
  it.each(bad)('rejects $desc', ({ fn, want }) => {
    expect(fn).toThrow(expect.objectContaining({ code: want }));
  });

  it('sorts and lowercases a validator list', () => {
    expect(decodeValidatorList(['0x' + 'BB'.repeat(20), '0x' + 'aa'.repeat(20)], 'set')).toEqual([
      '0x' + 'aa'.repeat(20),
      '0x' + 'bb'.repeat(20),
    ]);
  });
});
