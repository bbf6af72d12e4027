import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';

const ADDR = '0x00000000000000000000000000000000000000aa';
const KEY = `0x${'ab'.repeat(32)}`;

function load(
  probe: string,
  endpoints = '  - { name: gw, url: http://127.0.0.1:1, role: gateway }',
) {
  return parseConfig(`endpoints:\n${endpoints}\nprobes:\n${probe}\n`, PROBE_KINDS, {});
}

function issuesOf(probe: string, endpoints?: string): string[] {
  try {
    load(probe, endpoints);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}

describe('oracle, publisher and breaker options in the YAML schema', () => {
  it('loads all three kinds with their defaults', () => {
    const config = load(
      [
        `  - { name: o, kind: oracle, feeds: [{ name: eth-usd, address: '${ADDR}', heartbeatSeconds: 60 }] }`,
        `  - { name: p, kind: publisher, accounts: [{ name: pub, address: '${ADDR}' }] }`,
        `  - { name: b, kind: breaker, sources: [{ name: r0, type: contract, address: '${ADDR}' }] }`,
      ].join('\n'),
    );
    expect(config.probes.map((p) => p.kind)).toEqual(['oracle', 'publisher', 'breaker']);
    expect(config.probes[0]).toMatchObject({ graceSeconds: 10, futureToleranceSeconds: 5 });
    expect(config.probes[1]).toMatchObject({ spendWindowSeconds: 3600, stuckAfterSeconds: 60 });
    expect(config.probes[2]).toMatchObject({
      maxResponseBytes: 1048576,
      sources: [{ name: 'r0', type: 'contract', function: 'paused' }],
    });
  });

  it.each([
    {
      desc: 'duplicate-feed',
      probe: `  - { name: o, kind: oracle, feeds: [{ name: a, address: '${ADDR}', heartbeatSeconds: 1 }, { name: a, address: '${ADDR}', heartbeatSeconds: 1 }] }`,
      issue: 'probes[0].feeds[1].name (a) is used twice',
    },
    {
      desc: 'min-not-below-max',
      probe: `  - { name: o, kind: oracle, feeds: [{ name: a, address: '${ADDR}', heartbeatSeconds: 1, minAnswer: 5, maxAnswer: 5 }] }`,
      issue: 'probes[0].feeds[0].minAnswer (5) must be below maxAnswer (5)',
    },
    {
      desc: 'unknown-endpoint',
      probe: `  - { name: o, kind: oracle, endpoint: nope, feeds: [{ name: a, address: '${ADDR}', heartbeatSeconds: 1 }] }`,
      issue: 'probes[0].endpoint (nope) names no configured endpoint',
    },
    {
      desc: 'endpoints-list-not-used',
      probe: `  - { name: p, kind: publisher, endpoints: [gw], accounts: [{ name: a, address: '${ADDR}' }] }`,
      issue: 'probes[0].endpoints is not used by this kind: name one `endpoint`',
    },
    {
      desc: 'numeric-prometheus-source-without-map',
      probe: `  - { name: b, kind: breaker, sources: [{ name: r0, type: prometheus, url: 'http://127.0.0.1:1/metrics', metric: cb_open }] }`,
      issue: 'probes[0].sources[0].states must map the series values (e.g. "0": closed, "1": open)',
    },
    {
      desc: 'duplicate-source',
      probe: `  - { name: b, kind: breaker, sources: [{ name: r0, type: contract, address: '${ADDR}' }, { name: r0, type: contract, address: '${ADDR}' }] }`,
      issue: 'probes[0].sources[1].name (r0) is used twice',
    },
  ])('rejects $desc', ({ probe, issue }) => {
    expect(issuesOf(probe)).toContain(issue);
  });

  it('needs an endpoint for contract reads when no gateway or rpc exists', () => {
    const validatorOnly = '  - { name: v0, url: http://127.0.0.1:1, role: validator }';
    const probe = `  - { name: o, kind: oracle, feeds: [{ name: a, address: '${ADDR}', heartbeatSeconds: 1 }] }`;
    expect(issuesOf(probe, validatorOnly)).toEqual([
      'probes[0].endpoint is not set and no gateway or rpc endpoint is configured',
    ]);
  });

  it.each([
    {
      desc: 'bad-pointer',
      source: "{ name: r, type: http-json, url: 'http://127.0.0.1:1/', pointer: 'breaker/state' }",
      path: 'probes[0].sources[0].pointer',
    },
    {
      desc: 'bad-state-name',
      source:
        "{ name: r, type: http-json, url: 'http://127.0.0.1:1/', pointer: /s, states: { OPEN: tripped } }",
      path: 'probes[0].sources[0].states.OPEN',
    },
    {
      desc: 'not-http-url',
      source: "{ name: r, type: http-json, url: 'file:///etc/passwd', pointer: /s }",
      path: 'probes[0].sources[0].url (<redacted>)',
    },
    {
      desc: 'unknown-type',
      source: "{ name: r, type: grpc, url: 'http://127.0.0.1:1/' }",
      path: 'probes[0].sources[0].type',
    },
  ])('rejects a breaker source with $desc', ({ source, path }) => {
    const issues = issuesOf(`  - { name: b, kind: breaker, sources: [${source}] }`);
    expect(issues.some((i) => i.startsWith(path))).toBe(true);
  });

  it('rejects a 32-byte private key given as the publisher address', () => {
    const issues = issuesOf(
      `  - { name: p, kind: publisher, accounts: [{ name: a, address: '${KEY}' }] }`,
    );
    expect(issues.some((i) => i.startsWith('probes[0].accounts[0].address'))).toBe(true);
  });
});
