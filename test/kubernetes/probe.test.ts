import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { parseConfig } from '../../src/config/load.js';
import { Daemon } from '../../src/engine/daemon.js';
import type { RunRecord } from '../../src/engine/scheduler.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';
import { kubernetesKind } from '../../src/probes/kubernetes/kind.js';
import { loadKubeClient } from '../../src/probes/kubernetes/client.js';
import { defineCoreMetrics } from '../../src/metrics/catalogue.js';
import { Registry } from 'prom-client';
import { startKubeApi, type KubeApi } from '../../src/devnet/kube/server.js';
import { valueOf } from '../helpers/registry.js';

const NS = 'besu-network';
// Mixed case on purpose: the label must carry the lowercase form.
const ADDR = (i: number) => `0x${'AB'.repeat(19)}0${i}`;
const VALIDATORS = [0, 1, 2, 3].map((i) => ({
  name: `besu-validator-${i}`,
  component: 'validator' as const,
  validatorAddress: ADDR(i),
}));
const PODS = [
  ...VALIDATORS,
  { name: 'besu-rpc-0', component: 'rpc' as const },
  { name: 'besu-rpc-1', component: 'rpc' as const },
  { name: 'oracle-publisher-0', app: 'oracle-publisher' },
];

function yaml(url: string, extra = ''): string {
  return `
endpoints:
  - { name: unused, url: 'http://127.0.0.1:9' }
probes:
  - name: kube
    kind: kubernetes
    intervalMs: 60000
    timeoutMs: 1500
    apiUrl: '${url}'
${extra}`;
}

function daemonFor(url: string, extra = ''): Daemon {
  const config = parseConfig(yaml(url, extra), PROBE_KINDS, {});
  return new Daemon({
    config,
    kinds: PROBE_KINDS,
    logger: pino({ level: 'silent' }),
    version: 't',
  });
}

async function runOne(daemon: Daemon): Promise<RunRecord> {
  const [record] = await daemon.runOnce();
  if (!record) throw new Error('no run');
  return record;
}

/** Every exposed line that mentions pod="name". */
async function linesOfPod(daemon: Daemon, pod: string): Promise<string[]> {
  const text = await daemon.registry.metrics();
  return text.split('\n').filter((l) => l.includes(`pod="${pod}"`));
}

describe('kubernetes probe against the stand-in API server', () => {
  let api: KubeApi;
  let daemon: Daemon;
  const value = (name: string, labels: Record<string, string>) =>
    valueOf(daemon.registry, name, { namespace: NS, ...labels });

  beforeAll(async () => {
    await loadKubeClient(); // slow to import under vitest; not what these tests measure
    api = await startKubeApi({ namespace: NS, pods: PODS });
  });
  afterAll(async () => {
    await api.stop();
  });
  afterEach(async () => {
    api.setApiFault(null);
    for (const p of PODS) api.setPodFault(p.name, null);
    await daemon?.stop();
  });

  it('reports healthy pods, workloads and the pod-to-validator join', async () => {
    daemon = daemonFor(api.url);
    expect((await runOne(daemon)).result).toEqual({ ok: true });

    expect(await value('chainprobe_kube_pods', { component: 'validator' })).toBe(4);
    expect(await value('chainprobe_kube_pods', { component: 'rpc' })).toBe(2);
    expect(await value('chainprobe_kube_pods', { component: 'publisher' })).toBe(1);
    const pod = { component: 'validator', pod: 'besu-validator-2' };
    expect(await value('chainprobe_kube_pod_ready', pod)).toBe(1);
    expect(await value('chainprobe_kube_pod_phase', { ...pod, phase: 'Running' })).toBe(1);
    expect(await value('chainprobe_kube_pod_phase', { ...pod, phase: 'Pending' })).toBe(0);
    expect(await value('chainprobe_kube_pod_restarts', pod)).toBe(0);
    expect(await value('chainprobe_kube_pod_info', { ...pod, node: 'devnet-worker-2' })).toBe(1);
    expect(
      await value('chainprobe_kube_pod_validator_info', {
        pod: 'besu-validator-2',
        validator: ADDR(2).toLowerCase(),
      }),
    ).toBe(1);
    expect(await value('chainprobe_kube_statefulset_replicas_desired', sts('besu-validator'))).toBe(
      4,
    );
    expect(await value('chainprobe_kube_statefulset_replicas_ready', sts('besu-rpc'))).toBe(2);
    const dep = { deployment: 'oracle-publisher' };
    expect(await value('chainprobe_kube_deployment_replicas_available', dep)).toBe(1);
    for (const resource of ['pods', 'statefulsets', 'deployments'])
      expect(await value('chainprobe_kube_api_up', { resource })).toBe(1);
  });

  it('keeps exactly one phase at 1 per pod', async () => {
    daemon = daemonFor(api.url);
    await runOne(daemon);
    const metric = daemon.registry.getSingleMetric('chainprobe_kube_pod_phase');
    const { values } = await metric!.get();
    const ones = values.filter((v) => v.value === 1).map((v) => v.labels.pod);
    expect(ones.sort()).toEqual(PODS.map((p) => p.name).sort());
    expect(values).toHaveLength(PODS.length * 5);
  });

  it('shows a crash-looping validator: waiting reason, last termination, restarts', async () => {
    api.setPodFault('besu-validator-1', 'crashloop');
    daemon = daemonFor(api.url);
    expect((await runOne(daemon)).result.ok).toBe(true);
    const c = { component: 'validator', pod: 'besu-validator-1', container: 'besu' };
    expect(
      await value('chainprobe_kube_container_waiting', { ...c, reason: 'CrashLoopBackOff' }),
    ).toBe(1);
    expect(await value('chainprobe_kube_container_waiting', { ...c, reason: 'ErrImagePull' })).toBe(
      0,
    );
    expect(
      await value('chainprobe_kube_container_last_terminated', { ...c, reason: 'Error' }),
    ).toBe(1);
    expect(await value('chainprobe_kube_pod_ready', { pod: 'besu-validator-1' })).toBe(0);
    expect(await value('chainprobe_kube_pod_restarts', { pod: 'besu-validator-1' })).toBe(6);
    expect(await value('chainprobe_kube_statefulset_replicas_ready', sts('besu-validator'))).toBe(
      3,
    );
  });

  it('shows a running pod that is not ready', async () => {
    api.setPodFault('besu-rpc-0', 'not-ready');
    daemon = daemonFor(api.url);
    await runOne(daemon);
    const pod = { pod: 'besu-rpc-0' };
    expect(await value('chainprobe_kube_pod_ready', pod)).toBe(0);
    expect(await value('chainprobe_kube_pod_phase', { ...pod, phase: 'Running' })).toBe(1);
    expect(await value('chainprobe_kube_statefulset_replicas_ready', sts('besu-rpc'))).toBe(1);
  });

  it('shows an evicted pod as Failed with reason Evicted', async () => {
    api.setPodFault('oracle-publisher-0', 'evicted');
    daemon = daemonFor(api.url);
    await runOne(daemon);
    const pod = { pod: 'oracle-publisher-0' };
    expect(await value('chainprobe_kube_pod_phase', { ...pod, phase: 'Failed' })).toBe(1);
    expect(await value('chainprobe_kube_pod_status_reason', { ...pod, reason: 'Evicted' })).toBe(1);
    expect(await value('chainprobe_kube_pod_status_reason', { ...pod, reason: 'other' })).toBe(0);
    const dep = { deployment: 'oracle-publisher' };
    expect(await value('chainprobe_kube_deployment_replicas_available', dep)).toBe(0);
    expect(await value('chainprobe_kube_deployment_replicas_desired', dep)).toBe(1);
  });

  it('shows an OOMKilled restart on a pod that is ready again', async () => {
    api.setPodFault('besu-validator-3', 'oomkilled');
    daemon = daemonFor(api.url);
    await runOne(daemon);
    const c = { pod: 'besu-validator-3', container: 'besu' };
    expect(
      await value('chainprobe_kube_container_last_terminated', { ...c, reason: 'OOMKilled' }),
    ).toBe(1);
    expect(await value('chainprobe_kube_pod_restarts', { pod: 'besu-validator-3' })).toBe(1);
    expect(await value('chainprobe_kube_pod_ready', { pod: 'besu-validator-3' })).toBe(1);
  });

  it('deletes every series of a pod that disappeared', async () => {
    daemon = daemonFor(api.url);
    await runOne(daemon);
    expect((await linesOfPod(daemon, 'besu-validator-0')).length).toBeGreaterThan(20);

    api.setPodFault('besu-validator-0', 'deleted');
    expect((await runOne(daemon)).result.ok).toBe(true);
    expect(await linesOfPod(daemon, 'besu-validator-0')).toEqual([]);
    expect(await value('chainprobe_kube_pods', { component: 'validator' })).toBe(3);
    expect(await value('chainprobe_kube_statefulset_replicas_desired', sts('besu-validator'))).toBe(
      4,
    );
    expect(await value('chainprobe_kube_statefulset_replicas_ready', sts('besu-validator'))).toBe(
      3,
    );
  });

  it('fails with forbidden on 403 and keeps the last pod counts instead of reporting 0', async () => {
    daemon = daemonFor(api.url);
    await runOne(daemon);
    api.setApiFault('forbidden');
    const { result } = await runOne(daemon);

    expect(result).toMatchObject({ ok: false, errorClass: 'forbidden' });
    expect(result.detail).toContain('HTTP 403 (Forbidden)');
    expect(await value('chainprobe_kube_pods', { component: 'validator' })).toBe(4);
    expect(await value('chainprobe_kube_pod_ready', { pod: 'besu-validator-0' })).toBe(1);
    expect(await value('chainprobe_kube_api_up', { resource: 'pods' })).toBe(0);
    const errors = { resource: 'pods', class: 'forbidden' };
    expect(await value('chainprobe_kube_api_errors_total', errors)).toBe(1);
    expect(await valueOf(daemon.registry, 'chainprobe_probe_success', { probe: 'kube' })).toBe(0);
  });

  it('reports no pod count at all when the first list is forbidden', async () => {
    api.setApiFault('forbidden');
    daemon = daemonFor(api.url);
    expect((await runOne(daemon)).result.errorClass).toBe('forbidden');
    const { values } = await daemon.registry.getSingleMetric('chainprobe_kube_pods')!.get();
    expect(values).toEqual([]);
  });

  it.each([
    { desc: 'unauthorized-401', fault: 'unauthorized' as const, cls: 'unauthorized' },
    { desc: 'namespace-not-found-404', fault: 'not-found' as const, cls: 'not_found' },
    { desc: 'server-error-500', fault: 'server-error' as const, cls: 'http_5xx' },
  ])('classifies an API answering $desc as $cls', async ({ fault, cls }) => {
    api.setApiFault(fault);
    daemon = daemonFor(api.url);
    const { result } = await runOne(daemon);
    expect(result).toMatchObject({ ok: false, errorClass: cls });
    expect(await value('chainprobe_kube_api_up', { resource: 'statefulsets' })).toBe(0);
  });

  it('fails with not_found when a named StatefulSet does not exist', async () => {
    daemon = daemonFor(api.url, '    statefulSets: [besu-validator, besu-bootnode]\n');
    const { result } = await runOne(daemon);
    expect(result).toMatchObject({ ok: false, errorClass: 'not_found' });
    expect(result.detail).toContain('besu-bootnode');
    expect(await value('chainprobe_kube_statefulset_replicas_desired', sts('besu-validator'))).toBe(
      4,
    );
    expect(await value('chainprobe_kube_statefulset_replicas_desired', sts('besu-rpc'))).toBe(
      undefined,
    );
  });

  it('ends a run against a hanging API server at the timeout and closes its requests', async () => {
    daemon = daemonFor(api.url);
    api.setApiFault('hang');
    const { result } = await runOne(daemon);
    expect(result).toMatchObject({ ok: false, errorClass: 'timeout' });
    // The probe passed the run's signal to the client: the held requests are cut, not leaked.
    await vi.waitFor(() => expect(api.openRequests()).toBe(0), { timeout: 5000 });
  });
});

describe('kubernetes probe behind a proxy answering a login page', () => {
  it('fails with invalid_response and reports no pod count', async () => {
    await loadKubeClient();
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Sign in</body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const daemon = daemonFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const { result } = await runOne(daemon);
      expect(result).toMatchObject({ ok: false, errorClass: 'invalid_response' });
      const { values } = await daemon.registry.getSingleMetric('chainprobe_kube_pods')!.get();
      expect(values).toEqual([]);
    } finally {
      await daemon.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('kubernetes probe against a slow API server', () => {
  it('succeeds when the answers come late but within the timeout', async () => {
    await loadKubeClient();
    const api = await startKubeApi({ namespace: NS, pods: PODS, slowMs: 200 });
    const daemon = daemonFor(api.url);
    try {
      api.setApiFault('slow');
      const { result } = await runOne(daemon);
      expect(result).toEqual({ ok: true });
      expect(await valueOf(daemon.registry, 'chainprobe_kube_pods', { component: 'rpc' })).toBe(2);
    } finally {
      await daemon.stop();
      await api.stop();
    }
  });
});

describe('kubernetes probe task run directly', () => {
  it('settles with timeout by itself when its signal fires, whatever the server does', async () => {
    await loadKubeClient();
    const api = await startKubeApi({ namespace: NS, pods: PODS });
    try {
      api.setApiFault('hang');
      const config = parseConfig(yaml(api.url), PROBE_KINDS, {});
      const probe = config.probes[0]!;
      const registry = new Registry();
      const metrics = kubernetesKind.defineMetrics(registry, config.global);
      const ctx = {
        global: config.global,
        endpoints: new Map(),
        core: defineCoreMetrics(registry),
        registry,
        logger: pino({ level: 'silent' }),
        now: Date.now,
        rpc: () => {
          throw new Error('no rpc');
        },
      };
      const instance = kubernetesKind.create(ctx, probe as never, metrics);
      const controller = new AbortController();
      const run = instance.tasks[0]!.run(controller.signal);
      await vi.waitFor(() => expect(api.openRequests()).toBeGreaterThan(0), { timeout: 5000 });
      controller.abort(new DOMException('probe timed out', 'TimeoutError'));

      expect(await run).toMatchObject({ ok: false, errorClass: 'timeout' });
      await vi.waitFor(() => expect(api.openRequests()).toBe(0), { timeout: 5000 });
      expect(await registry.metrics()).toContain('chainprobe_kube_api_errors_total{');
      await instance.dispose?.();
      expect(await registry.metrics()).not.toMatch(/^chainprobe_kube_\w+\{/m);
    } finally {
      await api.stop();
    }
  });
});

function sts(name: string): { statefulset: string } {
  return { statefulset: name };
}
