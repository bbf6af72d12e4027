/**
 * The shipped alert rules, evaluated by a real Prometheus scraping chainprobe while it probes
 * the devnet, with a real Alertmanager running the shipped routing and inhibition. Each runbook
 * incident is injected on the devnet and must raise its alert with the right severity and a
 * runbook_url whose anchor exists in docs/runbook.md; a chain halt must inhibit its downstream
 * symptoms; a healthy devnet must raise nothing.
 *
 * Test override (documented in alerts/README.md and the catalogue): the rules are generated with
 * `forScale: 0.05` (every `for` shortened 20x) for a 1 s block period; thresholds are not
 * changed. Alertmanager's group_wait/group_interval are shortened to 1 s and its receivers are
 * replaced by local webhooks; its routes and inhibit rules are the shipped ones.
 */
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { generateFiles, RULES_PATH } from '../../src/catalogue/outputs.js';
import { DEFAULT_OPTIONS } from '../../src/catalogue/options.js';
import { startDevnet, type Devnet } from '../../src/devnet/devnet.js';
import { startAlertmanager, type AlertmanagerServer } from '../helpers/alertmanager.js';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/ports.js';
import { startPrometheus, type PrometheusServer } from '../helpers/prometheus.js';
import { markdownHeadings } from '../alerts/runbook-anchors.js';

const RUNBOOK = readFileSync(new URL('../../docs/runbook.md', import.meta.url), 'utf8');
const ANCHORS = new Set(markdownHeadings(RUNBOOK).map((h) => h.anchor));

interface Delivery {
  receiver: string;
  alerts: Array<{
    status: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  }>;
}

function chainprobeConfig(devnet: Devnet): string {
  const eps = devnet.endpoints.map(
    (e) =>
      `  - { name: ${e.name}, url: "${e.url}", role: ${e.role}${e.role === 'gateway' ? ', public: true' : ''}${e.validatorAddress ? `, validatorAddress: "${e.validatorAddress}"` : ''} }`,
  );
  const feed = devnet.feeds[0]!;
  return `
global: { chainId: 138, blockPeriodSeconds: 1, location: e2e, intervalMs: 1000, timeoutMs: 900, jitter: 0.1 }
endpoints:
${eps.join('\n')}
probes:
  - { name: rpc, kind: rpc }
  - { name: block, kind: block }
  - { name: besu-health, kind: besu-health }
  - { name: validators, kind: validators, endpoint: rpc-0, window: 16 }
  - name: oracle
    kind: oracle
    endpoint: gateway
    graceSeconds: 2
    feeds: [{ name: ETH-USD, address: "${feed.address}", heartbeatSeconds: ${feed.heartbeatSeconds} }]
  - name: breaker
    kind: breaker
    sources: [{ name: publisher-0, type: http-json, url: "${devnet.publisher.breakerJsonUrl}", pointer: /breaker/state }]
  - { name: kubernetes, kind: kubernetes, apiUrl: "${devnet.kubeApiUrl}", timeoutMs: 900 }
  - name: security
    kind: security
    chainEndpoint: rpc-0
    acknowledgedMethods: [qbft_proposeValidatorVote, qbft_discardValidatorVote]
`;
}

function alertmanagerConfig(webhook: string): string {
  const shipped = parse(
    readFileSync(new URL('../../alerts/alertmanager.example.yml', import.meta.url), 'utf8'),
  ) as {
    route: Record<string, unknown>;
    receivers: Array<{ name: string }>;
  };
  const shorten = (route: Record<string, unknown>): void => {
    if ('group_wait' in route) route.group_wait = '1s';
    if ('group_interval' in route) route.group_interval = '1s';
    for (const r of (route.routes as Array<Record<string, unknown>> | undefined) ?? []) shorten(r);
  };
  shorten(shipped.route);
  shipped.route.group_wait = '1s';
  shipped.route.group_interval = '1s';
  shipped.receivers = shipped.receivers.map((r) => ({
    name: r.name,
    webhook_configs: [{ url: `${webhook}/${r.name}`, send_resolved: false }],
  })) as Array<{ name: string }>;
  return stringify(shipped);
}

describe('shipped alerts on the devnet, through Prometheus and Alertmanager', () => {
  let devnet: Devnet;
  let probe: TestDaemon;
  let prom: PrometheusServer;
  let am: AlertmanagerServer;
  let hook: Server;
  let dir: string;
  const deliveries: Delivery[] = [];

  beforeAll(async () => {
    devnet = await startDevnet({ blockPeriodSeconds: 1, heartbeatSeconds: 2 });
    probe = await startDaemon(chainprobeConfig(devnet), { http: true });
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        deliveries.push({
          receiver: (req.url ?? '/').slice(1),
          alerts: (JSON.parse(body) as Delivery).alerts,
        });
        res.end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    am = await startAlertmanager(
      alertmanagerConfig(`http://127.0.0.1:${(hook.address() as AddressInfo).port}`),
    );
    dir = mkdtempSync(join(tmpdir(), 'chainprobe-rules-'));
    const rules = generateFiles({ ...DEFAULT_OPTIONS, blockPeriodSeconds: 1, forScale: 0.05 }).get(
      RULES_PATH,
    )!;
    writeFileSync(join(dir, 'rules.yml'), rules);
    prom = await startPrometheus({
      targets: [{ job: 'chainprobe', address: new URL(probe.url).host }],
      ruleFiles: [join(dir, 'rules.yml')],
      alertmanagers: [am.address],
    });
  }, 120_000);

  afterAll(async () => {
    await prom?.stop();
    await am?.stop();
    await probe?.stop();
    await devnet?.stop();
    await new Promise<void>((r) => (hook ? hook.close(() => r()) : r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const firing = async (): Promise<string[]> =>
    (await prom.alerts()).filter((a) => a.state === 'firing').map((a) => a.labels.alertname ?? '');

  /** Waits until Alertmanager holds `name` (matching `labels`), then checks its annotations. */
  async function expectAlert(name: string, labels: Record<string, string>, timeoutMs = 90_000) {
    let found: Awaited<ReturnType<AlertmanagerServer['alerts']>>[number] | undefined;
    await waitFor(
      async () => {
        found = (await am.alerts()).find(
          (a) =>
            a.labels.alertname === name &&
            Object.entries(labels).every(([k, v]) => a.labels[k] === v),
        );
        return found !== undefined;
      },
      timeoutMs,
      1000,
    );
    const url = found!.annotations.runbook_url ?? '';
    expect(url).toMatch(/#[a-z0-9-]+$/);
    expect(ANCHORS.has(url.split('#')[1]!)).toBe(true);
    return found!;
  }

  async function fault(name: string, on: boolean, target?: string): Promise<void> {
    await devnet.setFault(name, on, target ? { target } : {});
  }

  it('raises nothing while the devnet is healthy', { timeout: 150_000 }, async () => {
    // Warm-up: every probe has run, the validators window is full, rates have two samples.
    await waitFor(async () => (await fetch(`${probe.url}/readyz`)).status === 200, 30_000);
    await new Promise((r) => setTimeout(r, 20_000));
    expect(await firing()).toEqual([]);
  });

  it(
    'Validator Failure: a validator down raises ValidatorDown (critical, P1) and pages',
    { timeout: 150_000 },
    async () => {
      const down = devnet.endpoints.find((e) => e.name === 'validator-2')!.validatorAddress!;
      await fault('validator-down', true, 'validator-2');
      const alert = await expectAlert('ValidatorDown', { validator: down });
      expect(alert.labels).toMatchObject({ severity: 'critical', priority: 'P1' });
      await waitFor(
        () =>
          deliveries.some(
            (d) =>
              d.receiver === 'pager' &&
              d.alerts.some((a) => a.labels.alertname === 'ValidatorDown'),
          ),
        30_000,
        500,
      );
      await fault('validator-down', false, 'validator-2');
    },
  );

  it(
    'RPC Endpoint Issues: an RPC node down raises RpcEndpointDown',
    { timeout: 150_000 },
    async () => {
      await fault('rpc-down', true, 'rpc-1');
      const alert = await expectAlert('RpcEndpointDown', { endpoint: 'rpc-1' });
      expect(alert.labels).toMatchObject({ severity: 'critical' });
      await fault('rpc-down', false, 'rpc-1');
    },
  );

  it(
    'Oracle Update Failures: a stopped publisher makes the feed stale',
    { timeout: 150_000 },
    async () => {
      await fault('publisher-stopped', true);
      const alert = await expectAlert('OracleStale', { feed: 'ETH-USD' });
      expect(alert.labels).toMatchObject({ severity: 'critical', priority: 'P1' });
      await fault('publisher-stopped', false);
    },
  );

  it(
    'Oracle Update Failures: a zero answer raises OracleInvalidAnswer',
    { timeout: 150_000 },
    async () => {
      await fault('oracle-bad-answer', true);
      const alert = await expectAlert('OracleInvalidAnswer', { feed: 'ETH-USD' });
      expect(alert.labels.severity).toBe('critical');
      await fault('oracle-bad-answer', false);
      // Leave a good answer behind, or the next incident would start from a bad one.
      await waitFor(
        async () => (await prom.query('chainprobe_oracle_feed_state{state="ok"} == 1')).length > 0,
        60_000,
        1000,
      );
    },
  );

  it(
    'Security Incident: admin methods on the public gateway raise SecurityPrivilegedMethodExposed',
    { timeout: 150_000 },
    async () => {
      await fault('gateway-exposes-admin', true);
      const alert = await expectAlert('SecurityPrivilegedMethodExposed', { endpoint: 'gateway' });
      expect(alert.labels).toMatchObject({ severity: 'critical', priority: 'P1' });
      expect(alert.annotations.runbook_url).toContain('#security');
      await fault('gateway-exposes-admin', false);
    },
  );

  it(
    'Network Outage: a chain halt raises ChainHalted (P0) and inhibits its symptoms',
    { timeout: 240_000 },
    async () => {
      await fault('chain-halt', true);
      const halted = await expectAlert('ChainHalted', {}, 150_000);
      expect(halted.labels).toMatchObject({ severity: 'critical', priority: 'P0' });
      // The feed goes stale while the chain is halted: Prometheus fires OracleStale, and
      // Alertmanager holds it as suppressed, inhibited by ChainHalted.
      await waitFor(async () => (await firing()).includes('OracleStale'), 60_000, 1000);
      await waitFor(
        async () =>
          (await am.alerts()).some(
            (a) =>
              a.labels.alertname === 'OracleStale' &&
              a.status.state === 'suppressed' &&
              a.status.inhibitedBy.length > 0,
          ),
        30_000,
        1000,
      );
      await fault('chain-halt', false);
    },
  );
});
