import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { classifyKubeError, KubeError, toKubeError } from './errors.js';

const forbiddenBody = JSON.stringify({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message:
    'pods is forbidden: User "system:serviceaccount:besu-network:chainprobe" cannot list resource "pods" in API group "" in the namespace "besu-network"',
  reason: 'Forbidden',
  details: { kind: 'pods' },
  code: 403,
});

// The client throws ApiException(status, text, body, headers) for non-2xx answers.
const api = (code: number, body: unknown = undefined) =>
  new ApiException(code, 'Unknown API Status Code!', body, {});
const withCause = (code: string) =>
  new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
const fired = (reason: DOMException) => {
  const c = new AbortController();
  c.abort(reason);
  return c.signal;
};

describe('classifyKubeError', () => {
  it.each([
    { desc: 'http-401', err: api(401), want: 'unauthorized' },
    { desc: 'http-403-rbac', err: api(403, forbiddenBody), want: 'forbidden' },
    { desc: 'http-404-namespace', err: api(404), want: 'not_found' },
    { desc: 'http-429', err: api(429), want: 'rate_limited' },
    { desc: 'http-400-bad-selector', err: api(400), want: 'http_4xx' },
    { desc: 'http-500', err: api(500), want: 'http_5xx' },
    { desc: 'http-503', err: api(503), want: 'http_5xx' },
    { desc: 'timeout-dom-exception', err: new DOMException('t', 'TimeoutError'), want: 'timeout' },
    { desc: 'abort-dom-exception', err: new DOMException('a', 'AbortError'), want: 'aborted' },
    { desc: 'connection-refused', err: withCause('ECONNREFUSED'), want: 'connection_refused' },
    { desc: 'connection-reset', err: withCause('ECONNRESET'), want: 'connection_reset' },
    { desc: 'dns', err: withCause('ENOTFOUND'), want: 'dns' },
    { desc: 'tls', err: withCause('CERT_HAS_EXPIRED'), want: 'tls' },
    { desc: 'fetch-failed-no-code', err: new TypeError('fetch failed'), want: 'network' },
    { desc: 'bad-json-body', err: new SyntaxError('Unexpected token <'), want: 'invalid_json' },
    { desc: 'own-error-passes-through', err: new KubeError('config', 'x'), want: 'config' },
    { desc: 'library-bug', err: new Error('HTTP protocol is not allowed'), want: 'internal' },
    { desc: 'non-error', err: 'boom', want: 'internal' },
  ])('maps $desc to $want', ({ err, want }) => {
    expect(classifyKubeError(err)).toBe(want);
  });

  it.each([
    {
      desc: 'fired-by-deadline',
      signal: fired(new DOMException('t', 'TimeoutError')),
      want: 'timeout',
    },
    {
      desc: 'fired-by-shutdown',
      signal: fired(new DOMException('s', 'AbortError')),
      want: 'aborted',
    },
  ])('lets a fired signal decide: $desc', ({ signal, want }) => {
    expect(classifyKubeError(new TypeError('terminated'), signal)).toBe(want);
  });
});

describe('toKubeError', () => {
  it('names the resource, the status and the Status reason, never the Status message', () => {
    const err = toKubeError(api(403, forbiddenBody), 'pods');
    expect(err).toMatchObject({ code: 'forbidden', extra: { resource: 'pods', httpStatus: 403 } });
    expect(err.message).toBe('listing pods failed: HTTP 403 (Forbidden)');
  });

  it('describes a transport failure by its class', () => {
    expect(toKubeError(withCause('ECONNREFUSED'), 'deployments').message).toBe(
      'listing deployments failed: connection_refused',
    );
  });
});
