import { describe, expect, it } from 'vitest';
import { isUnreachableError, RpcError } from './jsonrpc.js';

describe('isUnreachableError', () => {
  const refused = new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
  const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');

  it.each([
    { desc: 'connection-refused', err: refused, unreachable: true },
    { desc: 'timeout', err: timeout, unreachable: true },
    { desc: 'body-cut-off', err: new TypeError('terminated'), unreachable: true },
    {
      desc: 'rpc-error-answer',
      err: new RpcError({ code: -32000, message: 'x' }),
      unreachable: false,
    },
    { desc: 'bug-type-error', err: new TypeError('x is undefined'), unreachable: false },
    {
      desc: 'non-json-answer',
      err: new Error('eth_call: HTTP 500 with a non-JSON body'),
      unreachable: false,
    },
    { desc: 'not-an-error', err: 'fetch failed', unreachable: false },
  ])('$desc', ({ err, unreachable }) => {
    expect(isUnreachableError(err)).toBe(unreachable);
  });
});
