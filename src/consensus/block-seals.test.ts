import { describe, expect, it } from 'vitest';
import {
  loadBesuFixture,
  qbftTestsHeaderToRawBlock,
  type QbftTestsHeader,
} from '../../test/helpers/besu-fixtures.js';
import { judgeBlockSeals, type BlockSealOptions } from './block-seals.js';
import type { RawBlock } from './header.js';

const block7528 = loadBesuFixture<{ header: RawBlock }>(
  'vectors/qbft-real-header-block7528-round1.json',
).header;
const ibft2Block = qbftTestsHeaderToRawBlock(
  loadBesuFixture<{ hash_of_qbft_block_header: { qbft_block_header: QbftTestsHeader } }>(
    'vectors/consensys-qbft-tests/bft_block_headers_data.json',
  ).hash_of_qbft_block_header.qbft_block_header,
);
const KEY_ADDRS = [
  '0x7e5f4552091a69125d5dfcb7b8c2659029395bdf',
  '0x2b5ad5c4795c026514f8317c7a215e218dccd6cf',
  '0x6813eb9362372eef6200f3b1dbc3f819671cba69',
  '0x1eff47bc3a10a45d4b230b5d10e37751fe6aa718',
];

describe('judgeBlockSeals', () => {
  const cases: Array<{
    desc: string;
    raw: RawBlock;
    options: BlockSealOptions;
    consensus: string;
    valid: boolean;
    outsiders: number;
  }> = [
    {
      desc: 'qbft-7528-auto',
      raw: block7528,
      options: {},
      consensus: 'qbft',
      valid: true,
      outsiders: 0,
    },
    {
      desc: 'qbft-7528-explicit',
      raw: block7528,
      options: { consensus: 'qbft' },
      consensus: 'qbft',
      valid: true,
      outsiders: 0,
    },
    {
      // The vector's extraData lists 0x..01 and 0x..02 but keys 1..4 signed it.
      desc: 'ibft2-vector-own-list',
      raw: ibft2Block,
      options: {},
      consensus: 'ibft2',
      valid: false,
      outsiders: 4,
    },
    {
      desc: 'ibft2-vector-rpc-set',
      raw: ibft2Block,
      options: { validators: KEY_ADDRS },
      consensus: 'ibft2',
      valid: true,
      outsiders: 0,
    },
  ];

  it.each(cases)('judges $desc', ({ raw, options, consensus, valid, outsiders }) => {
    const result = judgeBlockSeals(raw, options);
    expect(result.consensus).toBe(consensus);
    expect(result.verdict.valid).toBe(valid);
    expect(result.verdict.outsiders).toHaveLength(outsiders);
    expect(result.signers).toHaveLength(result.extra.seals.length);
  });

  it('throws ConsensusError for a block whose extraData is not BFT', () => {
    expect(() => judgeBlockSeals({ ...block7528, extraData: '0x' })).toThrow(
      expect.objectContaining({ code: 'not-rlp' }),
    );
  });
});
