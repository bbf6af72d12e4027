import { describe, expect, it } from 'vitest';
import { decodeSyncing, judgeChainId } from './judge.js';

describe('decodeSyncing', () => {
  it.each([
    { desc: 'not-syncing', raw: false, want: { syncing: false, blocksBehind: 0 } },
    {
      desc: 'syncing',
      raw: { startingBlock: '0x0', currentBlock: '0x10', highestBlock: '0x20' },
      want: { syncing: true, blocksBehind: 16 },
    },
    {
      desc: 'caught-up-object',
      raw: { currentBlock: '0x20', highestBlock: '0x20' },
      want: { syncing: true, blocksBehind: 0 },
    },
  ])('$desc', ({ raw, want }) => {
    expect(decodeSyncing(raw)).toEqual(want);
  });
  it.each([
    { desc: 'true', raw: true },
    { desc: 'null', raw: null },
    { desc: 'missing-fields', raw: {} },
    { desc: 'array', raw: [] },
  ])('$desc is a bad response', ({ raw }) => {
    expect(() => decodeSyncing(raw)).toThrow(expect.objectContaining({ code: 'bad_response' }));
  });
});

describe('judgeChainId', () => {
  it.each([
    { desc: 'match-138', raw: '0x8a', want: { chainId: 138, matches: true } },
    { desc: 'mainnet', raw: '0x1', want: { chainId: 1, matches: false } },
  ])('$desc', ({ raw, want }) => {
    expect(judgeChainId(raw, 138)).toEqual(want);
  });
  it('rejects a decimal chain id', () => {
    expect(() => judgeChainId(138, 138)).toThrow(expect.objectContaining({ code: 'bad_response' }));
  });
});
