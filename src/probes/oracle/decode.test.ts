import { AbiCoder } from 'ethers';
import { describe, expect, it } from 'vitest';
import { RpcError } from '../../rpc/errors.js';
import {
  classifyCallError,
  decodeDecimals,
  decodeDescription,
  decodeRoundData,
  describeRevert,
  encodeCall,
} from './decode.js';

const abi = AbiCoder.defaultAbiCoder();
const round = (r: bigint, a: bigint, s: bigint, u: bigint) =>
  abi.encode(['uint80', 'int256', 'uint256', 'uint256', 'uint80'], [r, a, s, u, r]);
const MAX_UINT80 = (1n << 80n) - 1n;
const PHASE_ROUND = (2n << 64n) | 12345n;

describe('encodeCall', () => {
  it.each([
    { desc: 'latest-round-data', fn: 'latestRoundData' as const, selector: '0xfeaf968c' },
    { desc: 'decimals', fn: 'decimals' as const, selector: '0x313ce567' },
    { desc: 'description', fn: 'description' as const, selector: '0x7284e416' },
  ])('$desc', ({ fn, selector }) => {
    expect(encodeCall(fn)).toBe(selector);
  });
});

describe('decodeRoundData', () => {
  it.each([
    {
      desc: 'ordinary-round',
      data: round(7n, 300012345678n, 1700000000n, 1700000001n),
      want: { roundId: 7n, answer: 300012345678n, startedAt: 1700000000n, updatedAt: 1700000001n },
    },
    {
      desc: 'uint80-max-round-kept-exact',
      data: round(MAX_UINT80, 1n, 0n, 1n),
      want: { roundId: MAX_UINT80, answer: 1n, startedAt: 0n, updatedAt: 1n },
    },
    {
      desc: 'proxy-phase-round-above-2^53',
      data: round(PHASE_ROUND, 5n, 1n, 2n),
      want: { roundId: 36893488147419115577n, answer: 5n, startedAt: 1n, updatedAt: 2n },
    },
    {
      desc: 'negative-answer',
      data: round(1n, -42n, 1n, 1n),
      want: { roundId: 1n, answer: -42n, startedAt: 1n, updatedAt: 1n },
    },
    {
      desc: 'all-zero-before-first-update',
      data: round(0n, 0n, 0n, 0n),
      want: { roundId: 0n, answer: 0n, startedAt: 0n, updatedAt: 0n },
    },
  ])('$desc', ({ data, want }) => {
    expect(decodeRoundData(data)).toEqual(want);
  });

  it.each([
    { desc: 'empty-no-contract', data: '0x' },
    { desc: 'short', data: '0x' + '00'.repeat(64) },
    { desc: 'not-hex', data: '0xzz' },
    { desc: 'odd-length', data: '0x123' },
    { desc: 'not-a-string', data: 12 },
    { desc: 'null', data: null },
  ])('rejects $desc as bad_response', ({ data }) => {
    expect(() => decodeRoundData(data)).toThrowError(
      expect.objectContaining({ code: 'bad_response' }),
    );
  });

  it('PHASE_ROUND really is above 2^53', () => {
    expect(PHASE_ROUND > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });
});

describe('decodeDecimals and decodeDescription', () => {
  it.each([
    { desc: 'eight', data: abi.encode(['uint8'], [8]), want: 8 },
    { desc: 'eighteen', data: abi.encode(['uint8'], [18]), want: 18 },
    { desc: 'zero', data: abi.encode(['uint8'], [0]), want: 0 },
  ])('decimals $desc', ({ data, want }) => {
    expect(decodeDecimals(data)).toBe(want);
  });

  it.each([
    { desc: 'plain', text: 'ETH / USD', want: 'ETH / USD' },
    { desc: 'control-chars-masked', text: 'ETH\n\u0000USD', want: 'ETH??USD' },
    { desc: 'long-truncated', text: 'x'.repeat(100), want: `${'x'.repeat(61)}...` },
  ])('description $desc', ({ text, want }) => {
    expect(decodeDescription(abi.encode(['string'], [text]))).toBe(want);
  });
});

describe('classifyCallError', () => {
  it.each([
    {
      desc: 'geth-anvil-code-3',
      err: new RpcError('rpc_error', 'x', { rpcCode: 3 }),
      want: 'reverted',
    },
    {
      desc: 'besu-32000',
      err: new RpcError('rpc_error', 'x', { rpcCode: -32000 }),
      want: 'reverted',
    },
    {
      desc: 'invalid-params',
      err: new RpcError('rpc_error', 'x', { rpcCode: -32602 }),
      want: 'rpc_error',
    },
    { desc: 'transport-kept', err: new RpcError('timeout', 'x'), want: 'timeout' },
    {
      desc: 'method-unavailable-kept',
      err: new RpcError('method_unavailable', 'x', { rpcCode: -32601 }),
      want: 'method_unavailable',
    },
  ])('$desc', ({ err, want }) => {
    expect(classifyCallError(err)).toBe(want);
  });
});

describe('describeRevert', () => {
  const reason = '0x08c379a0' + abi.encode(['string'], ['No data present']).slice(2);
  it.each([
    { desc: 'error-string', data: reason, want: 'reverted: No data present' },
    { desc: 'no-data', data: '0x', want: 'reverted without data' },
    { desc: 'data-not-kept', data: undefined, want: 'reverted' },
    {
      desc: 'panic',
      data: '0x4e487b71' + abi.encode(['uint256'], [0x11]).slice(2),
      want: 'panicked: 0x11',
    },
    { desc: 'custom-error', data: '0xBB258700', want: 'reverted with custom error 0xbb258700' },
    {
      desc: 'truncated-error-string',
      data: '0x08c379a0',
      want: 'reverted with custom error 0x08c379a0',
    },
  ])('$desc', ({ data, want }) => {
    expect(describeRevert(data)).toBe(want);
  });
});
