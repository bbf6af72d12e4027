import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAlertCases } from '../../src/catalogue/alert-cases.js';
import { buildAlerts } from '../../src/catalogue/alerts.js';
import { DEFAULT_OPTIONS } from '../../src/catalogue/options.js';
import { alertLabels } from '../../src/catalogue/rules.js';
import { startAlertmanager, type AlertmanagerServer } from '../helpers/alertmanager.js';
import { waitFor } from '../helpers/ports.js';

// The example configuration's inhibition, checked in a real Alertmanager: alerts are posted
// with the label sets the generated rules produce (static labels plus the `fires` case labels).

const alerts = new Map(buildAlerts(DEFAULT_OPTIONS).map((a) => [a.name, a]));
const firing = new Map(
  buildAlertCases()
    .filter((c) => c.kind === 'fires')
    .map((c) => [c.alert, c.expect[0]?.labels ?? {}]),
);

/** The labels Prometheus would send for `name`, with overrides. */
function labelsOf(name: string, extra: Record<string, string> = {}): Record<string, string> {
  const alert = alerts.get(name);
  if (!alert) throw new Error(`unknown alert ${name}`);
  return {
    alertname: name,
    ...alertLabels(alert, DEFAULT_OPTIONS),
    ...firing.get(name),
    ...extra,
  };
}

let am: AlertmanagerServer | undefined;

beforeAll(async () => {
  const config = readFileSync(new URL('../../alerts/alertmanager.example.yml', import.meta.url));
  am = await startAlertmanager(config.toString());
});

afterAll(async () => {
  await am?.stop();
});

async function post(labelSets: Array<Record<string, string>>): Promise<void> {
  const body = labelSets.map((labels) => ({
    labels,
    annotations: { summary: 'test' },
    startsAt: new Date().toISOString(),
  }));
  const res = await fetch(`${am?.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

/** State of the alert with exactly these labels, once Alertmanager has processed it. */
async function stateOf(labels: Record<string, string>): Promise<string> {
  const key = JSON.stringify(Object.entries(labels).sort());
  let state = '';
  await waitFor(async () => {
    const found = (await am?.alerts())?.find(
      (a) => JSON.stringify(Object.entries(a.labels).sort()) === key,
    );
    state = found?.status.state ?? '';
    return state === 'active' || state === 'suppressed';
  }, 10_000);
  return state;
}

describe('alertmanager.example.yml inhibition in a real Alertmanager', () => {
  it.each([
    {
      desc: 'chain-halted-silences-oracle-stale',
      source: labelsOf('ChainHalted'),
      target: labelsOf('OracleStale', { feed: 'BTC-USD' }),
      want: 'suppressed',
    },
    {
      desc: 'chain-halted-of-another-network-does-not',
      source: labelsOf('ChainHalted', { network: 'other' }),
      target: labelsOf('RpcEndpointBehind', { endpoint: 'rpc-9' }),
      want: 'active',
    },
    {
      desc: 'chain-halted-never-silences-its-cause',
      source: labelsOf('ChainHalted'),
      target: labelsOf('ValidatorDown'),
      want: 'active',
    },
    {
      desc: 'endpoint-down-silences-its-errors',
      source: labelsOf('RpcEndpointDown', { endpoint: 'rpc-3' }),
      target: labelsOf('RpcEndpointErrors', { endpoint: 'rpc-3' }),
      want: 'suppressed',
    },
    {
      desc: 'endpoint-down-leaves-other-endpoints-alone',
      source: labelsOf('RpcEndpointDown', { endpoint: 'rpc-4' }),
      target: labelsOf('RpcEndpointErrors', { endpoint: 'rpc-5' }),
      want: 'active',
    },
    {
      desc: 'wrong-chain-silences-endpoint-down',
      source: labelsOf('RpcEndpointWrongChain', { endpoint: 'rpc-6' }),
      target: labelsOf('RpcEndpointDown', { endpoint: 'rpc-6' }),
      want: 'suppressed',
    },
    {
      desc: 'gateway-diagnosis-silences-gateway-down',
      source: labelsOf('GatewayFailingBackendsHealthy'),
      target: labelsOf('RpcEndpointDown', { endpoint: 'gateway' }),
      want: 'suppressed',
    },
    {
      desc: 'validator-down-silences-its-missed-slots',
      source: labelsOf('ValidatorDown', { validator: '0xaa' }),
      target: labelsOf('ValidatorMissingSlots', { validator: '0xaa' }),
      want: 'suppressed',
    },
    {
      desc: 'empty-canary-account-silences-not-included',
      source: labelsOf('CanaryOutOfFunds', { probe: 'canary' }),
      target: labelsOf('CanaryNotIncluded', { probe: 'canary' }),
      want: 'suppressed',
    },
    {
      desc: 'empty-account-of-another-canary-does-not',
      source: labelsOf('CanaryOutOfFunds', { probe: 'canary-a' }),
      target: labelsOf('CanaryNotIncluded', { probe: 'canary-b' }),
      want: 'active',
    },
  ])('$desc', async ({ desc, source, target, want }) => {
    // Alerts of earlier cases stay active; a network per case keeps them out of this one.
    source = { ...source, network: source.network === 'other' ? `${desc}-other` : desc };
    target = { ...target, network: desc };
    await post([source, target]);
    expect(await stateOf(source)).toBe('active');
    expect(await stateOf(target)).toBe(want);
  });
});
