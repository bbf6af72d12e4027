import { describe, expect, it } from 'vitest';
import {
  classifyHttpStatus,
  classifyRpcErrorCode,
  classifyTransportError,
  RpcError,
} from './errors.js';

const coded = (code: string) => Object.assign(new Error(code), { code });

describe('classifyTransportError', () => {
  it.each([
    { desc: 'refused', err: coded('ECONNREFUSED'), want: 'connection_refused' },
    { desc: 'reset', err: coded('ECONNRESET'), want: 'connection_reset' },
    { desc: 'undici-socket-closed', err: coded('UND_ERR_SOCKET'), want: 'connection_reset' },
    { desc: 'dns-not-found', err: coded('ENOTFOUND'), want: 'dns' },
    { desc: 'dns-again', err: coded('EAI_AGAIN'), want: 'dns' },
    { desc: 'tls-self-signed', err: coded('DEPTH_ZERO_SELF_SIGNED_CERT'), want: 'tls' },
    { desc: 'tls-expired', err: coded('CERT_HAS_EXPIRED'), want: 'tls' },
    { desc: 'tls-altname', err: coded('ERR_TLS_CERT_ALTNAME_INVALID'), want: 'tls' },
    { desc: 'ssl-wrong-version', err: coded('ERR_SSL_WRONG_VERSION_NUMBER'), want: 'tls' },
    { desc: 'connect-timeout', err: coded('UND_ERR_CONNECT_TIMEOUT'), want: 'timeout' },
    { desc: 'unreachable', err: coded('EHOSTUNREACH'), want: 'network' },
    { desc: 'prototype-key-code', err: coded('toString'), want: 'network' },
    {
      desc: 'http-parser-error',
      err: Object.assign(new Error('x'), { name: 'HTTPParserError' }),
      want: 'invalid_response',
    },
    { desc: 'http-parser-code', err: coded('HPE_INVALID_CONSTANT'), want: 'invalid_response' },
    { desc: 'abort', err: Object.assign(new Error('x'), { name: 'AbortError' }), want: 'aborted' },
    {
      desc: 'cause-chain',
      err: new TypeError('fetch failed', { cause: coded('ECONNREFUSED') }),
      want: 'connection_refused',
    },
    { desc: 'unknown', err: new Error('weird'), want: 'network' },
    { desc: 'not-an-error', err: 'string thrown', want: 'network' },
    { desc: 'own-error-kept', err: new RpcError('rate_limited', 'x'), want: 'rate_limited' },
  ])('$desc -> $want', ({ err, want }) => {
    expect(classifyTransportError(err)).toBe(want);
  });

  it('turns any error into timeout when our deadline fired', () => {
    expect(
      classifyTransportError(Object.assign(new Error('x'), { name: 'AbortError' }), true),
    ).toBe('timeout');
  });
});

describe('classifyHttpStatus', () => {
  it.each([
    { desc: 'too-many', status: 429, want: 'rate_limited' },
    { desc: 'auth', status: 401, want: 'unauthorized' },
    { desc: 'host-allowlist', status: 403, want: 'forbidden' },
    { desc: 'missing', status: 404, want: 'not_found' },
    { desc: 'redirect', status: 302, want: 'http_redirect' },
    { desc: 'bad-gateway', status: 502, want: 'http_5xx' },
    { desc: 'besu-timeout', status: 504, want: 'http_5xx' },
    { desc: 'teapot', status: 418, want: 'http_4xx' },
  ])('$desc: $status -> $want', ({ status, want }) => {
    expect(classifyHttpStatus(status)).toBe(want);
  });
});

describe('classifyRpcErrorCode', () => {
  it.each([
    { desc: 'method-not-found', code: -32601, want: 'method_unavailable' },
    { desc: 'method-not-enabled', code: -32604, want: 'method_unavailable' },
    { desc: 'invalid-params', code: -32602, want: 'rpc_error' },
    { desc: 'internal', code: -32603, want: 'rpc_error' },
  ])('$desc', ({ code, want }) => {
    expect(classifyRpcErrorCode(code)).toBe(want);
  });
});
