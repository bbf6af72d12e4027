import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { startDevnet, type Devnet } from '../../src/devnet/devnet.js';
import { Daemon } from '../../src/engine/daemon.js';
import type { RunRecord } from '../../src/engine/scheduler.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';
import { stateOf, valueOf } from './harness.js';

let devnet: Devnet;
let daemon: Daemon;

/** The configuration an operator would write for this devnet (read by the real loader). */
function configFor(d: Devnet): string {
  const gateway = d.endpoints.find((e) => e.role === 'gateway');
  const feed = d.feeds[0];
  if (!gateway || !feed) throw new Error('devnet has no gateway or feed');
  return `
global: { chainId: 138, blockPeriodSeconds: 1, intervalMs: 5000, timeoutMs: 2000 }
endpoints:
  - { name: gateway, url: ${gateway.url}, role: gateway }
probes:
  - name: oracle
    kind: oracle
    graceSeconds: 2
    feeds:
      - { name: eth-usd, address: '${feed.address}', heartbeatSeconds: ${feed.heartbeatSeconds}, minAnswer: 1, maxAnswer: 1000000 }
  - name: publisher
    kind: publisher
    accounts: [{ name: publisher-0, address: '${d.publisher.address}' }]
  - name: breaker
    kind: breaker
    sources:
      - { name: replica-0-json, type: http-json, url: '${d.publisher.breakerJsonUrl}', pointer: /breaker/state }
      - name: replica-0-metrics
        type: prometheus
        url: '${d.publisher.breakerMetricsUrl}'
        metric: oracle_publisher_circuit_breaker_state
        stateLabel: state
`;
}

async function runOnce(): Promise<Map<string, RunRecord>> {
  const records = await daemon.runOnce();
  return new Map(records.map((r) => [`${r.task.probe}/${r.task.target}`, r]));
}

const breakerState = (source: string) =>
  stateOf(daemon.registry, 'chainprobe_breaker_state', 'state', { source });

/** Runs every probe until `check` passes or `ms` elapse (the devnet moves in real time). */
async function runUntil(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    await runOnce();
    if (await check()) return;
    if (Date.now() > deadline) throw new Error('condition not reached');
    await sleep(250);
  }
}

beforeAll(async () => {
  devnet = await startDevnet({
    blockPeriodSeconds: 1,
    heartbeatSeconds: 1,
    publisherTxTimeoutSeconds: 2.5,
    breakerFailureThreshold: 2,
    breakerCooldownSeconds: 30,
    seed: 'chainprobe-oracle-e2e',
    kube: false,
    logger: pino({ level: 'silent' }),
  });
  const config = parseConfig(configFor(devnet), PROBE_KINDS, {});
  daemon = new Daemon({
    config,
    kinds: PROBE_KINDS,
    logger: pino({ level: 'silent' }),
    version: 'test',
  });
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  await devnet?.stop();
});

describe('oracle, publisher and breaker probes against the devnet', () => {
  it('sees a healthy feed, a funded publisher and closed breakers', async () => {
    await runUntil(
      async () =>
        (await stateOf(daemon.registry, 'chainprobe_oracle_feed_state', 'state', {
          feed: 'eth-usd',
        })) === 'ok',
      15_000,
    );
    const runs = await runOnce();
    expect(runs.get('oracle/eth-usd')?.result).toMatchObject({ ok: true });
    expect(runs.get('publisher/publisher-0')?.result).toMatchObject({ ok: true });
    expect(
      await valueOf(daemon.registry, 'chainprobe_publisher_balance_ether', {
        publisher: 'publisher-0',
      }),
    ).toBeGreaterThan(0);
    expect(await breakerState('replica-0-json')).toBe('closed');
    expect(await breakerState('replica-0-metrics')).toBe('closed');
  });

  it('shows the forced-open breaker and its transition, then the feed stale while the chain advances', async () => {
    await devnet.setFault('breaker-open', true);
    try {
      await runUntil(async () => (await breakerState('replica-0-json')) === 'open', 10_000);
      await runUntil(
        async () =>
          (await stateOf(daemon.registry, 'chainprobe_oracle_feed_state', 'state', {
            feed: 'eth-usd',
          })) === 'stale',
        15_000,
      );
      expect(await breakerState('replica-0-metrics')).toBe('open');
      for (const source of ['replica-0-json', 'replica-0-metrics']) {
        const t = await valueOf(daemon.registry, 'chainprobe_breaker_transitions_total', {
          source,
          from: 'closed',
          to: 'open',
        });
        expect(t).toBe(1);
      }
      expect(
        await stateOf(daemon.registry, 'chainprobe_oracle_stale_cause', 'cause', {
          feed: 'eth-usd',
        }),
      ).toBe('chain_advancing');
    } finally {
      await devnet.setFault('breaker-open', false);
    }
  });

  it('reports a stopped publisher replica as unknown with connection_refused, never closed', async () => {
    await devnet.setFault('publisher-stopped', true);
    try {
      // The first request may go out on a kept-alive socket the replica just dropped (reset);
      // from then on, new connections are refused.
      const first = await runOnce();
      expect(first.get('breaker/replica-0-json')?.result.errorClass).toMatch(
        /^connection_(reset|refused)$/,
      );
      expect(await breakerState('replica-0-json')).toBe('unknown');
      const runs = await runOnce();
      for (const source of ['replica-0-json', 'replica-0-metrics']) {
        expect(runs.get(`breaker/${source}`)?.result).toMatchObject({
          ok: false,
          errorClass: 'connection_refused',
        });
        expect(await breakerState(source)).toBe('unknown');
      }
    } finally {
      await devnet.setFault('publisher-stopped', false);
    }
  });
});
