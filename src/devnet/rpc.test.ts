import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnet, type Devnet } from './devnet.js';
import { isJsonObject } from './jsonrpc.js';
import { checkBlock, fetchBlock, postRpc, probeConnect, rpcResultOf, waitFor } from './testing.js';

let devnet: Devnet;
const urlOf = (name: string) => devnet.endpoints.find((e) => e.name === name)?.url ?? '';
const head = async (name = 'validator-0') =>
  Number(await rpcResultOf(urlOf(name), 'eth_blockNumber'));
const errorOf = (body: unknown) =>
  isJsonObject(body) && isJsonObject(body.error) ? body.error : null;

beforeAll(async () => {
  devnet = await startDevnet({
    blockPeriodSeconds: 1,
    heartbeatSeconds: 1,
    seed: 'rpc-test',
    kube: false,
  });
  await waitFor(async () => (await head()) >= 3, 20_000, 'three blocks');
});

afterAll(async () => {
  await devnet?.stop();
});

describe('Besu RPC surface', () => {
  it.each([
    {
      desc: 'client-version',
      method: 'web3_clientVersion',
      params: [],
      result: 'besu/v26.3.0/linux-x86_64/openjdk-java-21',
    },
    { desc: 'chain-id', method: 'eth_chainId', params: [], result: '0x8a' },
    { desc: 'net-version', method: 'net_version', params: [], result: '138' },
    { desc: 'syncing', method: 'eth_syncing', params: [], result: false },
    { desc: 'request-timeout', method: 'qbft_getRequestTimeoutSeconds', params: [], result: 1 },
    { desc: 'pending-votes', method: 'qbft_getPendingVotes', params: [], result: {} },
    { desc: 'accounts', method: 'eth_accounts', params: [], result: [] },
  ])('$desc', async ({ method, params, result }) => {
    expect(await rpcResultOf(urlOf('rpc-0'), method, params)).toEqual(result);
  });

  it.each([
    {
      desc: 'qbft-on-rpc-1',
      node: 'rpc-1',
      method: 'qbft_getValidatorsByBlockNumber',
      params: ['latest'],
      code: -32604,
      message: 'Method not enabled',
    },
    {
      desc: 'unknown-method',
      node: 'rpc-0',
      method: 'eth_nonsense',
      params: [],
      code: -32601,
      message: 'Method not found',
    },
    {
      desc: 'debug-not-enabled',
      node: 'rpc-0',
      method: 'debug_getRawHeader',
      params: ['latest'],
      code: -32604,
      message: 'Method not enabled',
    },
    {
      desc: 'ibft-on-qbft',
      node: 'rpc-0',
      method: 'ibft_getValidatorsByBlockNumber',
      params: ['latest'],
      code: -32604,
      message: 'Method not enabled',
    },
    {
      desc: 'signer-metrics-from-ge-to',
      node: 'rpc-0',
      method: 'qbft_getSignerMetrics',
      params: ['0x2', '0x2'],
      code: -32602,
      message: 'Invalid block number params',
    },
    {
      desc: 'bad-hash',
      node: 'rpc-0',
      method: 'qbft_getValidatorsByBlockHash',
      params: ['0x12'],
      code: -32602,
      message: 'Invalid block hash params',
    },
    {
      desc: 'finalized-unset',
      node: 'rpc-0',
      method: 'eth_getBlockByNumber',
      params: ['finalized', false],
      code: -39001,
      message: 'Unknown block',
    },
  ])('$desc', async ({ node, method, params, code, message }) => {
    const { status, body } = await postRpc(urlOf(node), method, params);

    expect(status).toBe(200);
    expect(errorOf(body)).toEqual({ code, message });
  });

  it('answers qbft_getValidatorsBy* with the sorted set, null for unknown blocks', async () => {
    const url = urlOf('validator-0');
    const block = await fetchBlock(url, 1);

    expect(await rpcResultOf(url, 'qbft_getValidatorsByBlockNumber', ['latest'])).toEqual(
      devnet.validators,
    );
    expect(await rpcResultOf(url, 'qbft_getValidatorsByBlockHash', [String(block.hash)])).toEqual(
      devnet.validators,
    );
    expect(await rpcResultOf(url, 'qbft_getValidatorsByBlockNumber', ['0xffffff'])).toBeNull();
    expect(
      await rpcResultOf(url, 'qbft_getValidatorsByBlockHash', [`0x${'ab'.repeat(32)}`]),
    ).toBeNull();
  });

  it('counts qbft_getSignerMetrics by coinbase over [from, to)', async () => {
    const metrics = await rpcResultOf(urlOf('rpc-0'), 'qbft_getSignerMetrics', ['0x1', '0x3']);
    const b1 = await fetchBlock(urlOf('rpc-0'), 1);
    const b2 = await fetchBlock(urlOf('rpc-0'), 2);
    const counted = (metrics as Array<{ address: string; proposedBlockCount: string }>)
      .filter((m) => m.proposedBlockCount !== '0x0')
      .map((m) => m.address)
      .sort();

    expect(counted).toEqual([String(b1.miner), String(b2.miner)].sort());
    expect((metrics as unknown[]).length).toBe(devnet.validators.length);
    const withGenesis = await rpcResultOf(urlOf('rpc-0'), 'qbft_getSignerMetrics', ['0x0', '0x2']);
    expect(JSON.stringify(withGenesis)).toContain(`0x${'00'.repeat(20)}`);
  });

  it('handles batches, parse errors (400) and empty batches (400)', async () => {
    const batch = await postRpc(urlOf('rpc-0'), [
      { jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] },
      { jsonrpc: '2.0', id: 2, method: 'nope', params: [] },
    ]);
    const parse = await fetch(urlOf('rpc-0'), { method: 'POST', body: '{nope' });
    const empty = await postRpc(urlOf('rpc-0'), []);

    expect(batch.status).toBe(200);
    expect(batch.body).toEqual([
      { jsonrpc: '2.0', id: 1, result: '0x8a' },
      { jsonrpc: '2.0', id: 2, error: { code: -32601, message: 'Method not found' } },
    ]);
    expect(parse.status).toBe(400);
    expect(errorOf(await parse.json())).toEqual({ code: -32700, message: 'Parse error' });
    expect(empty.status).toBe(400);
  });

  it('serves /liveness and /readiness with Besu semantics, pretty-printed', async () => {
    const live = await fetch(`${urlOf('rpc-0')}/liveness`);
    const liveText = await live.text();
    const ready = await fetch(`${urlOf('rpc-0')}/readiness`);
    const tooFewPeers = await fetch(`${urlOf('rpc-0')}/readiness?minPeers=100`);
    const notANumber = await fetch(`${urlOf('rpc-0')}/readiness?maxBlocksBehind=abc`);

    expect(live.status).toBe(200);
    expect(JSON.parse(liveText)).toEqual({ status: 'UP' });
    expect(liveText).toContain('\n');
    expect(ready.status).toBe(200);
    expect(tooFewPeers.status).toBe(503);
    expect(await tooFewPeers.json()).toEqual({ status: 'DOWN' });
    expect(notANumber.status).toBe(503);
  });

  it('rewrites blockHash in transactions, receipts and logs to the BFT hash', async () => {
    const url = urlOf('rpc-0');
    const block = await waitFor(
      async () => {
        const latest = await rpcResultOf(url, 'eth_getBlockByNumber', ['latest', true]);
        return isJsonObject(latest) &&
          Array.isArray(latest.transactions) &&
          latest.transactions.length > 0
          ? latest
          : undefined;
      },
      15_000,
      'a block with a transaction',
      300,
    );
    const tx = (block.transactions as Array<{ hash: string; blockHash: string }>)[0];
    const receipt = await rpcResultOf(url, 'eth_getTransactionReceipt', [String(tx?.hash)]);
    const byHash = await rpcResultOf(url, 'eth_getTransactionByHash', [String(tx?.hash)]);
    const logs = await rpcResultOf(url, 'eth_getLogs', [{ blockHash: String(block.hash) }]);

    expect(tx?.blockHash).toBe(block.hash);
    expect(isJsonObject(receipt) && receipt.blockHash).toBe(block.hash);
    expect(isJsonObject(byHash) && byHash.blockHash).toBe(block.hash);
    expect(Array.isArray(logs) && logs.length).toBeGreaterThan(0);
    for (const log of logs as Array<{ blockHash: string }>) expect(log.blockHash).toBe(block.hash);
  });
});

describe('RPC node faults', () => {
  it('delays answers on rpc-slow', async () => {
    await devnet.setFault('rpc-slow', true, { target: 'rpc-0', latencyMs: 800 });
    const started = Date.now();
    await rpcResultOf(urlOf('rpc-0'), 'eth_chainId');
    const elapsed = Date.now() - started;
    await devnet.setFault('rpc-slow', false, { target: 'rpc-0' });

    expect(elapsed).toBeGreaterThanOrEqual(800);
  });

  it.each([
    { desc: 'jsonrpc-error', mode: 'jsonrpc', status: 200, code: -32603 },
    { desc: 'http-500', mode: 'http500', status: 500, code: null },
  ])('fails every request on rpc-error ($desc)', async ({ mode, status, code }) => {
    await devnet.setFault('rpc-error', true, { target: 'rpc-0', rate: 1, mode });
    const { status: got, body } = await postRpc(urlOf('rpc-0'), 'eth_blockNumber');
    await devnet.setFault('rpc-error', false, { target: 'rpc-0' });

    expect(got).toBe(status);
    expect(errorOf(body)?.code ?? null).toBe(code);
  });

  it('answers 429 beyond the rate limit', async () => {
    await devnet.setFault('rpc-rate-limit', true, { target: 'rpc-0', rps: 2 });
    const exchanges = await Promise.all(
      [0, 1, 2, 3].map(() => postRpc(urlOf('rpc-0'), 'eth_chainId')),
    );
    const statuses = exchanges.map((e) => e.status).sort();
    await devnet.setFault('rpc-rate-limit', false, { target: 'rpc-0' });

    expect(statuses).toEqual([200, 200, 429, 429]);
  });

  it('accepts and never answers on rpc-hang', async () => {
    await devnet.setFault('rpc-hang', true, { target: 'rpc-1' });
    const hung = postRpc(urlOf('rpc-1'), 'eth_chainId', [], 700);
    await expect(hung).rejects.toThrow(/abort|timeout/i);
    await devnet.setFault('rpc-hang', false, { target: 'rpc-1' });

    expect(await rpcResultOf(urlOf('rpc-1'), 'eth_chainId')).toBe('0x8a');
  });

  it('refuses connections on rpc-down and comes back on the same port', async () => {
    await devnet.setFault('rpc-down', true, { target: 'rpc-1' });
    const refused = await probeConnect(urlOf('rpc-1'));
    await devnet.setFault('rpc-down', false, { target: 'rpc-1' });

    expect(refused).toBe('ECONNREFUSED');
    expect(await rpcResultOf(urlOf('rpc-1'), 'eth_chainId')).toBe('0x8a');
  });

  it('reports another chain id on rpc-wrong-chain-id', async () => {
    await devnet.setFault('rpc-wrong-chain-id', true, { target: 'rpc-1', chainId: 1337 });
    const chainId = await rpcResultOf(urlOf('rpc-1'), 'eth_chainId');
    const netVersion = await rpcResultOf(urlOf('rpc-1'), 'net_version');
    await devnet.setFault('rpc-wrong-chain-id', false, { target: 'rpc-1' });

    expect(chainId).toBe('0x539');
    expect(netVersion).toBe('1337');
  });

  it('freezes the head on rpc-stuck, reports syncing and turns not ready', async () => {
    const fault = await devnet.setFault('rpc-stuck', true, { target: 'rpc-1' });
    const stuckAt = Number(fault?.params.head);
    await waitFor(async () => (await head()) > stuckAt + 3, 15_000, 'the chain to move on');
    const served = Number(await rpcResultOf(urlOf('rpc-1'), 'eth_blockNumber'));
    const syncing = await rpcResultOf(urlOf('rpc-1'), 'eth_syncing');
    const beyond = await rpcResultOf(urlOf('rpc-1'), 'eth_getBlockByNumber', [
      `0x${(stuckAt + 1).toString(16)}`,
      false,
    ]);
    const readiness = await fetch(`${urlOf('rpc-1')}/readiness`);
    await devnet.setFault('rpc-stuck', false, { target: 'rpc-1' });

    expect(served).toBe(stuckAt);
    expect(isJsonObject(syncing) && Number(syncing.highestBlock)).toBeGreaterThan(stuckAt + 3);
    expect(beyond).toBeNull();
    expect(readiness.status).toBe(503);
  });

  it('serves a validly sealed side branch from the fork point on rpc-fork', async () => {
    const fault = await devnet.setFault('rpc-fork', true, { target: 'rpc-0', depth: 2 });
    const from = Number(fault?.params.fromBlock);
    const tip = await head();
    const forked = await fetchBlock(urlOf('rpc-0'), from);
    const canonical = await fetchBlock(urlOf('validator-0'), from);
    const below = await fetchBlock(urlOf('rpc-0'), from - 1);
    const canonicalBelow = await fetchBlock(urlOf('validator-0'), from - 1);
    const forkTip = await fetchBlock(urlOf('rpc-0'), tip);
    const forkTipParent = await fetchBlock(urlOf('rpc-0'), tip - 1);
    const byHash = await rpcResultOf(urlOf('rpc-0'), 'eth_getBlockByHash', [
      String(forked.hash),
      false,
    ]);
    const unknownElsewhere = await rpcResultOf(urlOf('validator-0'), 'eth_getBlockByHash', [
      String(forked.hash),
      false,
    ]);
    await devnet.setFault('rpc-fork', false, { target: 'rpc-0' });

    expect(forked.hash).not.toBe(canonical.hash);
    expect(below.hash).toBe(canonicalBelow.hash);
    expect(checkBlock(forked, below).verdict.valid).toBe(true);
    expect(checkBlock(forked, below).hashMatches).toBe(true);
    expect(checkBlock(forkTip, forkTipParent).parentLinks).toBe(true);
    expect(byHash).toEqual(forked);
    expect(unknownElsewhere).toBeNull();
  });
});

describe('gateway', () => {
  it('round-robins rpc-0 (QBFT API) and rpc-1 (without)', async () => {
    const gateway = urlOf('gateway');
    const codes = [];
    for (let i = 0; i < 4; i++) {
      const { body } = await postRpc(gateway, 'qbft_getRequestTimeoutSeconds');
      codes.push(errorOf(body)?.code ?? 'ok');
    }

    expect(codes.filter((c) => c === 'ok')).toHaveLength(2);
    expect(codes.filter((c) => c === -32604)).toHaveLength(2);
  });

  it('answers 503 on gateway-error and skips a down backend', async () => {
    await devnet.setFault('gateway-error', true, { status: 503 });
    const failing = await postRpc(urlOf('gateway'), 'eth_chainId');
    await devnet.setFault('gateway-error', false);
    await devnet.setFault('rpc-down', true, { target: 'rpc-0' });
    const results = [];
    for (let i = 0; i < 3; i++)
      results.push((await postRpc(urlOf('gateway'), 'eth_chainId')).status);
    await devnet.setFault('rpc-down', true, { target: 'rpc-1' });
    const allDown = await postRpc(urlOf('gateway'), 'eth_chainId');
    await devnet.setFault('rpc-down', false, { target: 'rpc-0' });
    await devnet.setFault('rpc-down', false, { target: 'rpc-1' });

    expect(failing.status).toBe(503);
    expect(results).toEqual([200, 200, 200]);
    expect(allDown.status).toBe(502);
  });
});

describe('control API and CLI', () => {
  const control = () => devnet.controlUrl;
  const post = (name: string, body: unknown) =>
    fetch(`${control()}/faults/${name}`, { method: 'POST', body: JSON.stringify(body) });

  it('switches faults over HTTP and lists them', async () => {
    const on = await post('rpc-slow', { on: true, target: 'rpc-1', latencyMs: 10 });
    const listed = (await (await fetch(`${control()}/faults`)).json()) as {
      active: unknown[];
      available: Array<{ name: string }>;
    };
    const state = (await (await fetch(`${control()}/state`)).json()) as {
      faults: unknown[];
      head: { number: number };
    };
    const off = await post('rpc-slow', { on: false, target: 'rpc-1' });

    expect(on.status).toBe(200);
    expect(listed.active).toEqual([
      expect.objectContaining({ name: 'rpc-slow', target: 'rpc-1', params: { latencyMs: 10 } }),
    ]);
    expect(listed.available.map((f) => f.name)).toContain('publisher-stuck-tx');
    expect(state.faults).toHaveLength(1);
    expect(state.head.number).toBeGreaterThan(0);
    expect(off.status).toBe(200);
    expect(devnet.faults()).toEqual([]);
  });

  it.each([
    { desc: 'unknown-fault', name: 'meteor-strike', body: { on: true }, status: 404 },
    {
      desc: 'bad-target',
      name: 'validator-down',
      body: { on: true, target: 'rpc-0' },
      status: 400,
    },
    { desc: 'bad-param', name: 'rpc-slow', body: { on: true, latencyMs: 'soon' }, status: 400 },
    { desc: 'unknown-param', name: 'rpc-slow', body: { on: true, colour: 'red' }, status: 400 },
    { desc: 'missing-on', name: 'rpc-slow', body: { target: 'rpc-0' }, status: 400 },
    {
      desc: 'kube-not-running',
      name: 'pod-crashloop',
      body: { on: true, target: 'besu-validator-0' },
      status: 409,
    },
  ])('refuses a bad request ($desc)', async ({ name, body, status }) => {
    expect((await post(name, body)).status).toBe(status);
    expect(devnet.faults()).toEqual([]);
  });

  it('drives faults from the CLI', async () => {
    const cli = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/devnet/cli.ts', ...args], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
        });
        child.on('exit', (code) => resolve({ code, out }));
      });
    const on = await cli([
      'fault',
      'rpc-wrong-chain-id',
      'on',
      '--target',
      'rpc-1',
      '--param',
      'chainId=5',
      '--control-url',
      control(),
    ]);
    const chainId = await rpcResultOf(urlOf('rpc-1'), 'eth_chainId');
    const status = await cli(['status', '--control-url', control()]);
    const off = await cli([
      'fault',
      'rpc-wrong-chain-id',
      'off',
      '--target',
      'rpc-1',
      '--control-url',
      control(),
    ]);

    expect(on.code).toBe(0);
    expect(chainId).toBe('0x5');
    expect(JSON.parse(status.out).faults).toHaveLength(1);
    expect(off.code).toBe(0);
    expect(devnet.faults()).toEqual([]);
  });
});
