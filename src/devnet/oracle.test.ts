import { Interface } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnet, type Devnet } from './devnet.js';
import { compileFeed, deployFeed } from './feed-contract.js';
import { isJsonObject } from './jsonrpc.js';
import { deriveKey } from './keys.js';
import { postRpc, probeConnect, rpcResultOf, waitFor } from './testing.js';

const FEED = new Interface([
  'function latestRoundData() view returns (uint80,int256,uint256,uint256,uint80)',
  'function getRoundData(uint80) view returns (uint80,int256,uint256,uint256,uint80)',
  'function decimals() view returns (uint8)',
  'function description() view returns (string)',
  'function version() view returns (uint256)',
]);

let devnet: Devnet;
let gateway: string;
let feed: string;

async function call(fn: string, args: unknown[] = [], address = feed) {
  const data = FEED.encodeFunctionData(fn, args);
  const result = await rpcResultOf(gateway, 'eth_call', [{ to: address, data }, 'latest']);
  return FEED.decodeFunctionResult(fn, String(result));
}

const latest = async () => {
  const [roundId, answer, , updatedAt] = await call('latestRoundData');
  return { roundId: Number(roundId), answer: BigInt(answer), updatedAt: Number(updatedAt) };
};

async function publisherStatus(): Promise<{
  breaker: { state: string };
  publisher: { skippedTotal: number };
}> {
  return (await (await fetch(devnet.publisher.breakerJsonUrl)).json()) as {
    breaker: { state: string };
    publisher: { skippedTotal: number };
  };
}

async function breaker(): Promise<{ state: string }> {
  return (await publisherStatus()).breaker;
}

const nonces = async () => {
  const address = devnet.publisher.address;
  const [pending, latestNonce] = await Promise.all([
    rpcResultOf(gateway, 'eth_getTransactionCount', [address, 'pending']),
    rpcResultOf(gateway, 'eth_getTransactionCount', [address, 'latest']),
  ]);
  return { pending: Number(pending), latest: Number(latestNonce) };
};

beforeAll(async () => {
  devnet = await startDevnet({
    blockPeriodSeconds: 1,
    heartbeatSeconds: 1,
    publisherTxTimeoutSeconds: 2.5,
    breakerFailureThreshold: 2,
    breakerCooldownSeconds: 2,
    seed: 'oracle-test',
  });
  gateway = devnet.endpoints.find((e) => e.name === 'gateway')?.url ?? '';
  feed = devnet.feeds[0]?.address ?? '';
  await waitFor(async () => (await latest()).roundId >= 1, 20_000, 'the first price');
});

afterAll(async () => {
  await devnet?.stop();
});

describe('oracle feed', () => {
  it('implements AggregatorV3Interface metadata', async () => {
    expect(Number((await call('decimals'))[0])).toBe(8);
    expect((await call('description'))[0]).toBe('ETH/USD');
    expect(Number((await call('version'))[0])).toBe(4);
    expect(devnet.feeds).toEqual([
      { name: 'ETH/USD', address: feed, decimals: 8, heartbeatSeconds: 1 },
    ]);
  });

  it('gets a positive random-walk price on each heartbeat', async () => {
    const first = await latest();
    const later = await waitFor(
      async () => {
        const now = await latest();
        return now.roundId > first.roundId ? now : undefined;
      },
      10_000,
      'a new round',
    );

    expect(later.answer).toBeGreaterThan(0n);
    expect(later.updatedAt).toBeGreaterThanOrEqual(first.updatedAt);
  });

  it('reverts "No data present" for an unknown round, Besu-shaped', async () => {
    const data = FEED.encodeFunctionData('getRoundData', [999_999]);
    const { body } = await postRpc(gateway, 'eth_call', [{ to: feed, data }, 'latest']);
    const error = isJsonObject(body) && isJsonObject(body.error) ? body.error : null;

    expect(error?.code).toBe(-32000);
    expect(error?.message).toBe('Execution reverted: No data present');
  });

  it('reads updatedAt 0 from a feed never updated', async () => {
    const key = deriveKey('oracle-test', 'extra-deployer');
    await rpcResultOf(devnet.anvil.url, 'anvil_setBalance', [key.address, '0x56bc75e2d63100000']);
    const address = await deployFeed(
      gateway,
      key.privateKey,
      0,
      await compileFeed(),
      {
        decimals: 18,
        description: 'EMPTY',
        transmitter: key.address,
      },
      138,
    );
    const [roundId, , , updatedAt] = await call('latestRoundData', [], address);

    expect(Number(roundId)).toBe(0);
    expect(Number(updatedAt)).toBe(0);
  });

  it('serves the breaker as JSON and Prometheus text', async () => {
    const metrics = await (await fetch(devnet.publisher.breakerMetricsUrl)).text();

    expect((await breaker()).state).toBe('closed');
    expect(metrics).toContain('oracle_publisher_circuit_breaker_state{state="closed"} 1');
    expect(metrics).toContain('oracle_publisher_circuit_breaker_state{state="open"} 0');
  });
});

describe('Kubernetes stand-in faults', () => {
  const list = (path: string) => fetch(`${devnet.kubeApiUrl}${path}`);
  const podsPath = '/api/v1/namespaces/besu-network/pods';

  it('lists validator, rpc and publisher pods by label', async () => {
    const names = async (selector: string) => {
      const body = (await (await list(`${podsPath}?labelSelector=${selector}`)).json()) as {
        items: Array<{ metadata: { name: string } }>;
      };
      return body.items.map((i) => i.metadata.name);
    };

    expect(await names('component=validator')).toEqual([
      'besu-validator-0',
      'besu-validator-1',
      'besu-validator-2',
      'besu-validator-3',
    ]);
    expect(await names('component=rpc')).toEqual(['besu-rpc-0', 'besu-rpc-1']);
    expect(await names('app=oracle-publisher')).toEqual(['oracle-publisher-0']);
  });

  it('shows a crash-looping pod addressed by its node name', async () => {
    const fault = await devnet.setFault('pod-crashloop', true, { target: 'validator-2' });
    const body = await (await list(`${podsPath}?labelSelector=component=validator`)).text();
    await devnet.setFault('pod-crashloop', false, { target: 'validator-2' });
    const healthy = await (await list(`${podsPath}?labelSelector=component=validator`)).text();

    expect(fault?.target).toBe('besu-validator-2');
    expect(body).toContain('CrashLoopBackOff');
    expect(healthy).not.toContain('CrashLoopBackOff');
  });

  it.each([
    { desc: 'not-ready', fault: 'pod-not-ready', marker: '"ContainersNotReady"' },
    { desc: 'evicted', fault: 'pod-evicted', marker: '"Evicted"' },
    { desc: 'oomkilled', fault: 'pod-oomkilled', marker: '"OOMKilled"' },
  ])('shows the publisher pod $desc', async ({ fault, marker }) => {
    const path = `${podsPath}?labelSelector=app=oracle-publisher`;
    await devnet.setFault(fault, true, { target: 'publisher' });
    const body = await (await list(path)).text();
    await devnet.setFault(fault, false, { target: 'publisher' });

    expect(body).toContain(marker);
    expect(await (await list(path)).text()).not.toContain(marker);
  });

  it('drops a deleted pod from the list', async () => {
    const path = `${podsPath}?labelSelector=component=rpc`;
    await devnet.setFault('pod-deleted', true, { target: 'rpc-1' });
    const body = (await (await list(path)).json()) as { items: unknown[] };
    await devnet.setFault('pod-deleted', false, { target: 'rpc-1' });

    expect(body.items).toHaveLength(1);
  });

  it.each([
    { desc: 'unauthorized', fault: 'kube-unauthorized', status: 401 },
    { desc: 'server-error', fault: 'kube-server-error', status: 500 },
    { desc: 'not-found', fault: 'kube-not-found', status: 404 },
  ])('answers $status on $desc', async ({ fault, status }) => {
    await devnet.setFault(fault, true);
    const response = await list(podsPath);
    await devnet.setFault(fault, false);

    expect(response.status).toBe(status);
  });

  it('answers 403 on kube-forbidden', async () => {
    await devnet.setFault('kube-forbidden', true);
    const forbidden = await list(podsPath);
    await devnet.setFault('kube-forbidden', false);

    expect(forbidden.status).toBe(403);
    expect((await list(podsPath)).status).toBe(200);
  });
});

describe('oracle faults', () => {
  it.each([
    { desc: 'zero', answer: 0n },
    { desc: 'negative', answer: -5n },
  ])('pushes a $desc answer on oracle-bad-answer', async ({ answer }) => {
    await devnet.setFault('oracle-bad-answer', true, { answer: Number(answer) });
    const seen = await waitFor(
      async () => ((await latest()).answer === answer ? true : undefined),
      10_000,
      'the bad answer',
    );
    await devnet.setFault('oracle-bad-answer', false);

    expect(seen).toBe(true);
  });

  it('publishes nothing while the breaker is forced open', async () => {
    const skipped = async () => (await publisherStatus()).publisher.skippedTotal;
    const skippedBefore = await skipped();
    await devnet.setFault('breaker-open', true);
    // A heartbeat in flight may still publish; once one has been skipped, none is in flight.
    await waitFor(async () => (await skipped()) > skippedBefore, 15_000, 'a skipped heartbeat');
    const before = await latest();
    await new Promise((r) => setTimeout(r, 2500));
    const after = await latest();
    const state = (await breaker()).state;
    const metrics = await (await fetch(devnet.publisher.breakerMetricsUrl)).text();
    await devnet.setFault('breaker-open', false);

    expect(state).toBe('open');
    expect(metrics).toContain('oracle_publisher_circuit_breaker_state{state="open"} 1');
    expect(after.roundId).toBe(before.roundId);
    await waitFor(async () => (await latest()).roundId > after.roundId, 10_000, 'updates again');
  });

  it('opens the breaker when out of funds, then half-opens and closes after a refill', async () => {
    await devnet.setFault('publisher-out-of-funds', true);
    const balance = await rpcResultOf(gateway, 'eth_getBalance', [
      devnet.publisher.address,
      'latest',
    ]);
    await waitFor(async () => (await breaker()).state === 'open', 15_000, 'the breaker to open');
    await devnet.setFault('publisher-out-of-funds', false);

    expect(balance).toBe('0x0');
    const states = new Set<string>();
    await waitFor(
      async () => {
        const state = (await breaker()).state;
        states.add(state);
        return state === 'closed';
      },
      20_000,
      'the breaker to close',
      100,
    );
    expect(states.has('half-open') || states.has('open')).toBe(true);
  });

  it('leaves a nonce gap (pending > latest) on publisher-stuck-tx, filled when cleared', async () => {
    await devnet.setFault('publisher-stuck-tx', true);
    const gap = await waitFor(
      async () => {
        const n = await nonces();
        return n.pending > n.latest ? n : undefined;
      },
      10_000,
      'a nonce gap',
    );
    await new Promise((r) => setTimeout(r, 2000));
    const stillStuck = await nonces();
    await devnet.setFault('publisher-stuck-tx', false);

    expect(stillStuck.latest).toBe(gap.latest);
    await waitFor(
      async () => {
        const n = await nonces();
        return n.latest > gap.latest && n.pending === n.latest;
      },
      15_000,
      'the gap to fill',
    );
  });

  it('stops publishing and serving on publisher-stopped', async () => {
    await devnet.setFault('publisher-stopped', true);
    const refused = await probeConnect(devnet.publisher.breakerJsonUrl);
    await new Promise((r) => setTimeout(r, 1500));
    const before = await latest();
    await new Promise((r) => setTimeout(r, 2000));
    const after = await latest();
    await devnet.setFault('publisher-stopped', false);

    expect(refused).toBe('ECONNREFUSED');
    expect(after.roundId).toBe(before.roundId);
    expect((await breaker()).state).toBeDefined();
  });
});
