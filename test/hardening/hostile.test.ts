import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Registry } from 'prom-client';
import { parseConfig } from '../../src/config/load.js';
import { startKubeApi, type KubeApi } from '../../src/devnet/kube/server.js';
import { Daemon } from '../../src/engine/daemon.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';
import { startTestServer, type TestServer } from '../helpers/jsonrpc-server.js';
import { recordingLogger } from '../helpers/registry.js';
import { HOSTILE_CASES, type BadUrl, type CaseEnv, type HostileCase } from './hostile-cases.js';
import { makeChain, nodeHandler } from './node.js';
import {
  closedPort,
  makeCerts,
  startHttpsServer,
  startTcpServer,
  type RawServer,
} from './servers.js';

// Every hostile behaviour runs through a real Daemon with several probe kinds against two
// endpoints: `bad` (hostile) and `good` (a healthy node). The bad one must fail with exactly its
// class in the metrics; the good one must keep success 1 and a normal latency.

// Generous for a loaded CI machine: a healthy local call takes milliseconds.
const TIMEOUT_MS = 1500;
const FEED = '0x00000000000000000000000000000000000000fe';

let chain: ReturnType<typeof makeChain>;
let hostile: TestServer;
let good: TestServer;
let sink: TestServer;
let kube: KubeApi;
const raw: Partial<Record<BadUrl, RawServer>> = {};
const urls: Partial<Record<BadUrl, string>> = {};
let tried = 0;

beforeAll(async () => {
  chain = makeChain();
  hostile = await startTestServer();
  good = await startTestServer(nodeHandler(chain));
  sink = await startTestServer();
  kube = await startKubeApi({ namespace: 'bad', pods: [], slowMs: 3 * TIMEOUT_MS });
  const certs = makeCerts();
  raw['tls-self-signed'] = await startHttpsServer(certs.selfSigned);
  raw['tls-expired'] = await startHttpsServer(certs.expired);
  raw['tls-other-host'] = await startHttpsServer(certs.otherHost);
  raw['closes-on-connect'] = await startTcpServer((s) => s.destroy());
  raw['not-http'] = await startTcpServer((s) => {
    s.on('data', () => s.end('SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\r\n'));
  });
  for (const [k, srv] of Object.entries(raw)) urls[k as BadUrl] = srv.url;
  urls['http-to-tls-port'] = `http://127.0.0.1:${raw['tls-self-signed'].port}`;
  urls['https-to-http-port'] = hostile.url.replace('http:', 'https:');
  urls.refused = `http://127.0.0.1:${await closedPort()}`;
  // RFC 6761: .invalid never resolves; the resolver answers locally, no server is asked.
  urls['dns-invalid'] = 'http://chainprobe-hostile.invalid:8545';
  urls.hostile = hostile.url;
});

afterAll(async () => {
  await Promise.all([hostile?.stop(), good?.stop(), sink?.stop(), kube?.stop()]);
  await Promise.all(Object.values(raw).map((s) => s.stop()));
  console.log(`hostile endpoint behaviours tried: ${tried}`);
});

function configFor(c: HostileCase): string {
  const lines = [
    `global: { chainId: 138, blockPeriodSeconds: 1, intervalMs: 5000, timeoutMs: ${TIMEOUT_MS}, maxResponseBytes: 1048576 }`,
    'endpoints:',
    `  - { name: bad, url: '${urls[c.url ?? 'hostile']}' }`,
    `  - { name: good, url: '${good.url}' }`,
    'probes:',
    '  - { name: rpc, kind: rpc }',
    '  - { name: block, kind: block }',
    '  - { name: besu-health, kind: besu-health }',
  ];
  const extra = new Set(c.extra ?? []);
  if (extra.has('validators')) {
    // Start near the head (maxCatchUpBlocks), so the first run reaches the hostile head block.
    const opts = 'window: 8, maxCatchUpBlocks: 4, timeoutMs: 3000';
    lines.push(`  - { name: validators, kind: validators, endpoint: bad, ${opts} }`);
    lines.push(`  - { name: validators-good, kind: validators, endpoint: good, ${opts} }`);
  }
  if (extra.has('oracle')) {
    lines.push(
      `  - { name: oracle, kind: oracle, endpoint: bad, feeds: [{ name: bad, address: '${FEED}', heartbeatSeconds: 3600 }] }`,
    );
  }
  if (extra.has('kubernetes')) {
    lines.push(
      `  - { name: kubernetes, kind: kubernetes, namespace: bad, apiUrl: '${kube.url}', statefulSets: [], deployments: [] }`,
    );
  }
  return lines.join('\n');
}

/** The value of one series, matching the given labels (all of them). */
async function seriesValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const base = name.replace(/_(sum|count)$/, '');
  const metric = registry.getSingleMetric(base) ?? registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const hits = values.filter(
    (v) =>
      (base === name || (v as { metricName?: string }).metricName === name) &&
      Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
  );
  if (hits.length === 0) return undefined;
  return hits.reduce((sum, v) => sum + v.value, 0);
}

/** Failure counts by class of one probe's bad target. */
async function classesOf(registry: Registry, probe: string): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric('chainprobe_probe_failures_total');
  const { values } = (await metric?.get()) ?? { values: [] };
  const out: Record<string, number> = {};
  for (const v of values) {
    if (v.labels.probe === probe && v.labels.target === 'bad' && v.value > 0)
      out[String(v.labels.class)] = v.value;
  }
  return out;
}

async function expectVerdicts(daemon: Daemon, c: HostileCase): Promise<void> {
  const reg = daemon.registry;
  for (const [probe, want] of Object.entries(c.want)) {
    const labels = { probe, target: 'bad' };
    const success = await seriesValue(reg, 'chainprobe_probe_success', labels);
    expect({ probe, success }).toEqual({ probe, success: want === 'ok' ? 1 : 0 });
    if (want === 'ok') continue;
    const failures = await classesOf(reg, probe);
    expect({ probe, failures }).toEqual({
      probe,
      failures: { [want]: c.failedRuns ?? c.runs ?? 1 },
    });
    const last = await seriesValue(reg, 'chainprobe_probe_last_error', { ...labels, class: want });
    expect({ probe, last }).toEqual({ probe, last: 1 });
  }
  if (c.rpcClass) {
    const errors = await seriesValue(reg, 'chainprobe_rpc_errors_total', {
      endpoint: 'bad',
      class: c.rpcClass,
    });
    expect(errors).toBeGreaterThanOrEqual(1);
  }
}

async function expectGoodUnaffected(daemon: Daemon, c: HostileCase): Promise<void> {
  const reg = daemon.registry;
  const probes = ['rpc', 'block', 'besu-health'];
  if (c.extra?.includes('validators')) probes.push('validators-good');
  for (const probe of probes) {
    const success = await seriesValue(reg, 'chainprobe_probe_success', { probe, target: 'good' });
    expect({ probe, success }).toEqual({ probe, success: 1 });
  }
  // Normal latency: the healthy node's calls take a few ms; a stall behind the hostile one would
  // take the whole timeout.
  const sum = await seriesValue(reg, 'chainprobe_rpc_request_duration_seconds_sum', {
    endpoint: 'good',
  });
  const count = await seriesValue(reg, 'chainprobe_rpc_request_duration_seconds_count', {
    endpoint: 'good',
  });
  expect(count).toBeGreaterThan(0);
  expect((sum ?? 0) / (count ?? 1)).toBeLessThan(TIMEOUT_MS / 1000 / 2);
  const errors = await seriesValue(reg, 'chainprobe_rpc_errors_total', { endpoint: 'good' });
  expect(errors ?? 0).toBe(0);
}

describe('hostile endpoints, through a daemon with several probes', () => {
  it('has at least 40 behaviours', () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(HOSTILE_CASES.map((c) => c.desc)).size).toBe(HOSTILE_CASES.length);
  });

  it.each(HOSTILE_CASES)('$desc', async (c) => {
    tried++;
    const env: CaseEnv = { chain, sinkUrl: sink.url, run: 0 };
    hostile.handle(c.handler ? c.handler(env) : nodeHandler(chain));
    kube.setApiFault(c.kubeFault ?? null);
    const sinkBefore = sink.requests.length;
    const { logger, lines } = recordingLogger();
    const daemon = new Daemon({
      config: parseConfig(configFor(c), PROBE_KINDS, {}),
      kinds: PROBE_KINDS,
      logger,
      version: 'test',
    });
    try {
      for (env.run = 0; env.run < (c.runs ?? 1); env.run++) await daemon.runOnce();
      await expectVerdicts(daemon, c);
      await expectGoodUnaffected(daemon, c);
      await c.check?.((name, labels = {}) =>
        seriesValue(daemon.registry, name, { endpoint: 'bad', ...labels }),
      );
      // Redirects are never followed, to another host or the same one.
      expect(sink.requests.length).toBe(sinkBefore);
      expect(hostile.requests.some((r) => r.url === '/elsewhere')).toBe(false);
      // Nothing the endpoint sent, and no URL, reaches the logs; nothing logs at error level.
      const text = JSON.stringify(lines);
      expect(text).not.toContain(urls[c.url ?? 'hostile'] ?? '\u0000');
      expect(lines.filter((l) => Number(l.level) >= 50)).toEqual([]);
    } finally {
      await daemon.stop();
      kube.setApiFault(null);
    }
  });

  it('never completed a TLS handshake with a bad certificate', () => {
    for (const k of ['tls-self-signed', 'tls-expired', 'tls-other-host'] as const) {
      expect({ k, hits: raw[k]?.hits }).toEqual({ k, hits: 0 });
    }
  });
});
