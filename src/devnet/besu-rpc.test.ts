import { describe, expect, it } from 'vitest';
import { resolveBlockNumber, toBesuError, type NodeRpcContext } from './besu-rpc.js';
import { BftChain } from './bft-chain.js';
import type { ChainView } from './chain-view.js';
import { RpcError, type Json, type JsonObject } from './jsonrpc.js';
import { isReady } from './node-server.js';
import { planPorts } from './ports.js';

const view = (head: number): ChainView => ({
  head: () => head,
  record: () => undefined,
  numberOfHash: () => undefined,
});

describe('resolveBlockNumber', () => {
  it.each([
    { desc: 'latest', param: 'latest', number: 10 },
    { desc: 'pending-is-head', param: 'pending', number: 10 },
    { desc: 'missing-is-head', param: undefined, number: 10 },
    { desc: 'earliest', param: 'earliest', number: 0 },
    { desc: 'hex', param: '0x1f', number: 31 },
    { desc: 'decimal-deprecated', param: '12', number: 12 },
  ] satisfies Array<{ desc: string; param: Json | undefined; number: number }>)(
    '$desc',
    ({ param, number }) => {
      expect(resolveBlockNumber(param, view(10))).toBe(number);
    },
  );

  it.each([
    { desc: 'finalized-unset', param: 'finalized', code: -39001 },
    { desc: 'safe-unset', param: 'safe', code: -39001 },
    { desc: 'garbage', param: 'soon', code: -32602 },
    { desc: 'object', param: { x: 1 }, code: -32602 },
  ] satisfies Array<{ desc: string; param: Json; code: number }>)(
    'rejects $desc',
    ({ param, code }) => {
      const error = (() => {
        try {
          resolveBlockNumber(param, view(10));
        } catch (err) {
          return err;
        }
      })();

      expect(error).toBeInstanceOf(RpcError);
      expect((error as RpcError).rpc.code).toBe(code);
    },
  );
});

describe('toBesuError', () => {
  it.each([
    {
      desc: 'revert-with-reason',
      anvil: { code: 3, message: 'execution reverted: No data present', data: '0x08c379a0' },
      besu: { code: -32000, message: 'Execution reverted: No data present', data: '0x08c379a0' },
    },
    {
      desc: 'bare-revert',
      anvil: { code: 3, message: 'execution reverted' },
      besu: { code: -32000, message: 'Execution reverted' },
    },
    {
      desc: 'insufficient-funds',
      anvil: { code: -32003, message: 'Insufficient funds for gas * price + value' },
      besu: { code: -32004, message: 'Upfront cost exceeds account balance' },
    },
    {
      desc: 'nonce-too-low',
      anvil: { code: -32003, message: 'nonce too low' },
      besu: { code: -32001, message: 'Nonce too low' },
    },
    {
      desc: 'other-passes-through',
      anvil: { code: -32602, message: 'invalid type' },
      besu: { code: -32602, message: 'invalid type' },
    },
  ])('$desc', ({ anvil, besu }) => {
    expect(toBesuError(anvil)).toEqual(besu);
  });
});

describe('isReady (Besu ReadinessCheck)', () => {
  const ctx = (peers: number, syncing: false | JsonObject): NodeRpcContext => ({
    name: 'rpc-0',
    qbftApi: true,
    anvilUrl: 'http://127.0.0.1:1',
    chain: new BftChain(),
    validators: [],
    requestTimeoutSeconds: 1,
    view: () => view(0),
    chainId: () => 138,
    peerCount: () => peers,
    syncing: () => syncing,
    pendingVotes: new Map(),
  });
  const behind = (n: number) => ({
    startingBlock: '0x0',
    currentBlock: '0x10',
    highestBlock: `0x${(16 + n).toString(16)}`,
  });

  it.each([
    { desc: 'defaults-in-sync', peers: 5, syncing: false, query: '', ready: true },
    { desc: 'no-peers', peers: 0, syncing: false, query: '', ready: false },
    { desc: 'min-peers-zero', peers: 0, syncing: false, query: 'minPeers=0', ready: true },
    { desc: 'two-behind-ok', peers: 5, syncing: behind(2), query: '', ready: true },
    { desc: 'three-behind', peers: 5, syncing: behind(3), query: '', ready: false },
    {
      desc: 'raised-max-behind',
      peers: 5,
      syncing: behind(3),
      query: 'maxBlocksBehind=5',
      ready: true,
    },
    { desc: 'nan-param', peers: 5, syncing: false, query: 'minPeers=x', ready: false },
  ] satisfies Array<{
    desc: string;
    peers: number;
    syncing: false | JsonObject;
    query: string;
    ready: boolean;
  }>)('$desc', ({ peers, syncing, query, ready }) => {
    expect(isReady(ctx(peers, syncing), new URLSearchParams(query))).toBe(ready);
  });
});

describe('planPorts', () => {
  it('lays out the documented map from a base port', async () => {
    const ports = await planPorts(4, 8545);

    expect(ports).toEqual({
      gateway: 8545,
      rpc: [8546, 8547],
      validators: [8555, 8556, 8557, 8558],
      publisher: 8565,
      control: 8575,
      kube: 8576,
      anvil: 8585,
    });
  });

  it('refuses more validators than the map has room for', async () => {
    await expect(planPorts(11, 8545)).rejects.toThrow(/at most 10/);
  });

  it('picks distinct free ports without a base', async () => {
    const ports = await planPorts(4);
    const all = [
      ports.gateway,
      ...ports.rpc,
      ...ports.validators,
      ports.publisher,
      ports.control,
      ports.anvil,
    ];

    expect(new Set(all).size).toBe(all.length);
    expect(ports.kube).toBeUndefined();
  });
});
