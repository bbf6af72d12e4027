import type { ServerResponse } from 'node:http';
import { expect } from 'vitest';
import { AbiCoder, encodeRlp, id as keccakId } from 'ethers';
import type { ErrorClass } from '../../src/engine/error-class.js';
import type { RawBlock } from '../../src/consensus/header.js';
import type { SyntheticChain } from '../../src/probes/validators/synthetic-chain.js';
import type { Handler } from '../helpers/jsonrpc-server.js';
import { nodeHandler, parseRequest, type Answer, type MethodHook } from './node.js';

/** Probes the hostile suite can expect a verdict from (all run against the `bad` target). */
export type ProbeName = 'rpc' | 'block' | 'besu-health' | 'validators' | 'oracle' | 'kubernetes';

/** Where the `bad` endpoint lives. */
export type BadUrl =
  | 'hostile'
  | 'refused'
  | 'closes-on-connect'
  | 'not-http'
  | 'tls-self-signed'
  | 'tls-expired'
  | 'tls-other-host'
  | 'http-to-tls-port'
  | 'https-to-http-port'
  | 'dns-invalid';

/** What a case can reach while it runs. */
export interface CaseEnv {
  chain: SyntheticChain;
  /** A second local server: the target of every redirect; must receive nothing. */
  sinkUrl: string;
  /** Index of the current daemon run (0-based), for cases that change between runs. */
  run: number;
}

/** Extra metric checks beyond class and success; `value` reads one series of the bad target. */
export type MetricCheck = (
  value: (name: string, labels?: Record<string, string>) => Promise<number | undefined>,
) => Promise<void>;

/** One hostile behaviour and everything it must produce. */
export interface HostileCase {
  desc: string;
  url?: BadUrl;
  /** The hostile server's behaviour (default: a healthy node). */
  handler?: (env: CaseEnv) => Handler;
  /** Extra probe kinds the case needs (rpc, block and besu-health always run). */
  extra?: Array<'validators' | 'oracle' | 'kubernetes'>;
  /** Kubernetes API stand-in fault during the case. */
  kubeFault?: 'forbidden' | 'unauthorized' | 'hang' | 'slow' | 'server-error' | 'not-found';
  runs?: number;
  /** Runs expected to fail, when not all of them (default: every run). */
  failedRuns?: number;
  /** Verdict per probe on the bad target: a class, or 'ok'. */
  want: Partial<Record<ProbeName, ErrorClass | 'ok'>>;
  /** A class chainprobe_rpc_errors_total{endpoint="bad"} must carry. */
  rpcClass?: ErrorClass;
  check?: MetricCheck;
}

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;

// --- handler builders ------------------------------------------------------------------------

/** Every request (POST and GET) gets this status, headers and body. */
function always(
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
): () => Handler {
  return () => (_req, _b, res) => {
    res.writeHead(status, headers);
    res.end(body);
  };
}

/** POSTs get this raw answer; GETs (Besu health) stay healthy. */
function post(write: (res: ServerResponse, id: unknown) => void): (env: CaseEnv) => Handler {
  return (env) => {
    const healthy = nodeHandler(env.chain);
    return (req, body, res) => {
      if (req.method === 'GET') return healthy(req, body, res);
      write(res, parseRequest(body).id);
    };
  };
}

const rawPost = (body: string | Buffer, status = 200) =>
  post((res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  });

const jsonPost = (make: (id: unknown) => unknown) =>
  post((res, id) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(make(id)));
  });

/** One method answered by `hook`; everything else healthy. */
function on(method: string, hook: (env: CaseEnv, params: unknown[]) => Answer | undefined) {
  return (env: CaseEnv): Handler =>
    nodeHandler(env.chain, { [method]: (req) => hook(env, req.params) });
}

/** Methods answered with results from a table; everything else healthy. */
function results(table: Record<string, unknown>) {
  return (env: CaseEnv): Handler => {
    const hooks: Record<string, MethodHook> = {};
    for (const [m, result] of Object.entries(table)) hooks[m] = () => ({ result });
    return nodeHandler(env.chain, hooks);
  };
}

/** The head block (latest, and by its number) replaced by `mutate(head)`. */
function head(mutate: (b: RawBlock, env: CaseEnv) => unknown) {
  return on('eth_getBlockByNumber', (env, p) => {
    const top = env.chain.blocks[env.chain.head] as RawBlock;
    if (p[0] === 'latest' || p[0] === top['number']) return { result: mutate({ ...top }, env) };
    return undefined;
  });
}

/** The head block with its extraData replaced (the block probe reads no extraData). */
const extra = (extraData: unknown) => head((b) => ({ ...b, extraData }));

const hang = (): Handler => () => undefined;

function trickle(text: string, everyMs: number): Handler {
  return (_req, _b, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    let i = 0;
    const t = setInterval(() => {
      if (i >= text.length) {
        clearInterval(t);
        res.end();
        return;
      }
      res.write(text[i++] ?? '');
    }, everyMs);
    res.on('close', () => clearInterval(t));
  };
}

function endless(): Handler {
  return (_req, _b, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  };
}

function redirect(status: number, where: 'sink' | 'relative') {
  return (env: CaseEnv): Handler =>
    (_req, _b, res) => {
      res.writeHead(status, {
        location: where === 'sink' ? `${env.sinkUrl}/stolen` : '/elsewhere',
      });
      res.end();
    };
}

// --- consensus data of every wrong shape -----------------------------------------------------

const ZERO32 = `0x${'00'.repeat(32)}`;
const ADDR = `0x${'11'.repeat(20)}`;
const SEAL65 = `0x${'22'.repeat(64)}1b`;

/** A QBFT extraData RLP list: [vanity, validators, vote, round, seals] with the given parts. */
const qbftRlp = (parts: unknown[]): string => encodeRlp(parts as Parameters<typeof encodeRlp>[0]);

// extraData that is not even hex is a header field of the wrong shape, not consensus data.
const HEADER_SHAPE = new Set(['extra-not-hex', 'extra-odd-length', 'extra-not-a-string']);

const deepList = (depth: number): string => `0x${'c1'.repeat(depth - 1)}c0`;

// Revert data for Error("feed paused").
const REVERT_DATA =
  keccakId('Error(string)').slice(0, 10) +
  AbiCoder.defaultAbiCoder().encode(['string'], ['feed paused']).slice(2);

/** The hostile behaviours. */
export const HOSTILE_CASES: HostileCase[] = [
  // Transport: hangs, trickles, resets, sizes.
  {
    desc: 'hang-before-headers',
    handler: hang,
    want: { rpc: 'timeout', block: 'timeout', 'besu-health': 'timeout' },
    rpcClass: 'timeout',
  },
  {
    desc: 'hang-after-headers',
    handler: () => (_q, _b, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
    },
    want: { rpc: 'timeout', block: 'timeout', 'besu-health': 'timeout' },
    rpcClass: 'timeout',
  },
  {
    desc: 'trickled-whitespace-never-ends',
    handler: () => (_q, _b, res) => {
      res.writeHead(200);
      const t = setInterval(() => res.write(' '), 20);
      res.on('close', () => clearInterval(t));
    },
    want: { rpc: 'timeout', block: 'timeout', 'besu-health': 'timeout' },
    rpcClass: 'timeout',
  },
  {
    desc: 'trickled-valid-answer-too-slow',
    handler: () => trickle('{"jsonrpc":"2.0","id":1,"result":"0x8a"}', 80),
    want: { rpc: 'timeout', block: 'timeout', 'besu-health': 'timeout' },
    rpcClass: 'timeout',
  },
  {
    desc: 'reset-before-answer',
    handler: () => (req) => void req.socket.destroy(),
    want: { rpc: 'connection_reset', block: 'connection_reset', 'besu-health': 'connection_reset' },
    rpcClass: 'connection_reset',
  },
  {
    desc: 'reset-mid-body',
    handler: () => (req, _b, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('{"jsonrpc":"2.0",');
      setTimeout(() => req.socket.destroy(), 10);
    },
    want: { rpc: 'connection_reset', block: 'connection_reset', 'besu-health': 'connection_reset' },
    rpcClass: 'connection_reset',
  },
  {
    desc: 'content-length-longer-than-body',
    handler: () => (req, _b, res) => {
      res.writeHead(200, { 'content-length': '500' });
      res.write('{"jsonrpc":"2.0","id":1,"result":"0x8a"}');
      setTimeout(() => req.socket.end(), 10);
    },
    want: { rpc: 'connection_reset', block: 'connection_reset', 'besu-health': 'connection_reset' },
    rpcClass: 'connection_reset',
  },
  {
    desc: 'huge-body-20mb',
    handler: () => (_q, _b, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(Buffer.alloc(20 * 1024 * 1024, 0x20));
    },
    want: { rpc: 'body_too_large', block: 'body_too_large', 'besu-health': 'body_too_large' },
    rpcClass: 'body_too_large',
  },
  {
    desc: 'endless-chunked-body',
    handler: endless,
    want: { rpc: 'body_too_large', block: 'body_too_large', 'besu-health': 'body_too_large' },
    rpcClass: 'body_too_large',
  },
  {
    desc: 'connection-refused',
    url: 'refused',
    want: {
      rpc: 'connection_refused',
      block: 'connection_refused',
      'besu-health': 'connection_refused',
    },
    rpcClass: 'connection_refused',
  },
  {
    desc: 'closes-on-connect',
    url: 'closes-on-connect',
    want: { rpc: 'connection_reset', block: 'connection_reset', 'besu-health': 'connection_reset' },
    rpcClass: 'connection_reset',
  },
  {
    desc: 'not-http-at-all',
    url: 'not-http',
    want: { rpc: 'invalid_response', block: 'invalid_response', 'besu-health': 'invalid_response' },
    rpcClass: 'invalid_response',
  },
  // TLS and DNS.
  {
    desc: 'tls-self-signed',
    url: 'tls-self-signed',
    want: { rpc: 'tls', block: 'tls', 'besu-health': 'tls' },
    rpcClass: 'tls',
  },
  {
    desc: 'tls-expired',
    url: 'tls-expired',
    want: { rpc: 'tls', block: 'tls', 'besu-health': 'tls' },
    rpcClass: 'tls',
  },
  {
    desc: 'tls-other-host',
    url: 'tls-other-host',
    want: { rpc: 'tls', block: 'tls', 'besu-health': 'tls' },
    rpcClass: 'tls',
  },
  {
    desc: 'plain-http-on-https-url',
    url: 'https-to-http-port',
    want: { rpc: 'tls', block: 'tls', 'besu-health': 'tls' },
    rpcClass: 'tls',
  },
  {
    desc: 'http-url-on-tls-port',
    url: 'http-to-tls-port',
    want: { rpc: 'connection_reset', block: 'connection_reset', 'besu-health': 'connection_reset' },
    rpcClass: 'connection_reset',
  },
  {
    desc: 'dns-invalid-host',
    url: 'dns-invalid',
    want: { rpc: 'dns', block: 'dns', 'besu-health': 'dns' },
    rpcClass: 'dns',
  },
  // HTTP statuses with odd bodies; redirects are never followed.
  {
    desc: 'redirect-301-to-other-server',
    handler: redirect(301, 'sink'),
    want: { rpc: 'http_redirect', block: 'http_redirect', 'besu-health': 'http_redirect' },
    rpcClass: 'http_redirect',
  },
  {
    desc: 'redirect-302-to-other-server',
    handler: redirect(302, 'sink'),
    want: { rpc: 'http_redirect', block: 'http_redirect', 'besu-health': 'http_redirect' },
    rpcClass: 'http_redirect',
  },
  {
    desc: 'redirect-307-to-other-server',
    handler: redirect(307, 'sink'),
    want: { rpc: 'http_redirect', block: 'http_redirect', 'besu-health': 'http_redirect' },
    rpcClass: 'http_redirect',
  },
  {
    desc: 'redirect-308-relative',
    handler: redirect(308, 'relative'),
    want: { rpc: 'http_redirect', block: 'http_redirect', 'besu-health': 'http_redirect' },
    rpcClass: 'http_redirect',
  },
  {
    desc: 'http-401-html',
    handler: always(401, '<html><h1>Sign in</h1></html>', { 'www-authenticate': 'Basic' }),
    want: { rpc: 'unauthorized', block: 'unauthorized', 'besu-health': 'unauthorized' },
    rpcClass: 'unauthorized',
  },
  {
    desc: 'http-403-json',
    handler: always(403, '{"message":"Host not authorized."}'),
    want: { rpc: 'forbidden', block: 'forbidden', 'besu-health': 'forbidden' },
    rpcClass: 'forbidden',
  },
  {
    desc: 'http-429-retry-after-an-hour',
    handler: always(429, 'slow down', { 'retry-after': '3600' }),
    want: { rpc: 'rate_limited', block: 'rate_limited', 'besu-health': 'rate_limited' },
    rpcClass: 'rate_limited',
  },
  {
    desc: 'http-500-jsonrpc-body',
    handler: always(500, '{"jsonrpc":"2.0","id":1,"result":"0x8a"}'),
    want: { rpc: 'http_5xx', block: 'http_5xx', 'besu-health': 'http_5xx' },
    rpcClass: 'http_5xx',
  },
  {
    desc: 'http-502-html',
    handler: always(502, '<html>Bad Gateway</html>'),
    want: { rpc: 'http_5xx', block: 'http_5xx', 'besu-health': 'http_5xx' },
    rpcClass: 'http_5xx',
  },
  {
    desc: 'http-503-empty',
    handler: always(503, ''),
    want: { rpc: 'http_5xx', block: 'http_5xx', 'besu-health': 'bad_response' },
    rpcClass: 'http_5xx',
  },
  {
    desc: 'http-400-not-jsonrpc',
    handler: always(400, 'Bad Request'),
    want: { rpc: 'http_4xx', block: 'http_4xx', 'besu-health': 'http_4xx' },
    rpcClass: 'http_4xx',
  },
  {
    desc: 'http-400-parse-error-id-null',
    handler: rawPost(
      '{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}',
      400,
    ),
    want: { rpc: 'invalid_response', block: 'invalid_response', 'besu-health': 'ok' },
    rpcClass: 'invalid_response',
  },
  {
    desc: 'http-404',
    handler: always(404, 'Not Found'),
    want: { rpc: 'not_found', block: 'not_found', 'besu-health': 'not_found' },
    rpcClass: 'not_found',
  },
  {
    desc: 'http-418-unknown-4xx',
    handler: always(418, '\u0000\u0001binary'),
    want: { rpc: 'http_4xx', block: 'http_4xx', 'besu-health': 'http_4xx' },
    rpcClass: 'http_4xx',
  },
  // Bodies that are not JSON-RPC.
  {
    desc: 'invalid-utf8',
    handler: rawPost(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])),
    want: { rpc: 'invalid_json', block: 'invalid_json', 'besu-health': 'ok' },
    rpcClass: 'invalid_json',
  },
  {
    desc: 'html-200',
    handler: rawPost('<html><body>Application Gateway</body></html>'),
    want: { rpc: 'invalid_json', block: 'invalid_json' },
    rpcClass: 'invalid_json',
  },
  {
    desc: 'truncated-json',
    handler: rawPost('{"jsonrpc":"2.0","id":1,'),
    want: { rpc: 'invalid_json', block: 'invalid_json' },
    rpcClass: 'invalid_json',
  },
  {
    desc: 'empty-body-200',
    handler: rawPost(''),
    want: { rpc: 'invalid_json', block: 'invalid_json' },
    rpcClass: 'invalid_json',
  },
  {
    desc: 'fake-gzip-body',
    handler: always(200, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe]), {
      'content-encoding': 'gzip',
    }),
    want: { rpc: 'invalid_json', block: 'invalid_json', 'besu-health': 'invalid_json' },
    rpcClass: 'invalid_json',
  },
  {
    desc: 'json-not-jsonrpc',
    handler: jsonPost(() => ({ hello: 'world' })),
    want: { rpc: 'invalid_response', block: 'invalid_response' },
    rpcClass: 'invalid_response',
  },
  {
    desc: 'jsonrpc-1.0-shape',
    handler: jsonPost((id) => ({ id, result: '0x8a', error: null })),
    want: { rpc: 'invalid_response', block: 'invalid_response' },
    rpcClass: 'invalid_response',
  },
  {
    desc: 'wrong-id',
    handler: jsonPost(() => ({ jsonrpc: '2.0', id: 999_999, result: '0x8a' })),
    want: { rpc: 'invalid_response', block: 'invalid_response' },
    rpcClass: 'invalid_response',
  },
  {
    desc: 'id-as-string',
    handler: jsonPost((id) => ({ jsonrpc: '2.0', id: String(id), result: '0x8a' })),
    want: { rpc: 'invalid_response', block: 'invalid_response' },
    rpcClass: 'invalid_response',
  },
  {
    desc: 'batch-answer',
    handler: jsonPost((id) => [{ jsonrpc: '2.0', id, result: '0x8a' }]),
    want: { rpc: 'invalid_response', block: 'invalid_response' },
    rpcClass: 'invalid_response',
  },
  {
    desc: 'json-scalar',
    handler: rawPost('42'),
    want: { rpc: 'invalid_response', block: 'invalid_response' },
    rpcClass: 'invalid_response',
  },
  {
    desc: 'json-null',
    handler: rawPost('null'),
    want: { rpc: 'invalid_response', block: 'invalid_response' },
    rpcClass: 'invalid_response',
  },
  {
    desc: 'neither-result-nor-error',
    handler: jsonPost((id) => ({ jsonrpc: '2.0', id })),
    want: { rpc: 'invalid_response', block: 'invalid_response' },
    rpcClass: 'invalid_response',
  },
  {
    desc: 'deeply-nested-json',
    handler: rawPost(`${'['.repeat(100_000)}${']'.repeat(100_000)}`),
    want: { rpc: 'invalid_response', block: 'invalid_response' },
    rpcClass: 'invalid_response',
  },
  {
    desc: 'proto-pollution-keys',
    handler: rawPost('{"__proto__":{"jsonrpc":"2.0","id":1,"result":"0x8a"},"constructor":{}}'),
    want: { rpc: 'invalid_response', block: 'invalid_response' },
    rpcClass: 'invalid_response',
  },
  {
    desc: 'error-code-not-a-number',
    handler: jsonPost((id) => ({
      jsonrpc: '2.0',
      id,
      error: { code: 'boom', message: 'x'.repeat(10_000) },
    })),
    want: { rpc: 'rpc_error', block: 'rpc_error' },
    rpcClass: 'rpc_error',
  },
  {
    desc: 'internal-error-everywhere',
    handler: jsonPost((id) => ({
      jsonrpc: '2.0',
      id,
      error: { code: -32603, message: 'Internal error' },
    })),
    want: { rpc: 'rpc_error', block: 'rpc_error' },
    rpcClass: 'rpc_error',
  },
  // Results of the wrong shape.
  {
    desc: 'optional-methods-not-enabled',
    handler: on('net_peerCount', () => ({
      error: { code: -32604, message: 'Method not enabled' },
    })),
    want: { rpc: 'ok', block: 'ok', 'besu-health': 'ok' },
    rpcClass: 'method_unavailable',
  },
  {
    desc: 'chain-id-null',
    handler: results({ eth_chainId: null }),
    want: { rpc: 'bad_response', block: 'ok' },
  },
  {
    desc: 'chain-id-not-hex',
    handler: results({ eth_chainId: '0xZZ' }),
    want: { rpc: 'bad_response' },
  },
  {
    desc: 'chain-id-decimal-number',
    handler: results({ eth_chainId: 138 }),
    want: { rpc: 'bad_response' },
  },
  {
    desc: 'chain-id-past-2^53',
    handler: results({ eth_chainId: '0x20000000000001' }),
    want: { rpc: 'bad_response' },
  },
  {
    desc: 'chain-id-256-bit',
    handler: results({ eth_chainId: `0x${'f'.repeat(65)}` }),
    want: { rpc: 'bad_response' },
  },
  {
    desc: 'chain-id-mismatch',
    handler: results({ eth_chainId: '0x1' }),
    want: { rpc: 'chain_id_mismatch', block: 'ok' },
    check: async (v) => {
      expect(await v('chainprobe_rpc_chain_id_match')).toBe(0);
      expect(await v('chainprobe_rpc_chain_id')).toBe(1);
    },
  },
  {
    desc: 'block-number-not-hex',
    handler: results({ eth_blockNumber: 'latest' }),
    want: { rpc: 'bad_response' },
  },
  {
    desc: 'peer-count-empty-hex',
    handler: results({ net_peerCount: '0x' }),
    want: { rpc: 'bad_response' },
  },
  {
    desc: 'peer-count-negative',
    handler: results({ net_peerCount: '-0x1' }),
    want: { rpc: 'bad_response' },
  },
  {
    desc: 'syncing-missing-highest',
    handler: results({ eth_syncing: { currentBlock: '0x10' } }),
    want: { rpc: 'bad_response' },
  },
  { desc: 'syncing-true', handler: results({ eth_syncing: true }), want: { rpc: 'bad_response' } },
  {
    desc: 'syncing-current-above-highest',
    handler: results({ eth_syncing: { currentBlock: '0x20', highestBlock: '0x10' } }),
    want: { rpc: 'ok' },
    check: async (v) => expect(await v('chainprobe_rpc_sync_blocks_behind')).toBe(0),
  },
  // Blocks.
  { desc: 'null-block', handler: head(() => null), want: { block: 'null_result', rpc: 'ok' } },
  { desc: 'block-as-array', handler: head(() => []), want: { block: 'bad_response' } },
  { desc: 'block-as-string', handler: head(() => '0x1234'), want: { block: 'bad_response' } },
  {
    desc: 'block-number-past-2^53',
    handler: head((b) => ({ ...b, number: '0x20000000000000' })),
    want: { block: 'bad_response' },
  },
  {
    desc: 'block-missing-hash',
    handler: head((b) => ({ ...b, hash: undefined })),
    want: { block: 'bad_response' },
  },
  {
    desc: 'block-missing-timestamp',
    handler: head((b) => ({ ...b, timestamp: undefined })),
    want: { block: 'bad_response' },
  },
  {
    desc: 'block-hash-short',
    handler: head((b) => ({ ...b, hash: '0x1234' })),
    want: { block: 'bad_response' },
  },
  {
    desc: 'block-parent-hash-not-hex',
    handler: head((b) => ({ ...b, parentHash: `0x${'zz'.repeat(32)}` })),
    want: { block: 'bad_response' },
  },
  {
    desc: 'timestamp-an-hour-in-the-future',
    handler: head((b) => ({ ...b, timestamp: hex(Math.floor(Date.now() / 1000) + 3600) })),
    want: { block: 'ok' },
    check: async (v) => expect(await v('chainprobe_block_head_age_seconds')).toBeLessThan(-3000),
  },
  {
    desc: 'timestamp-going-backwards',
    runs: 2,
    handler: head((b, env) => {
      if (env.run === 0) return b;
      // One block later, ten minutes earlier.
      const n = Number(b['number']) + 1;
      return {
        ...b,
        number: hex(n),
        hash: `0x${'ab'.repeat(32)}`,
        timestamp: hex(Number(b['timestamp']) - 600),
      };
    }),
    // A head ten minutes old is a stalled head, whatever came before it.
    want: { block: 'head_stalled' },
    failedRuns: 1,
    check: async (v) => {
      expect(await v('chainprobe_block_interval_seconds_count')).toBe(1);
      expect(await v('chainprobe_block_interval_seconds_sum')).toBe(0);
    },
  },
  {
    desc: 'head-moves-backwards',
    runs: 2,
    handler: head((b, env) => (env.run === 0 ? b : env.chain.blocks[env.chain.head - 10])),
    want: { block: 'ok' },
    check: async (v) => {
      expect(await v('chainprobe_block_head_regressions_total')).toBe(1);
      expect(await v('chainprobe_block_head_unchanged_seconds')).toBe(0);
    },
  },
  // extraData of every wrong shape (validators probe); the block probe reads none of it.
  ...(
    [
      ['extra-empty', '0x'],
      ['extra-not-hex', '0xzz'],
      ['extra-odd-length', '0xabc'],
      ['extra-not-a-string', 12345],
      ['extra-rlp-string-not-list', encodeRlp('0x616263')],
      ['extra-list-of-two', qbftRlp([ZERO32, [ADDR]])],
      ['extra-list-of-seven', qbftRlp([ZERO32, [ADDR], '0x', '0x', [], '0x', '0x'])],
      ['extra-ibft1-vanity-then-rlp', `${ZERO32}${qbftRlp([ADDR]).slice(2)}`],
      ['extra-validator-19-bytes', qbftRlp([ZERO32, [`0x${'11'.repeat(19)}`], [], '0x', []])],
      ['extra-validators-not-a-list', qbftRlp([ZERO32, ADDR, [], '0x', []])],
      ['extra-round-9-bytes', qbftRlp([ZERO32, [ADDR], [], `0x${'01'.repeat(9)}`, []])],
      ['extra-seal-64-bytes', qbftRlp([ZERO32, [ADDR], [], '0x', [`0x${'22'.repeat(64)}`]])],
      [
        'extra-seal-high-s',
        qbftRlp([ZERO32, [ADDR], [], '0x', [`0x${'22'.repeat(32)}${'ff'.repeat(32)}1b`]]),
      ],
      ['extra-vote-bad-flag', qbftRlp([ZERO32, [ADDR], [ADDR, '0x07'], '0x', [SEAL65]])],
      ['extra-length-prefix-lies', '0xbb7fffffff00'],
      ['extra-trailing-bytes', `${qbftRlp([ZERO32, [ADDR], [], '0x', []])}00`],
      ['extra-deep-nesting', deepList(10_000)],
      ['extra-300kb-of-zeros', `0x${'00'.repeat(300_000)}`],
    ] as const
  ).map(([desc, data]): HostileCase => ({
    desc,
    handler: extra(data),
    extra: ['validators'],
    want: { validators: HEADER_SHAPE.has(desc) ? 'bad_header' : 'bad_extra_data', block: 'ok' },
  })),
  // Contract calls (oracle).
  {
    desc: 'revert-with-reason',
    handler: on('eth_call', () => ({
      error: { code: 3, message: 'execution reverted: feed paused', data: REVERT_DATA },
    })),
    extra: ['oracle'],
    want: { oracle: 'reverted' },
  },
  {
    desc: 'revert-without-data',
    handler: on('eth_call', () => ({ error: { code: -32000, message: 'Execution reverted' } })),
    extra: ['oracle'],
    want: { oracle: 'reverted' },
  },
  {
    desc: 'call-returns-no-data',
    handler: on('eth_call', () => ({ result: '0x' })),
    extra: ['oracle'],
    want: { oracle: 'bad_response' },
  },
  {
    desc: 'call-returns-short-data',
    handler: on('eth_call', () => ({ result: `0x${'00'.repeat(31)}01` })),
    extra: ['oracle'],
    want: { oracle: 'bad_response' },
  },
  {
    desc: 'call-returns-not-hex',
    handler: on('eth_call', () => ({ result: 'reverted' })),
    extra: ['oracle'],
    want: { oracle: 'bad_response' },
  },
  // Kubernetes API faults (the stand-in API server).
  {
    desc: 'kube-api-slow',
    kubeFault: 'slow',
    extra: ['kubernetes'],
    want: { kubernetes: 'timeout', rpc: 'ok' },
  },
  {
    desc: 'kube-api-hang',
    kubeFault: 'hang',
    extra: ['kubernetes'],
    want: { kubernetes: 'timeout' },
  },
  {
    desc: 'kube-api-forbidden',
    kubeFault: 'forbidden',
    extra: ['kubernetes'],
    want: { kubernetes: 'forbidden' },
  },
  {
    desc: 'kube-api-unauthorized',
    kubeFault: 'unauthorized',
    extra: ['kubernetes'],
    want: { kubernetes: 'unauthorized' },
  },
  {
    desc: 'kube-api-server-error',
    kubeFault: 'server-error',
    extra: ['kubernetes'],
    want: { kubernetes: 'http_5xx' },
  },
  {
    desc: 'kube-api-not-found',
    kubeFault: 'not-found',
    extra: ['kubernetes'],
    want: { kubernetes: 'not_found' },
  },
];
