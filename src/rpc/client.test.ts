import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcClient, parseJsonRpc, type CallObservation } from './client.js';
import { RpcError } from './errors.js';
import {
  rpcResult,
  startTestServer,
  type Handler,
  type TestServer,
} from '../../test/helpers/jsonrpc-server.js';

const json =
  (status: number, body: unknown): Handler =>
  (_req, _b, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

const HOSTILE: Array<{ desc: string; handler: Handler; want: string }> = [
  { desc: 'http-500', handler: json(500, 'oops'), want: 'http_5xx' },
  { desc: 'http-502-gateway', handler: json(502, '<html>Bad Gateway</html>'), want: 'http_5xx' },
  { desc: 'http-429', handler: json(429, { message: 'slow down' }), want: 'rate_limited' },
  { desc: 'http-401', handler: json(401, ''), want: 'unauthorized' },
  {
    desc: 'http-403-host-not-authorized',
    handler: json(403, { message: 'Host not authorized.' }),
    want: 'forbidden',
  },
  {
    desc: 'http-301',
    handler: (_q, _b, res) => {
      res.writeHead(301, { location: 'http://10.0.0.1/' });
      res.end();
    },
    want: 'http_redirect',
  },
  {
    desc: 'html-body-200',
    handler: json(200, '<html><body>Application Gateway</body></html>'),
    want: 'invalid_json',
  },
  { desc: 'invalid-json', handler: json(200, '{"jsonrpc":"2.0","id":1,'), want: 'invalid_json' },
  {
    desc: 'invalid-utf8',
    handler: (_q, _b, res) => {
      res.writeHead(200);
      res.end(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    },
    want: 'invalid_json',
  },
  { desc: 'json-not-jsonrpc', handler: json(200, { hello: 'world' }), want: 'invalid_response' },
  {
    desc: 'wrong-id',
    handler: json(200, { jsonrpc: '2.0', id: 999, result: '0x1' }),
    want: 'invalid_response',
  },
  {
    desc: 'batch-answer',
    handler: json(200, [{ jsonrpc: '2.0', id: 1, result: '0x1' }]),
    want: 'invalid_response',
  },
  {
    desc: 'rpc-error',
    handler: (_q, body, res) => {
      res.end(
        JSON.stringify({
          jsonrpc: '2.0',
          id: JSON.parse(body).id,
          error: { code: -32603, message: 'Internal error' },
        }),
      );
    },
    want: 'rpc_error',
  },
  {
    desc: 'method-not-enabled',
    handler: (_q, body, res) => {
      res.end(
        JSON.stringify({
          jsonrpc: '2.0',
          id: JSON.parse(body).id,
          error: { code: -32604, message: 'Method not enabled' },
        }),
      );
    },
    want: 'method_unavailable',
  },
  {
    desc: 'reset-before-answer',
    handler: (req) => {
      req.socket.destroy();
    },
    want: 'connection_reset',
  },
  {
    desc: 'reset-mid-body',
    handler: (req, _b, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('{"jsonrpc":"2.0",');
      setTimeout(() => req.socket.destroy(), 10);
    },
    want: 'connection_reset',
  },
  {
    desc: 'body-50mb',
    handler: (_q, _b, res) => {
      res.writeHead(200);
      res.end(Buffer.alloc(50 * 1024 * 1024, 0x20));
    },
    want: 'body_too_large',
  },
];

describe('RpcClient against hostile servers', () => {
  let server: TestServer;
  let healthy: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    healthy = await startTestServer(rpcResult('0x8a'));
  });
  afterAll(async () => {
    await server.stop();
    await healthy.stop();
  });

  it.each(HOSTILE)(
    '$desc -> $want, and another target is unaffected',
    async ({ handler, want }) => {
      server.handle(handler);
      const observed: CallObservation[] = [];
      const client = new RpcClient({
        url: server.url,
        maxResponseBytes: 1024 * 1024,
        onCall: (o) => observed.push(o),
      });
      const other = new RpcClient({ url: healthy.url });
      try {
        const [bad, good] = await Promise.allSettled([
          client.call('eth_chainId', [], { timeoutMs: 2000 }),
          other.call('eth_chainId', [], { timeoutMs: 2000 }),
        ]);
        expect(bad.status).toBe('rejected');
        expect((bad as PromiseRejectedResult).reason).toBeInstanceOf(RpcError);
        expect(((bad as PromiseRejectedResult).reason as RpcError).code).toBe(want);
        expect(good).toEqual({ status: 'fulfilled', value: '0x8a' });
        expect(observed).toEqual([
          expect.objectContaining({ method: 'eth_chainId', errorClass: want }),
        ]);
      } finally {
        await client.close();
        await other.close();
      }
    },
  );

  it('returns the result and times the call', async () => {
    server.handle(rpcResult('0x8a'));
    const observed: CallObservation[] = [];
    const client = new RpcClient({ url: server.url, onCall: (o) => observed.push(o) });
    await expect(client.call('eth_chainId')).resolves.toBe('0x8a');
    expect(observed[0]?.errorClass).toBeNull();
    expect(observed[0]?.seconds).toBeGreaterThan(0);
    await client.close();
  });

  it('honours the timeout within 100 ms on a server that never answers', async () => {
    server.handle(() => undefined);
    const client = new RpcClient({ url: server.url });
    const started = performance.now();
    const err = await client.call('eth_chainId', [], { timeoutMs: 300 }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect((err as RpcError).code).toBe('timeout');
    expect(elapsed).toBeGreaterThanOrEqual(295);
    expect(elapsed).toBeLessThan(400);
    await client.close();
  });

  it('times out on a trickled body (headers sent, body never ends)', async () => {
    server.handle((_q, _b, res) => {
      res.writeHead(200);
      const t = setInterval(() => res.write(' '), 20);
      res.on('close', () => clearInterval(t));
    });
    const client = new RpcClient({ url: server.url });
    const err = await client.call('eth_chainId', [], { timeoutMs: 300 }).catch((e: unknown) => e);
    expect((err as RpcError).code).toBe('timeout');
    await client.close();
  });

  it('reports a timeout when the caller signal is aborted by the engine deadline', async () => {
    server.handle(() => undefined);
    const client = new RpcClient({ url: server.url });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(new DOMException('deadline', 'TimeoutError')), 100);
    const err = await client
      .call('eth_chainId', [], { signal: ctl.signal })
      .catch((e: unknown) => e);
    expect((err as RpcError).code).toBe('timeout');
    await client.close();
  });

  it.each([
    { desc: 'aborted-before-the-call', reason: undefined, before: true, want: 'aborted' },
    { desc: 'deadline-before-the-call', reason: 'TimeoutError', before: true, want: 'timeout' },
    { desc: 'aborted-during-the-call', reason: undefined, before: false, want: 'aborted' },
  ])('forwards the caller signal: $desc', async ({ reason, before, want }) => {
    server.handle(() => undefined);
    const client = new RpcClient({ url: server.url });
    const ctl = new AbortController();
    const abort = () => ctl.abort(reason ? new DOMException('deadline', reason) : undefined);
    if (before) abort();
    else setTimeout(abort, 50);
    const sent = server.requests.length;
    const err = await client
      .call('eth_chainId', [], { signal: ctl.signal })
      .catch((e: unknown) => e);
    expect((err as RpcError).code).toBe(want);
    if (before) expect(server.requests.length).toBe(sent);
    await client.close();
  });

  it('leaves no listener on the caller signal after its calls', async () => {
    server.handle(rpcResult('0x1'));
    const client = new RpcClient({ url: server.url });
    const ctl = new AbortController();
    let added = 0;
    let removed = 0;
    const add = ctl.signal.addEventListener.bind(ctl.signal);
    const remove = ctl.signal.removeEventListener.bind(ctl.signal);
    ctl.signal.addEventListener = (...args: Parameters<typeof add>) => (added++, add(...args));
    ctl.signal.removeEventListener = (...args: Parameters<typeof remove>) => (
      removed++,
      remove(...args)
    );
    for (let i = 0; i < 5; i++) await client.call('eth_chainId', [], { signal: ctl.signal });
    expect(added).toBe(5);
    expect(removed).toBe(added);
    await client.close();
  });

  it('sends URL credentials as basic auth and never follows redirects', async () => {
    let auth = '';
    server.handle((req, body, res) => {
      auth = req.headers.authorization ?? '';
      rpcResult('0x1')(req, body, res);
    });
    const u = new URL(server.url);
    const client = new RpcClient({ url: `http://alice:s3cret@${u.host}/rpc?key=abc` });
    await client.call('eth_chainId');
    expect(auth).toBe(`Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
    expect(server.requests.at(-1)?.url).toBe('/rpc?key=abc');
    await client.close();
  });

  it('refused connection is connection_refused', async () => {
    const client = new RpcClient({ url: 'http://127.0.0.1:1/' });
    const err = await client.call('eth_chainId', [], { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect((err as RpcError).code).toBe('connection_refused');
    await client.close();
  });
});

describe('parseJsonRpc', () => {
  it.each([
    { desc: 'result', text: '{"jsonrpc":"2.0","id":7,"result":"0x1"}', want: '0x1' },
    { desc: 'null-result', text: '{"jsonrpc":"2.0","id":7,"result":null}', want: null },
    { desc: 'false-result', text: '{"jsonrpc":"2.0","id":7,"result":false}', want: false },
  ])('$desc', ({ text, want }) => {
    expect(parseJsonRpc(200, text, 7)).toEqual(want);
  });

  it.each([
    { desc: 'no-result', text: '{"jsonrpc":"2.0","id":7}', want: 'invalid_response' },
    { desc: 'jsonrpc-1', text: '{"jsonrpc":"1.0","id":7,"result":1}', want: 'invalid_response' },
    { desc: 'null', text: 'null', want: 'invalid_response' },
    { desc: 'number', text: '42', want: 'invalid_response' },
    { desc: 'error-without-code', text: '{"jsonrpc":"2.0","id":7,"error":{}}', want: 'rpc_error' },
    { desc: 'not-json', text: 'Bad Gateway', want: 'invalid_json' },
  ])('$desc -> $want', ({ text, want }) => {
    expect(() => parseJsonRpc(200, text, 7)).toThrow(expect.objectContaining({ code: want }));
  });
});
