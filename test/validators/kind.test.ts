import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { parseConfig } from '../../src/config/load.js';
import type { EndpointConfig } from '../../src/config/schema.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';
import { benchValidatorsPath } from '../../src/probes/validators/bench.js';
import { pickValidatorsEndpoint, ValidatorsOptions } from '../../src/probes/validators/kind.js';
import { defineValidatorsMetrics } from '../../src/probes/validators/metrics.js';

const ep = (name: string, role: EndpointConfig['role']): EndpointConfig => ({
  name,
  url: 'http://127.0.0.1:8545',
  role,
  besu: true,
  public: false,
  maxConnections: 4,
});

function issuesOf(yaml: string): string[] {
  try {
    parseConfig(yaml, PROBE_KINDS, {});
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}

describe('validators options', () => {
  it('defaults to a 64-block window, bounded catch-up and the QBFT API on', () => {
    expect(ValidatorsOptions.parse({})).toEqual({
      consensus: 'auto',
      window: 64,
      maxCatchUpBlocks: 64,
      maxBlocksPerRun: 32,
      participationThreshold: 0.5,
      qbftApi: true,
    });
  });

  const bad = [
    { desc: 'window-too-small', options: { window: 2 } },
    { desc: 'threshold-above-one', options: { participationThreshold: 1.5 } },
    { desc: 'unknown-consensus', options: { consensus: 'clique' } },
    { desc: 'name-key-not-address', options: { names: { alice: 'alice' } } },
    { desc: 'name-not-a-label', options: { names: { [`0x${'aa'.repeat(20)}`]: 'a b' } } },
    { desc: 'unknown-option', options: { windw: 64 } },
  ];
  it.each(bad)('rejects $desc', ({ options }) => {
    expect(ValidatorsOptions.safeParse(options).success).toBe(false);
  });

  it('is reachable through the config loader via the registry of kinds', () => {
    const yaml =
      'endpoints:\n  - name: gw\n    url: http://127.0.0.1:1\n    role: gateway\n' +
      'probes:\n  - name: v\n    kind: validators\n';
    expect(issuesOf(yaml)).toEqual([
      'probes[0].endpoint is not set and no validator or rpc endpoint is configured',
    ]);
    expect(issuesOf(`${yaml}    endpoint: nope\n`)).toEqual([
      'probes[0].endpoint (nope) names no configured endpoint',
    ]);
  });
});

describe('pickValidatorsEndpoint', () => {
  const eps = [ep('gw', 'gateway'), ep('val-0', 'validator'), ep('rpc-0', 'rpc')];
  const cases = [
    { desc: 'named', named: 'rpc-0', endpoints: eps, want: 'rpc-0' },
    { desc: 'named-missing', named: 'x', endpoints: eps, want: undefined },
    { desc: 'first-validator-or-rpc-not-gateway', named: undefined, endpoints: eps, want: 'val-0' },
    { desc: 'gateway-only', named: undefined, endpoints: [ep('gw', 'gateway')], want: undefined },
  ];
  it.each(cases)('picks $desc', ({ named, endpoints, want }) => {
    expect(pickValidatorsEndpoint(named, endpoints)).toBe(want);
  });
});

describe('validators metrics', () => {
  it('follow the naming grammar: prefix, _total counters, _info, units', async () => {
    const registry = new Registry();
    defineValidatorsMetrics(registry);
    const metrics = await registry.getMetricsAsJSON();
    expect(metrics.length).toBeGreaterThan(30);
    for (const m of metrics) {
      expect(m.name).toMatch(/^chainprobe_validators_[a-z][a-z_]*[a-z]$/);
      expect(m.help.length).toBeGreaterThan(20);
      expect(m.name.endsWith('_total')).toBe(String(m.type) === 'counter');
    }
    const missed = metrics.find((m) => m.name === 'chainprobe_validators_missed_slots_total');
    expect(missed?.help).toMatch(/strong hint .*not proof/);
  });
});

describe('benchValidatorsPath', () => {
  it('runs the whole per-block path and reports CPU per block', async () => {
    const result = await benchValidatorsPath(4, 2);
    expect(result.blocks).toBe(2);
    expect(result.cpuSecondsPerBlock).toBeGreaterThan(0);
  });
});
