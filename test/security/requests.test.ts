import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeExtraData } from '../../src/consensus/extra-data.js';
import { PRIVILEGED_METHODS, READ_METHODS } from '../../src/probes/security/methods.js';
import { startTestServer, type TestServer } from '../helpers/jsonrpc-server.js';
import { securityHarness } from './harness.js';

// The worst case for safety: an endpoint that serves every method and answers each with a
// plausible success. Whatever the probe sends to it, it would have done on a real node.

const A = `0x${'a'.repeat(40)}`;
const B = `0x${'b'.repeat(40)}`;
const WORD = `0x${'0'.repeat(24)}${'c'.repeat(40)}`;

/** Methods that change state whatever their params, or sign, or unlock: never to be sent. */
const STATE_CHANGING = [
  /^eth_send(Raw)?Transaction$/,
  /^eth_sign/,
  /^personal_(unlock|sign|send|import|newAccount|lock)/i,
  /^miner_(start|stop|set)/,
  /^admin_(addPeer|removePeer|addTrustedPeer|changeLogLevel|logsRe|generateLog)/,
  /^debug_(setHead|resetChain|replayBlock)/,
  /^(perm|priv|eea|plugins)_(add|remove|reload|create|delete|distribute|send)/,
  /_(propose|discard|vote)/i,
  /^txpool_(drop|remove)/,
];

/** Problems with one request: unknown method, state-changing method with params, etc. */
function problemsOf(body: string): string[] {
  const { method, params } = JSON.parse(body) as { method: string; params: unknown[] };
  const reviewed = PRIVILEGED_METHODS.find((m) => m.method === method);
  const known = reviewed !== undefined || (READ_METHODS as readonly string[]).includes(method);
  const out: string[] = [];
  if (!known) out.push(`${method} is on no reviewed list`);
  if (reviewed && JSON.stringify(params) !== JSON.stringify(reviewed.params))
    out.push(`${method} sent with unreviewed params ${JSON.stringify(params)}`);
  if (STATE_CHANGING.some((re) => re.test(method)) && params.length > 0)
    out.push(`${method} sent with params: it could act`);
  if (/^(eth_sendRawTransaction|eth_sendTransaction|miner_start|admin_addPeer)$/.test(method))
    out.push(`${method} sent at all`);
  return out;
}

let server: TestServer;
let head = 10;

function block(n: number): Record<string, unknown> {
  const extra = {
    vanity: `0x${'00'.repeat(32)}`,
    validators: [A, B],
    vote: null,
    round: 0,
    seals: [],
  };
  return {
    number: `0x${n.toString(16)}`,
    hash: `0x${n.toString(16).padStart(64, '0')}`,
    extraData: encodeExtraData(extra, 'qbft', 'full'),
    transactions: [{ hash: `0x${'1'.repeat(64)}`, from: A, to: B }],
  };
}

function answer(method: string, params: unknown[]): unknown {
  switch (method) {
    case 'eth_chainId':
      return '0x8a';
    case 'eth_blockNumber':
      return `0x${(head += 2).toString(16)}`;
    case 'eth_getBlockByNumber':
      return block(params[0] === 'latest' ? head : Number(params[0] ?? 0));
    case 'eth_getBalance':
    case 'eth_getTransactionCount':
      return '0x5';
    case 'eth_call':
    case 'eth_getStorageAt':
      return WORD;
    case 'qbft_getValidatorsByBlockNumber':
      return [A, B];
    case 'qbft_getPendingVotes':
      return {};
    default:
      return true; // Every privileged method "succeeds": the worst case.
  }
}

beforeAll(async () => {
  server = await startTestServer((_req, body, res) => {
    const { id, method, params } = JSON.parse(body) as { id: number; method: string; params: [] };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ jsonrpc: '2.0', id, result: answer(method, params) }));
  });
});

afterAll(async () => {
  await server?.stop();
});

describe('requests the security probe sends', () => {
  it('are all on a reviewed list, with reviewed params, and none can change state', async () => {
    const h = securityHarness([{ name: 'edge', url: server.url, role: 'gateway', public: true }], {
      expectedValidators: [A, B],
      watchedAccounts: [{ name: 'ops', address: A, allowedDestinations: [B] }],
      contractChecks: [
        { name: 'owner', address: B, call: 'owner()' },
        { name: 'impl', address: B, slot: 'eip1967.implementation' },
      ],
    });
    for (let i = 0; i < 3; i++) await h.runAll();

    const methods = new Set(server.requests.map((r) => JSON.parse(r.body).method as string));
    // Every check ran: each privileged method and each read was sent at least once.
    for (const m of [...PRIVILEGED_METHODS.map((p) => p.method), ...READ_METHODS])
      expect(methods).toContain(m);
    expect(server.requests.flatMap((r) => problemsOf(r.body))).toEqual([]);
    // Privileged requests go through a client of their own: refusals are no transport errors.
    const privileged = new Set<string>(PRIVILEGED_METHODS.map((p) => p.method));
    expect(h.observed.filter((m) => privileged.has(m))).toEqual([]);
    expect(h.observed).toContain('eth_chainId');
    expect(
      await h.value('chainprobe_security_method_exposed', {
        endpoint: 'edge',
        method: 'admin_peers',
      }),
    ).toBe(1);
    await h.close();
    // Leaving the configuration deletes the probe's series.
    const gone = { endpoint: 'edge', method: 'admin_peers' };
    expect(await h.value('chainprobe_security_method_exposed', gone)).toBeUndefined();
  });

  it.each([
    { desc: 'raw-transaction', body: { method: 'eth_sendRawTransaction', params: ['0x02'] } },
    {
      desc: 'vote-with-an-address',
      body: { method: 'qbft_proposeValidatorVote', params: [A, true] },
    },
    { desc: 'miner-start', body: { method: 'miner_start', params: [] } },
    { desc: 'add-peer', body: { method: 'admin_addPeer', params: ['enode://x'] } },
    { desc: 'unlock', body: { method: 'personal_unlockAccount', params: [A, 'pw'] } },
    {
      desc: 'trace-of-a-real-block',
      body: { method: 'debug_traceBlockByNumber', params: ['0x1'] },
    },
  ])('the check itself catches $desc', ({ body }) => {
    expect(problemsOf(JSON.stringify(body)).length).toBeGreaterThan(0);
  });

  it('every reviewed privileged method takes no params or deliberately invalid ones', () => {
    for (const { method, params } of PRIVILEGED_METHODS) {
      const invalid = params.every((p) => p === 'not-a-block');
      expect({ method, ok: params.length === 0 || invalid }).toEqual({ method, ok: true });
    }
  });
});
