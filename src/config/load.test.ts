import { describe, expect, it } from 'vitest';
import { leadingPath } from './cross-check.js';
import { parseConfig } from './load.js';
import { ConfigError } from './errors.js';
import { PROBE_KINDS } from '../probes/registry.js';

const EP = `endpoints:\n  - name: rpc-0\n    url: http://127.0.0.1:8545\n`;

function issuesOf(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(yaml, PROBE_KINDS, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}

describe('parseConfig', () => {
  it('keeps an unquoted 0x address as written (YAML would read it as a number)', () => {
    const address = '0xdd0b5e1b2f6e0e3c0b5d4f2e7b6a9c8d7e6f1edb';
    const c = parseConfig(
      `endpoints:\n  - name: v\n    url: http://h\n    validatorAddress: ${address}\n`,
      PROBE_KINDS,
      {},
    );
    expect(c.endpoints[0]?.validatorAddress).toBe(address);
  });

  it('applies defaults that suit a 2 s QBFT chain', () => {
    const c = parseConfig(`${EP}probes:\n  - name: rpc\n    kind: rpc\n`, PROBE_KINDS, {});
    expect(c.global).toMatchObject({
      chainId: 138,
      blockPeriodSeconds: 2,
      intervalMs: 5000,
      timeoutMs: 3000,
    });
    expect(c.probes[0]).toMatchObject({
      name: 'rpc',
      kind: 'rpc',
      intervalMs: 5000,
      timeoutMs: 3000,
      checkPeers: true,
    });
    expect(c.endpoints[0]).toMatchObject({ role: 'rpc', besu: true, public: false });
  });

  it('substitutes ${ENV} and collects the URL secrets', () => {
    const c = parseConfig(
      `endpoints:\n  - name: gw\n    url: https://u:\${PW}@rpc.example/v3/\${KEY}\n`,
      PROBE_KINDS,
      { PW: 'hunter22', KEY: 'a1b2c3d4e5f6a7b8c9d0e1f2' },
    );
    expect(c.endpoints[0]?.url).toBe('https://u:hunter22@rpc.example/v3/a1b2c3d4e5f6a7b8c9d0e1f2');
    expect(c.secrets).toEqual(expect.arrayContaining(['hunter22', 'a1b2c3d4e5f6a7b8c9d0e1f2']));
  });

  it('keeps $${ as a literal', () => {
    const c = parseConfig(`${EP}global:\n  runbookUrl: "/x/$\${NOT}"\n`, PROBE_KINDS, {});
    expect(c.global.runbookUrl).toBe('/x/${NOT}');
  });

  it('reports every problem at once', () => {
    const issues = issuesOf(
      `global:\n  chainId: -1\n  colour: red\n${EP}probes:\n  - name: a\n    kind: rpc\n    intervalMs: 1000\n    timeoutMs: 1000\n  - name: b\n    kind: nope\n`,
    );
    expect(issues.length).toBeGreaterThanOrEqual(3);
  });

  // One fixture per rule, with its exact message.
  it.each([
    {
      desc: 'not-yaml',
      yaml: 'a: [1, 2',
      want: expect.stringMatching(/^not valid YAML at line 1/),
    },
    {
      desc: 'no-endpoints',
      yaml: 'endpoints: []\n',
      want: 'endpoints ([]) must name at least one endpoint',
    },
    {
      desc: 'missing-endpoints',
      yaml: 'global: {}\n',
      want: 'endpoints (missing) invalid input: expected array, received undefined',
    },
    { desc: 'unknown-top-key', yaml: `${EP}extra: 1\n`, want: "(root): unknown key 'extra'" },
    {
      desc: 'unknown-global-key',
      yaml: `global:\n  chainID: 138\n${EP}`,
      want: "global: unknown key 'chainID'",
    },
    {
      desc: 'unknown-probe-key',
      yaml: `${EP}probes:\n  - name: r\n    kind: rpc\n    foo: 1\n`,
      want: "probes[0]: unknown key 'foo'",
    },
    {
      desc: 'unknown-kind',
      yaml: `${EP}probes:\n  - name: r\n    kind: ping\n`,
      want: expect.stringMatching(/^probes\[0\]\.kind \(ping\) invalid discriminator value/),
    },
    {
      desc: 'bad-chain-id',
      yaml: `global:\n  chainId: 0\n${EP}`,
      want: 'global.chainId (0) too small: expected number to be >0',
    },
    {
      desc: 'bad-location',
      yaml: `global:\n  location: "eu west"\n${EP}`,
      want: 'global.location (eu west) must be 1-63 letters, digits, "_", "." or "-"',
    },
    {
      desc: 'bad-listen',
      yaml: `global:\n  listen: "9488"\n${EP}`,
      want: 'global.listen (9488) must be host:port',
    },
    {
      desc: 'bad-url-redacted',
      yaml: 'endpoints:\n  - name: a\n    url: "ftp://x:pw@h"\n',
      want: 'endpoints[0].url (<redacted>) must be an http(s) URL',
    },
    {
      desc: 'bad-endpoint-name',
      yaml: 'endpoints:\n  - name: "a b"\n    url: http://h\n',
      want: 'endpoints[0].name (a b) must be 1-63 letters, digits, "_", "." or "-"',
    },
    {
      desc: 'bad-validator-address',
      yaml: 'endpoints:\n  - name: a\n    url: http://h\n    validatorAddress: "0x12"\n',
      want: 'endpoints[0].validatorAddress (0x12) must be a 0x-prefixed 20-byte hex address',
    },
    {
      desc: 'unquoted-hex-stays-as-written',
      yaml: 'endpoints:\n  - name: a\n    url: http://h\n    validatorAddress: 0x12\n',
      want: 'endpoints[0].validatorAddress (0x12) must be a 0x-prefixed 20-byte hex address',
    },
    {
      desc: 'hex-number-is-not-a-number',
      yaml: `global:\n  chainId: 0x8a\n${EP}`,
      want: 'global.chainId (0x8a) invalid input: expected number, received string',
    },
    {
      desc: 'duplicate-endpoint',
      yaml: `${EP}  - name: rpc-0\n    url: http://h\n`,
      want: 'endpoints[1].name (rpc-0) is used twice',
    },
    {
      desc: 'duplicate-probe',
      yaml: `${EP}probes:\n  - { name: r, kind: rpc }\n  - { name: r, kind: block }\n`,
      want: 'probes[1].name (r) is used twice',
    },
    {
      desc: 'timeout-not-below-interval',
      yaml: `${EP}probes:\n  - { name: r, kind: rpc, intervalMs: 10000, timeoutMs: 15000 }\n`,
      want: 'probes[0].timeoutMs (15000) must be below intervalMs (10000)',
    },
    {
      desc: 'global-timeout-not-below-interval',
      yaml: `global:\n  intervalMs: 1000\n  timeoutMs: 1000\n${EP}`,
      want: 'global.timeoutMs (1000) must be below intervalMs (1000)',
    },

    {
      desc: 'unknown-endpoint-ref',
      yaml: `${EP}probes:\n  - { name: r, kind: rpc, endpoints: [rpc-9] }\n`,
      want: 'probes[0].endpoints[0] (rpc-9) names no configured endpoint',
    },
    {
      desc: 'interval-too-small',
      yaml: `${EP}probes:\n  - { name: r, kind: rpc, intervalMs: 5 }\n`,
      want: 'probes[0].intervalMs (5) too small: expected number to be >=100',
    },
    {
      desc: 'missing-env',
      yaml: 'endpoints:\n  - name: a\n    url: http://h/${RPC_KEY}\n',
      want: 'endpoints[0].url: environment variable RPC_KEY is not set',
    },
    {
      desc: 'bad-env-name',
      yaml: 'endpoints:\n  - name: a\n    url: http://h/${1X}\n',
      want: 'endpoints[0].url: ${1X} is not a valid variable name',
    },
    {
      desc: 'wrong-type',
      yaml: `global:\n  concurrency: many\n${EP}`,
      want: 'global.concurrency (many) invalid input: expected number, received string',
    },
  ])('$desc', ({ yaml, want }) => {
    expect(issuesOf(yaml)).toContainEqual(want);
  });
});

describe('parseConfig secrets', () => {
  it('never echoes a private key pasted where an address belongs', () => {
    const key = `0x${'ab12'.repeat(16)}`;
    const issues = issuesOf(
      `endpoints:\n  - name: a\n    url: http://h\n    validatorAddress: "${key}"\n`,
    );
    expect(issues).toEqual([
      'endpoints[0].validatorAddress (<redacted: looks like a private key>) must be a 0x-prefixed 20-byte hex address',
    ]);
    expect(issues.join()).not.toContain('ab12ab12');
  });

  it('treats URLs inside probe options as secrets for the log scrubber', () => {
    const c = parseConfig(
      `${EP}probes:\n  - name: b\n    kind: breaker\n    sources:\n      - { name: p, type: http-json, url: "http://u:brk-pw-77@h/s?token=tk-9981", pointer: /state }\n`,
      PROBE_KINDS,
      {},
    );
    expect(c.secrets).toEqual(expect.arrayContaining(['brk-pw-77', 'tk-9981']));
  });
});

describe('parseConfig in one round', () => {
  // Cross-field rules run beside the schema on the parts that passed it; the list is in file
  // order. Each case gives the exact, complete list of problems.
  it.each([
    {
      desc: 'inherited-timing-judged-once-in-global',
      yaml: `global:\n  intervalMs: 1000\n  timeoutMs: 2000\n${EP}probes:\n  - { name: r, kind: rpc }\n`,
      want: ['global.timeoutMs (2000) must be below intervalMs (1000)'],
    },
    {
      desc: 'schema-and-unknown-endpoint',
      yaml: `global:\n  chainId: 0\n${EP}probes:\n  - { name: r, kind: rpc, endpoints: [rpc-9] }\n`,
      want: [
        'global.chainId (0) too small: expected number to be >0',
        'probes[0].endpoints[0] (rpc-9) names no configured endpoint',
      ],
    },
    {
      desc: 'file-order-not-schema-order',
      yaml:
        `${EP}probes:\n  - { name: r, kind: rpc, endpoints: [rpc-9] }\n` +
        `  - { name: b, kind: block, intervalMs: 5 }\n` +
        `  - { name: r, kind: rpc, intervalMs: 1000, timeoutMs: 2000 }\n` +
        `global:\n  chainId: 0\n`,
      want: [
        'probes[0].endpoints[0] (rpc-9) names no configured endpoint',
        'probes[1].intervalMs (5) too small: expected number to be >=100',
        'probes[2].name (r) is used twice',
        'probes[2].timeoutMs (2000) must be below intervalMs (1000)',
        'global.chainId (0) too small: expected number to be >0',
      ],
    },
    {
      desc: 'unknown-key-at-its-line',
      yaml: `${EP}    colour: red\nprobes:\n  - { name: r, kind: rpc, endpoints: [x] }\n`,
      want: [
        "endpoints[0]: unknown key 'colour'",
        'probes[0].endpoints[0] (x) names no configured endpoint',
      ],
    },
    {
      desc: 'invalid-endpoint-keeps-its-name',
      yaml:
        'endpoints:\n  - { name: rpc-0, url: "ftp://h" }\n  - { name: rpc-0, url: http://h }\n' +
        'probes:\n  - { name: r, kind: rpc, endpoints: [rpc-0] }\n',
      want: [
        'endpoints[0].url (<redacted>) must be an http(s) URL',
        'endpoints[1].name (rpc-0) is used twice',
      ],
    },
    {
      desc: 'nameless-endpoint-skips-references',
      yaml:
        'endpoints:\n  - { url: http://h }\n' +
        'probes:\n  - { name: r, kind: rpc, endpoints: [rpc-9] }\n',
      want: ['endpoints[0].name (missing) invalid input: expected string, received undefined'],
    },
    {
      desc: 'invalid-global-skips-probe-timing',
      yaml: `global:\n  intervalMs: soon\n${EP}probes:\n  - { name: r, kind: rpc, timeoutMs: 9000 }\n`,
      want: ['global.intervalMs (soon) invalid input: expected number, received string'],
    },
    {
      desc: 'invalid-probe-skips-its-timing-but-not-its-references',
      yaml: `${EP}probes:\n  - { name: r, kind: rpc, intervalMs: 5, timeoutMs: 9000, endpoints: [x] }\n`,
      want: [
        'probes[0].intervalMs (5) too small: expected number to be >=100',
        'probes[0].endpoints[0] (x) names no configured endpoint',
      ],
    },
    {
      desc: 'invalid-references-are-not-judged',
      yaml: `${EP}probes:\n  - { name: r, kind: rpc, endpoints: [x, 3] }\n`,
      want: ['probes[0].endpoints[1] (3) invalid input: expected string, received number'],
    },
    {
      desc: 'invalid-global-skips-kind-check',
      yaml:
        `global:\n  location: "eu west"\n${EP}` +
        'probes:\n  - { name: s, kind: security, chainEndpoint: rpc-9 }\n',
      want: ['global.location (eu west) must be 1-63 letters, digits, "_", "." or "-"'],
    },
    {
      desc: 'kind-check-skipped-with-an-invalid-endpoint',
      yaml:
        'endpoints:\n  - { name: rpc-0, url: "ftp://h" }\n' +
        'probes:\n  - { name: s, kind: security, chainEndpoint: rpc-0 }\n',
      want: ['endpoints[0].url (<redacted>) must be an http(s) URL'],
    },
    {
      desc: 'kind-check-at-its-line',
      yaml:
        `${EP}probes:\n  - name: s\n    kind: security\n    intervalMs: 5000\n` +
        '    chainEndpoint: rpc-9\n  - { name: r, kind: rpc, intervalMs: 5 }\n',
      want: [
        'probes[0].chainEndpoint (rpc-9) is not a configured endpoint',
        'probes[1].intervalMs (5) too small: expected number to be >=100',
      ],
    },
    {
      desc: 'tls-on-http-and-unreadable-ca',
      yaml:
        'endpoints:\n  - name: a\n    url: http://h\n    tls: { caFile: /nonexistent/ca.pem }\n' +
        'probes:\n  - { name: r, kind: rpc, endpoints: [b] }\n',
      want: [
        'endpoints[0].tls needs an https url',
        'endpoints[0].tls.caFile (/nonexistent/ca.pem) cannot be read (ENOENT)',
        'probes[0].endpoints[0] (b) names no configured endpoint',
      ],
    },
    {
      desc: 'server-name-not-a-host-name',
      yaml:
        'endpoints:\n  - name: a\n    url: https://h\n' +
        '    tls: { caFile: /nonexistent/ca.pem, serverName: "10.0.0.1:443" }\n',
      want: ['endpoints[0].tls.serverName (10.0.0.1:443) must be a DNS host name'],
    },
    {
      desc: 'server-name-an-ip-address',
      yaml:
        'endpoints:\n  - name: a\n    url: https://h\n' +
        '    tls: { caFile: /nonexistent/ca.pem, serverName: 10.0.0.1 }\n',
      want: ['endpoints[0].tls.serverName (10.0.0.1) must be a DNS host name, not an IP address'],
    },
  ])('$desc', ({ yaml, want }) => {
    expect(issuesOf(yaml)).toEqual(want);
  });
});

describe('leadingPath', () => {
  it.each([
    { desc: 'key', msg: 'chainEndpoint (x) is not a configured endpoint', want: ['chainEndpoint'] },
    { desc: 'key-and-index', msg: 'feeds[2].address (0x1) bad', want: ['feeds', 2, 'address'] },
    {
      desc: 'dotted-name',
      msg: 'tlsPins.rpc-0 is not a configured endpoint',
      want: ['tlsPins', 'rpc-0'],
    },
    { desc: 'sentence', msg: 'needs exactly one of keyFile or keyEnv', want: ['needs'] },
  ])('$desc', ({ msg, want }) => {
    expect(leadingPath(msg)).toEqual(want);
  });
});
