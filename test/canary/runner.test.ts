import { Transaction, Wallet } from 'ethers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/jsonrpc-server.js';
import { canaryHarness } from './harness.js';

// The runner against a scripted node: fee choice, signing, Besu's send errors, the spend cap
// and the one-in-flight rule, without a chain.
const KEY_ENV = 'CHAINPROBE_TEST_RUNNER_CANARY_KEY';
const wallet = Wallet.createRandom();
const gwei = 1_000_000_000n;
const hex = (n: bigint | number) => `0x${n.toString(16)}`;

interface Node {
  baseFee: bigint | null;
  balance: bigint;
  latest: number;
  sent: Transaction[];
  /** What eth_sendRawTransaction answers: a hash (undefined), a JSON-RPC error or a status. */
  sendAnswer?: { code: number; message: string } | { status: number };
  receiptStatus: string | null;
  /** Delay before eth_sendRawTransaction answers (the transaction is taken at once). */
  sendDelayMs?: number;
}

let server: TestServer;
let node: Node;

function answer(method: string, params: unknown[]): unknown {
  const last = node.sent.at(-1);
  switch (method) {
    case 'eth_getBlockByNumber':
      return { number: '0x64', timestamp: hex(Math.floor(Date.now() / 1000)), ...baseFee() };
    case 'eth_blockNumber':
      return '0x64';
    case 'eth_getBalance':
      return hex(node.balance);
    case 'eth_getTransactionCount':
      return hex(params[1] === 'pending' ? node.latest + node.sent.length : node.latest);
    case 'eth_maxPriorityFeePerGas':
      return hex(2n * gwei);
    case 'eth_gasPrice':
      return hex(3n * gwei);
    case 'eth_getTransactionReceipt':
      return last && node.receiptStatus !== null
        ? { blockNumber: '0x65', status: node.receiptStatus, transactionHash: last.hash }
        : null;
    default:
      return undefined;
  }
}

function baseFee(): Record<string, string> {
  return node.baseFee === null ? {} : { baseFeePerGas: hex(node.baseFee) };
}

beforeAll(async () => {
  process.env[KEY_ENV] = wallet.privateKey;
  server = await startTestServer(async (_req, body, res) => {
    const msg = JSON.parse(body) as { id: number; method: string; params: unknown[] };
    if (msg.method === 'eth_sendRawTransaction') {
      const a = node.sendAnswer;
      if (a && 'status' in a) {
        res.writeHead(a.status).end('<html>refused</html>');
        return;
      }
      const tx = Transaction.from(msg.params[0] as string);
      if (!a) node.sent.push(tx);
      if (node.sendDelayMs) await new Promise((r) => setTimeout(r, node.sendDelayMs));
      const out = a ? { error: a } : { result: tx.hash };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, ...out }));
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: answer(msg.method, msg.params) }));
  });
});

beforeEach(() => {
  node = { baseFee: 0n, balance: 10n ** 18n, latest: 5, sent: [], receiptStatus: '0x1' };
});

afterAll(async () => {
  delete process.env[KEY_ENV];
  await server?.stop();
});

async function runOnce(options: Record<string, unknown> = {}) {
  const h = canaryHarness(server.url, { keyEnv: KEY_ENV, ...options }, { timeoutMs: 1500 });
  try {
    return { result: await h.run(), inFlight: await h.value('in_flight') };
  } finally {
    await h.close();
  }
}

describe('canary transaction', () => {
  it.each([
    {
      desc: 'zero-base-fee-eip1559-with-node-tip',
      base: 0n,
      options: {},
      want: { type: 2, maxFeePerGas: 2n * gwei, maxPriorityFeePerGas: 2n * gwei },
    },
    {
      desc: 'eip1559-twice-base-plus-tip',
      base: 7n * gwei,
      options: {},
      want: { type: 2, maxFeePerGas: 16n * gwei, maxPriorityFeePerGas: 2n * gwei },
    },
    {
      desc: 'configured-tip',
      base: 1n * gwei,
      options: { priorityFeeGwei: 0.5 },
      want: { type: 2, maxFeePerGas: 2500000000n, maxPriorityFeePerGas: 500000000n },
    },
    {
      desc: 'legacy-without-base-fee',
      base: null,
      options: {},
      want: { type: 0, gasPrice: 3n * gwei },
    },
  ])('$desc', async ({ base, options, want }) => {
    node.baseFee = base;
    const { result } = await runOnce(options);
    expect(result).toMatchObject({ ok: true });
    expect(node.sent).toHaveLength(1);
    const tx = node.sent[0] as Transaction;
    expect(tx).toMatchObject({ ...want, chainId: 138n, nonce: 5, value: 0n, gasLimit: 21000n });
    expect(tx.from).toBe(wallet.address);
    expect(tx.to).toBe(wallet.address);
  });

  it('sends to a configured contract with its calldata and gas limit', async () => {
    const to = '0x00000000000000000000000000000000000000aa';
    await runOnce({ to, data: '0x12345678', gasLimit: 30000 });
    const tx = node.sent[0] as Transaction;
    expect([tx.to?.toLowerCase(), tx.data]).toEqual([to, '0x12345678']);
    expect(node.sent[0]?.gasLimit).toBe(30000n);
  });
});

describe('canary failures', () => {
  it.each([
    {
      desc: 'besu-min-gas-price',
      answer: { code: -32009, message: 'Gas price below configured minimum gas price' },
      want: 'rejected_underpriced',
    },
    {
      desc: 'besu-nonce-too-low',
      answer: { code: -32001, message: 'Nonce too low' },
      want: 'rejected_nonce_too_low',
    },
    {
      desc: 'besu-upfront-cost',
      answer: { code: -32004, message: 'Upfront cost exceeds account balance' },
      want: 'insufficient_funds',
    },
    {
      desc: 'pool-full',
      answer: { code: -32000, message: 'txpool is full' },
      want: 'rejected_pool_full',
    },
    {
      desc: 'method-not-enabled',
      answer: { code: -32604, message: 'Method not enabled' },
      want: 'send_refused',
    },
    { desc: 'http-403', answer: { status: 403 }, want: 'send_refused' },
    { desc: 'http-502', answer: { status: 502 }, want: 'send_refused' },
  ])('classifies $desc and keeps nothing in flight', async ({ answer: a, want }) => {
    node.sendAnswer = a;
    const { result, inFlight } = await runOnce();
    expect(result).toMatchObject({ ok: false, errorClass: want });
    expect(inFlight).toBe(0);
  });

  it('stops at the spend cap without sending', async () => {
    node.balance = 10n ** 15n; // 0.001 ether, below the default 0.01
    const seen = server.requests.length;
    const { result } = await runOnce();
    expect(result).toMatchObject({ ok: false, errorClass: 'insufficient_funds' });
    const requests = server.requests.slice(seen);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.some((r) => r.body.includes('eth_sendRawTransaction'))).toBe(false);
    expect(node.sent).toHaveLength(0);
  });

  it('reports a reverted receipt as reverted', async () => {
    node.receiptStatus = '0x0';
    expect((await runOnce()).result).toMatchObject({ ok: false, errorClass: 'reverted' });
  });

  it('never sends a second transaction while one is in flight', async () => {
    node.receiptStatus = null;
    const h = canaryHarness(
      server.url,
      { keyEnv: KEY_ENV, maxInclusionBlocks: 50 },
      { timeoutMs: 600 },
    );
    try {
      for (let i = 0; i < 3; i++) {
        expect(await h.run()).toMatchObject({ ok: false, errorClass: 'not_included' });
      }
      expect(node.sent).toHaveLength(1);
      expect(await h.value('in_flight')).toBe(1);
      node.receiptStatus = '0x1';
      expect(await h.run()).toMatchObject({ ok: true });
      expect(node.sent).toHaveLength(1);
      expect(await h.value('in_flight')).toBe(0);
    } finally {
      await h.close();
    }
  });

  it('follows a transaction whose send was cut short instead of sending another', async () => {
    node.sendDelayMs = 500;
    const h = canaryHarness(server.url, { keyEnv: KEY_ENV }, { timeoutMs: 1500 });
    try {
      await expect(h.run(AbortSignal.timeout(200))).resolves.toMatchObject({ ok: false });
      expect(await h.value('in_flight')).toBe(1);
      node.sendDelayMs = 0;
      expect(await h.run()).toMatchObject({ ok: true });
      expect(node.sent).toHaveLength(1);
    } finally {
      await h.close();
    }
  });
});

describe('canary timestamps', () => {
  it('exports its start before any run and keeps it through failures', async () => {
    node.sendAnswer = { code: -32000, message: 'txpool is full' };
    const before = Date.now() / 1000;
    const h = canaryHarness(server.url, { keyEnv: KEY_ENV }, { timeoutMs: 1500 });
    try {
      const started = await h.value('started_timestamp_seconds');
      expect(started).toBeGreaterThanOrEqual(before);
      expect(started).toBeLessThanOrEqual(Date.now() / 1000);
      expect(await h.value('last_success_timestamp_seconds')).toBeUndefined();

      expect(await h.run()).toMatchObject({ ok: false, errorClass: 'rejected_pool_full' });
      expect(await h.value('started_timestamp_seconds')).toBe(started);
      expect(await h.value('last_success_timestamp_seconds')).toBeUndefined();

      node.sendAnswer = undefined;
      expect(await h.run()).toMatchObject({ ok: true });
      expect(await h.value('last_success_timestamp_seconds')).toBeGreaterThanOrEqual(started!);
    } finally {
      await h.close();
    }
  });

  it('restarts its start on a new runner and drops it on dispose', async () => {
    const h = canaryHarness(server.url, { keyEnv: KEY_ENV }, { timeoutMs: 1500 });
    try {
      const first = await h.value('started_timestamp_seconds');
      await new Promise((r) => setTimeout(r, 20));
      h.restart();
      expect(await h.value('started_timestamp_seconds')).toBeGreaterThan(first!);
      h.dispose();
      expect(await h.value('started_timestamp_seconds')).toBeUndefined();
    } finally {
      await h.close();
    }
  });
});
