import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeExtraData } from '../../src/consensus/extra-data.js';
import { startTestServer, type TestServer } from '../helpers/jsonrpc-server.js';
import { securityHarness, type SecurityHarness } from './harness.js';

// A scripted node: each test sets what the chain looks like, the probe reads it.
const A = `0x${'a'.repeat(40)}`;
const B = `0x${'b'.repeat(40)}`;
const X = `0x${'e'.repeat(40)}`;
const FEED = `0x${'f'.repeat(40)}`;

interface Chain {
  head: number;
  validators: string[];
  headerVote: { recipient: string; add: boolean } | null;
  qbftEnabled: boolean;
  txs: Record<number, Array<{ from: string; to: string | null }>>;
  nonce: number;
  balanceWei: bigint;
}

let server: TestServer;
let chain: Chain;

function block(n: number, full: boolean): Record<string, unknown> {
  const extra = {
    vanity: `0x${'00'.repeat(32)}`,
    validators: chain.validators,
    vote: chain.headerVote,
    round: 0,
    seals: [],
  };
  const txs = (chain.txs[n] ?? []).map((t, i) => ({
    hash: `0x${(n * 100 + i).toString(16).padStart(64, '0')}`,
    ...t,
  }));
  return {
    number: `0x${n.toString(16)}`,
    hash: `0x${(n + 1).toString(16).padStart(64, '0')}`,
    extraData: encodeExtraData(extra, 'qbft', 'full'),
    transactions: full ? txs : txs.map((t) => t.hash),
  };
}

function answer(method: string, params: unknown[]): { result?: unknown; error?: unknown } {
  const disabled = { error: { code: -32604, message: 'Method not enabled' } };
  switch (method) {
    case 'eth_chainId':
      return { result: '0x8a' };
    case 'eth_blockNumber':
      return { result: `0x${chain.head.toString(16)}` };
    case 'eth_getBlockByNumber':
      return {
        result: block(params[0] === 'latest' ? chain.head : Number(params[0]), params[1] === true),
      };
    case 'qbft_getValidatorsByBlockNumber':
      return chain.qbftEnabled ? { result: chain.validators } : disabled;
    case 'qbft_getPendingVotes':
      return chain.qbftEnabled ? { result: {} } : disabled;
    case 'eth_getTransactionCount':
      return { result: `0x${chain.nonce.toString(16)}` };
    case 'eth_getBalance':
      return { result: `0x${chain.balanceWei.toString(16)}` };
    default:
      return { error: { code: -32601, message: 'Method not found' } };
  }
}

let probe: SecurityHarness;

beforeAll(async () => {
  server = await startTestServer((_req, body, res) => {
    const { id, method, params } = JSON.parse(body) as { id: number; method: string; params: [] };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ jsonrpc: '2.0', id, ...answer(method, params) }));
  });
});

afterAll(async () => {
  await probe?.close();
  await server?.stop();
});

function fresh(options: Record<string, unknown>): SecurityHarness {
  chain = {
    head: 10,
    validators: [A, B],
    headerVote: null,
    qbftEnabled: true,
    txs: {},
    nonce: 3,
    balanceWei: 10n ** 19n,
  };
  probe = securityHarness([{ name: 'node', url: server.url, role: 'validator' }], options);
  return probe;
}

describe('validator set from the chain', () => {
  it('counts a set change, and a header vote for a stranger, with the QBFT API disabled', async () => {
    const h = fresh({ expectedValidators: [A, B] });
    chain.qbftEnabled = false;
    expect(await h.run('validator-set')).toEqual({ ok: true });
    chain.validators = [A, B, X];
    chain.headerVote = { recipient: X, add: true };
    const r = await h.run('validator-set');
    expect(r.detail).toContain(`validators not on the allow-list: ${X}`);
    expect(await h.value('chainprobe_security_validator_set_changes_total')).toBe(1);
    expect(await h.value('chainprobe_security_validator_unexpected')).toBe(1);
    expect(await h.value('chainprobe_security_validator_votes_unexpected')).toBe(1);
  });
});

describe('watched accounts', () => {
  const account = { name: 'ops', address: A, allowedDestinations: [FEED], maxSpendPerHourEther: 1 };

  it('matches nonce advances with the transactions seen, and counts the unseen', async () => {
    const h = fresh({ watchedAccounts: [account] });
    await h.run('watched-accounts');
    chain.txs[11] = [{ from: A, to: FEED }];
    chain.txs[12] = [{ from: B, to: X }];
    chain.head = 12;
    chain.nonce = 4;
    expect(await h.run('watched-accounts')).toEqual({ ok: true });
    chain.head = 13;
    chain.nonce = 6;
    const r = await h.run('watched-accounts');
    expect(r.detail).toContain('ops nonce advanced 2 unseen');
    const labels = { account: 'ops', class: 'unexplained_nonce' };
    expect(await h.value('chainprobe_security_account_events_total', labels)).toBe(2);
  });

  it('finds transfers anywhere in a catch-up of more blocks than are fetched at once', async () => {
    const h = fresh({ watchedAccounts: [account] });
    await h.run('watched-accounts');
    chain.txs[12] = [{ from: A, to: X }];
    chain.txs[27] = [{ from: A, to: FEED }];
    chain.head = 30;
    chain.nonce = 5;
    const r = await h.run('watched-accounts');
    expect(r.detail).toContain(`last to ${X} in block 12`);
    const labels = { account: 'ops', class: 'unexpected_destination' };
    expect(await h.value('chainprobe_security_account_events_total', labels)).toBe(1);
    const nonce = { account: 'ops', class: 'unexplained_nonce' };
    expect(await h.value('chainprobe_security_account_events_total', nonce)).toBe(0);
  });

  it('re-baselines after a gap longer than maxScanBlocks instead of guessing', async () => {
    const h = fresh({ watchedAccounts: [account], maxScanBlocks: 5 });
    await h.run('watched-accounts');
    chain.head = 100;
    chain.nonce = 50;
    await h.run('watched-accounts');
    const labels = { account: 'ops', class: 'unexplained_nonce' };
    expect(await h.value('chainprobe_security_account_events_total', labels)).toBe(0);
  });

  it('reports a contract creation and a drain over the hourly profile', async () => {
    const h = fresh({ watchedAccounts: [account] });
    await h.run('watched-accounts');
    chain.txs[11] = [{ from: A, to: null }];
    chain.head = 11;
    chain.nonce = 4;
    chain.balanceWei -= 3n * 10n ** 18n;
    const r = await h.run('watched-accounts');
    expect(r.detail).toContain('last to a contract creation in block 11');
    expect(r.detail).toContain('spent 3 ether in the last hour (limit 1)');
    expect(await h.value('chainprobe_security_account_spent_ether', { account: 'ops' })).toBe(3);
    expect(await h.value('chainprobe_security_account_spend_limit_ether', { account: 'ops' })).toBe(
      1,
    );
  });
});
