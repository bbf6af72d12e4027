import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnet, type Devnet } from '../../src/devnet/devnet.js';
import { rpcResultOf, waitFor } from '../../src/devnet/testing.js';
import { PRIVILEGED_METHODS } from '../../src/probes/security/methods.js';
import { securityHarness, type SecurityHarness } from './harness.js';
import { makeCertificate, startTlsProxy, type TlsProxy } from './tls-proxy.js';

// One devnet for every case, faults switched on and off in turn (start-up dominates runtime).
let devnet: Devnet;
let probe: SecurityHarness;
let proxy: TlsProxy | undefined;

const EXPOSED = 'chainprobe_security_method_exposed';
const EVENTS = 'chainprobe_security_account_events_total';

// rpc-0 enables the QBFT API and the devnet gateway forwards to it, so the vote methods are
// really served through the gateway (see 'reports the QBFT vote methods rpc-0 serves'); this
// probe acknowledges them, as an operator who reviewed that choice would.
const ACKNOWLEDGED = ['qbft_proposeValidatorVote', 'qbft_discardValidatorVote'];

function urlOf(name: string): string {
  const ep = devnet.endpoints.find((e) => e.name === name);
  if (!ep) throw new Error(`no endpoint ${name}`);
  return ep.url;
}

function endpoints(): Array<Record<string, unknown>> {
  return [
    { name: 'gateway', url: urlOf('gateway'), role: 'gateway', public: true },
    { name: 'rpc-0', url: urlOf('rpc-0'), role: 'rpc' },
    { name: 'validator-0', url: urlOf('validator-0'), role: 'validator' },
  ];
}

function options(): Record<string, unknown> {
  const feed = devnet.feeds[0]?.address as string;
  return {
    expectedValidators: devnet.validators,
    acknowledgedMethods: ACKNOWLEDGED,
    watchedAccounts: [
      {
        name: 'publisher',
        address: devnet.publisher.address,
        allowedDestinations: devnet.feeds.map((f) => f.address),
        maxSpendPerHourEther: 1,
      },
    ],
    contractChecks: [
      { name: 'feed-owner', address: feed, call: 'owner()' },
      { name: 'feed-implementation', address: feed, slot: 'eip1967.implementation' },
    ],
  };
}

async function nextBlock(): Promise<void> {
  const now = Number(await rpcResultOf(urlOf('validator-0'), 'eth_blockNumber'));
  await waitFor(
    async () => Number(await rpcResultOf(urlOf('validator-0'), 'eth_blockNumber')) > now,
    10_000,
    'the next block',
  );
}

/** Every security series that signals a problem, with its value. */
async function alarms(h: SecurityHarness): Promise<string[]> {
  const out: string[] = [];
  for (const metric of await h.registry.getMetricsAsJSON()) {
    if (!metric.name.startsWith('chainprobe_security_')) continue;
    if (metric.name.includes('expiry') || metric.name.includes('limit')) continue;
    for (const v of metric.values) if (v.value !== 0) out.push(`${metric.name} ${v.value}`);
  }
  return out;
}

beforeAll(async () => {
  devnet = await startDevnet({ blockPeriodSeconds: 1, heartbeatSeconds: 2, kube: false });
  probe = securityHarness(endpoints(), options());
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await probe?.close();
  await devnet?.stop();
});

describe('security probe on a healthy devnet', () => {
  it('raises nothing over two runs with blocks between', async () => {
    const first = await probe.runAll();
    await nextBlock();
    const second = await probe.runAll();
    for (const results of [first, second])
      for (const [target, r] of results) expect({ target, ...r }).toEqual({ target, ok: true });
    expect(await alarms(probe)).toEqual([]);
    expect(await probe.value(EXPOSED, { endpoint: 'gateway', method: 'admin_nodeInfo' })).toBe(0);
    // Only the public endpoint is asked for privileged methods.
    expect(await probe.value(EXPOSED, { endpoint: 'rpc-0' })).toBeUndefined();
  });

  it('reports the vote methods of a QBFT node marked public, and leaves no vote behind', async () => {
    // rpc-0 enables the QBFT API (the gateway forwards to it); asked directly, it serves the vote
    // methods: they answer -32602 to the probe's empty params and record nothing.
    const h = securityHarness(
      [{ name: 'rpc-0', url: urlOf('rpc-0'), role: 'rpc', public: true }],
      {},
    );
    await h.run('rpc-0');
    for (const method of ['qbft_proposeValidatorVote', 'qbft_discardValidatorVote'])
      expect(await h.value(EXPOSED, { endpoint: 'rpc-0', method })).toBe(1);
    expect(await h.value(EXPOSED, { endpoint: 'rpc-0', method: 'admin_nodeInfo' })).toBe(0);
    expect(await rpcResultOf(urlOf('rpc-0'), 'qbft_getPendingVotes')).toEqual({});
    await h.close();
  });
});

describe('security probe against devnet faults', () => {
  it('gateway-exposes-admin: admin and debug methods show exposed', async () => {
    await devnet.setFault('gateway-exposes-admin', true);
    try {
      const r = await probe.run('gateway');
      expect(r.detail).toContain('admin_nodeInfo');
      for (const method of ['admin_nodeInfo', 'admin_peers', 'debug_traceBlockByNumber'])
        expect(await probe.value(EXPOSED, { endpoint: 'gateway', method })).toBe(1);
      expect(await probe.value(EXPOSED, { endpoint: 'gateway', method: 'txpool_content' })).toBe(0);
    } finally {
      await devnet.setFault('gateway-exposes-admin', false);
    }
    await probe.run('gateway');
    for (const { method } of PRIVILEGED_METHODS.filter((m) => !ACKNOWLEDGED.includes(m.method)))
      expect(await probe.value(EXPOSED, { endpoint: 'gateway', method })).toBe(0);
  });

  it('validator-vote-unknown: the pending vote for a stranger is counted', async () => {
    const fault = await devnet.setFault('validator-vote-unknown', true);
    try {
      const r = await probe.run('validator-set');
      expect(r.detail).toContain(`vote to add ${String(fault?.params.address)}`);
      expect(await probe.value('chainprobe_security_validator_votes_unexpected')).toBe(1);
    } finally {
      await devnet.setFault('validator-vote-unknown', false);
    }
    await probe.run('validator-set');
    expect(await probe.value('chainprobe_security_validator_votes_unexpected')).toBe(0);
  });

  it('an allow-list without validator-3 shows one unexpected validator', async () => {
    const allow = devnet.validators.slice(0, -1);
    const h = securityHarness(endpoints(), { expectedValidators: allow });
    const r = await h.run('validator-set');
    expect(r.detail).toContain(devnet.validators.at(-1));
    expect(await h.value('chainprobe_security_validator_unexpected')).toBe(1);
    expect(await h.value('chainprobe_security_validator_missing')).toBe(0);
    await h.close();
  });

  it('publisher-tx-to-stranger: off-list transfer and overspend are seen', async () => {
    await probe.run('watched-accounts');
    const fault = await devnet.setFault('publisher-tx-to-stranger', true, { valueEther: 5 });
    await devnet.setFault('publisher-tx-to-stranger', false);
    await nextBlock();
    const r = await probe.run('watched-accounts');
    expect(r.detail).toContain(String(fault?.params.to));
    const labels = { account: 'publisher', class: 'unexpected_destination' };
    expect(await probe.value(EVENTS, labels)).toBe(1);
    expect(await probe.value(EVENTS, { ...labels, class: 'unexplained_nonce' })).toBe(0);
    expect(await probe.value('chainprobe_security_account_spent_ether')).toBeGreaterThanOrEqual(5);
  });

  it('feed-owner-change: the owner drifts, and returns when switched off', async () => {
    await probe.run('contract-control');
    const fault = await devnet.setFault('feed-owner-change', true);
    try {
      await nextBlock(); // mined in anvil; wait until the node serves a block after it
      const r = await probe.run('contract-control');
      expect(r.detail).toContain(`feed-owner is ${String(fault?.params.newOwner)}`);
      expect(await probe.value('chainprobe_security_contract_drift', { check: 'feed-owner' })).toBe(
        1,
      );
      const impl = { check: 'feed-implementation' };
      expect(await probe.value('chainprobe_security_contract_drift', impl)).toBe(0);
    } finally {
      await devnet.setFault('feed-owner-change', false);
    }
    await nextBlock();
    await probe.run('contract-control');
    expect(await probe.value('chainprobe_security_contract_drift', { check: 'feed-owner' })).toBe(
      0,
    );
  });

  it('a TLS front whose certificate is swapped: fingerprint and issuer change, expiry read', async () => {
    const first = makeCertificate('gateway-a.chain138.test', 10);
    proxy = await startTlsProxy(urlOf('gateway'), first);
    const h = securityHarness([{ name: 'edge', url: proxy.url, role: 'gateway' }], {
      acknowledgedMethods: ACKNOWLEDGED,
    });
    try {
      const before = await h.run('edge');
      // chainprobe's JSON-RPC client does not trust a self-signed certificate: class tls.
      expect(before.errorClass).toBe('tls');
      const expiry = (await h.value('chainprobe_security_tls_cert_expiry_timestamp_seconds')) ?? 0;
      expect(expiry - Date.now() / 1000).toBeGreaterThan(9 * 86_400);
      expect(expiry - Date.now() / 1000).toBeLessThan(11 * 86_400);
      const fp = { endpoint: 'edge', what: 'tls_fingerprint' };
      expect(await h.value('chainprobe_security_identity_changed', fp)).toBe(0);

      proxy.swap(makeCertificate('attacker.example', 90));
      const after = await h.run('edge');
      expect(after.detail).toContain('certificate sha256');
      expect(await h.value('chainprobe_security_identity_changed', fp)).toBe(1);
      const issuer = { endpoint: 'edge', what: 'tls_issuer' };
      expect(await h.value('chainprobe_security_identity_changed', issuer)).toBe(1);
    } finally {
      await h.close();
    }
  });

  it('a configured pin flags a certificate from the first run', async () => {
    const pair = makeCertificate('gateway-b.chain138.test', 30);
    proxy?.swap(pair);
    const pin = 'AB:'.repeat(31) + 'AB';
    const h = securityHarness([{ name: 'edge', url: proxy?.url as string, role: 'gateway' }], {
      tlsPins: { edge: pin },
      acknowledgedMethods: ACKNOWLEDGED,
    });
    await h.run('edge');
    const fp = { endpoint: 'edge', what: 'tls_fingerprint' };
    expect(await h.value('chainprobe_security_identity_changed', fp)).toBe(1);
    await h.close();
  });
});
