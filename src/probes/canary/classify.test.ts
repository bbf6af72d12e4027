import { describe, expect, it } from 'vitest';
import { RpcError } from '../../rpc/errors.js';
import { classifySendFailure, sendFailureOf, type SendFailure } from './classify.js';

describe('classifySendFailure', () => {
  it.each<{ desc: string; failure: SendFailure; want: string }>([
    // Besu (RpcErrorType texts and codes)
    {
      desc: 'besu-nonce-too-low',
      failure: { rpcCode: -32001, message: 'Nonce too low' },
      want: 'rejected_nonce_too_low',
    },
    {
      desc: 'besu-min-gas-price',
      failure: { rpcCode: -32009, message: 'Gas price below configured minimum gas price' },
      want: 'rejected_underpriced',
    },
    {
      desc: 'besu-below-base-fee',
      failure: { rpcCode: -32009, message: 'Gas price below current base fee' },
      want: 'rejected_underpriced',
    },
    {
      desc: 'besu-replacement',
      failure: { rpcCode: -32000, message: 'Replacement transaction underpriced' },
      want: 'rejected_underpriced',
    },
    {
      desc: 'besu-upfront-cost',
      failure: { rpcCode: -32004, message: 'Upfront cost exceeds account balance' },
      want: 'insufficient_funds',
    },
    {
      desc: 'besu-known-transaction',
      failure: { rpcCode: -32000, message: 'Known transaction' },
      want: 'already_known',
    },
    {
      desc: 'besu-code-only-nonce',
      failure: { rpcCode: -32001, message: '' },
      want: 'rejected_nonce_too_low',
    },
    {
      desc: 'besu-code-only-funds',
      failure: { rpcCode: -32004, message: 'rewritten by a proxy' },
      want: 'insufficient_funds',
    },
    {
      desc: 'besu-code-only-price',
      failure: { rpcCode: -32009, message: '' },
      want: 'rejected_underpriced',
    },
    {
      desc: 'besu-method-not-enabled',
      failure: { rpcCode: -32604, message: 'Method not enabled' },
      want: 'send_refused',
    },
    {
      desc: 'method-not-found',
      failure: { rpcCode: -32601, message: 'Method not found' },
      want: 'send_refused',
    },
    {
      desc: 'besu-nonce-too-distant',
      failure: {
        rpcCode: -32000,
        message: 'Transaction nonce is too distant from current sender nonce',
      },
      want: 'rpc_error',
    },
    // anvil and geth
    {
      desc: 'anvil-nonce-too-low',
      failure: { rpcCode: -32003, message: 'nonce too low' },
      want: 'rejected_nonce_too_low',
    },
    {
      desc: 'anvil-funds',
      failure: { rpcCode: -32003, message: 'Insufficient funds for gas * price + value' },
      want: 'insufficient_funds',
    },
    {
      desc: 'anvil-replacement',
      failure: { rpcCode: -32003, message: 'replacement transaction underpriced' },
      want: 'rejected_underpriced',
    },
    {
      desc: 'anvil-fee-cap',
      failure: { rpcCode: -32003, message: 'max fee per gas less than block base fee' },
      want: 'rejected_underpriced',
    },
    {
      desc: 'anvil-already-imported',
      failure: { rpcCode: -32003, message: 'Tx: [0xab] already Imported' },
      want: 'already_known',
    },
    {
      desc: 'geth-underpriced',
      failure: { rpcCode: -32000, message: 'transaction underpriced' },
      want: 'rejected_underpriced',
    },
    {
      desc: 'geth-pool-full',
      failure: { rpcCode: -32000, message: 'txpool is full' },
      want: 'rejected_pool_full',
    },
    {
      desc: 'pool-full-words',
      failure: { rpcCode: -32000, message: 'Transaction pool is full' },
      want: 'rejected_pool_full',
    },
    {
      desc: 'pool-full-enum',
      failure: { rpcCode: -32000, message: 'TRANSACTION_POOL_FULL' },
      want: 'rejected_pool_full',
    },
    {
      desc: 'geth-already-known',
      failure: { rpcCode: -32000, message: 'already known' },
      want: 'already_known',
    },
    {
      desc: 'unknown-text',
      failure: { rpcCode: -32000, message: 'something else' },
      want: 'rpc_error',
    },
    // The path itself
    { desc: 'http-403', failure: { httpStatus: 403 }, want: 'send_refused' },
    { desc: 'http-502', failure: { httpStatus: 502 }, want: 'send_refused' },
    { desc: 'http-429', failure: { httpStatus: 429 }, want: 'send_refused' },
    { desc: 'transport-timeout', failure: { transport: 'timeout' }, want: 'timeout' },
    {
      desc: 'transport-refused',
      failure: { transport: 'connection_refused' },
      want: 'connection_refused',
    },
    { desc: 'nothing-known', failure: {}, want: 'network' },
  ])('$desc', ({ failure, want }) => {
    expect(classifySendFailure(failure)).toBe(want);
  });
});

describe('sendFailureOf', () => {
  it.each<{ desc: string; err: unknown; want: SendFailure }>([
    {
      desc: 'json-rpc-error',
      err: new RpcError('rpc_error', 'x', { rpcCode: -32001, rpcMessage: 'Nonce too low' }),
      want: { rpcCode: -32001, message: 'Nonce too low' },
    },
    {
      desc: 'besu-400-with-body',
      err: new RpcError('rpc_error', 'x', {
        httpStatus: 400,
        rpcCode: -32602,
        rpcMessage: 'Invalid params',
      }),
      want: { rpcCode: -32602, message: 'Invalid params' },
    },
    {
      desc: 'http-status',
      err: new RpcError('forbidden', 'x', { httpStatus: 403 }),
      want: { httpStatus: 403 },
    },
    { desc: 'transport', err: new RpcError('timeout', 'x'), want: { transport: 'timeout' } },
    { desc: 'not-an-rpc-error', err: new Error('bug'), want: { transport: 'internal' } },
  ])('$desc', ({ err, want }) => {
    expect(sendFailureOf(err)).toEqual(want);
  });
});
