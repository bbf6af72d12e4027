import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { parseConfig } from '../../src/config/load.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';

const A = `0x${'a'.repeat(40)}`;

function yaml(probe: string): string {
  return [
    'endpoints:',
    '  - { name: gateway, url: "https://rpc.example.test", role: gateway }',
    '  - { name: rpc-0, url: "http://127.0.0.1:8546" }',
    'probes:',
    '  - name: security',
    '    kind: security',
    ...probe.split('\n').map((l) => `    ${l}`),
  ].join('\n');
}

function problems(probe: string): string[] {
  try {
    parseConfig(yaml(probe), PROBE_KINDS, {});
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
}

describe('security probe configuration', () => {
  it('loads a full definition through the real loader, addresses lowercased', () => {
    const config = parseConfig(
      yaml(
        [
          'chainEndpoint: rpc-0',
          `expectedValidators: ["${A.toUpperCase().replace('0X', '0x')}"]`,
          `watchedAccounts: [{ name: publisher, address: "${A}", maxSpendPerHourEther: 0.5 }]`,
          `contractChecks: [{ name: feed-owner, address: "${A}", call: "owner()" }]`,
          `tlsPins: { gateway: "${'ab:'.repeat(31)}ab" }`,
        ].join('\n'),
      ),
      PROBE_KINDS,
      {},
    );
    const probe = config.probes[0] as Record<string, unknown>;
    expect(probe.expectedValidators).toEqual([A]);
    expect(probe.maxScanBlocks).toBe(100);
    expect(probe.acknowledgedMethods).toEqual([]);
  });

  it.each([
    { desc: 'unknown-chain-endpoint', probe: 'chainEndpoint: nowhere', want: 'chainEndpoint' },
    {
      desc: 'pin-for-unknown-endpoint',
      probe: `tlsPins: { nowhere: "${'ab'.repeat(32)}" }`,
      want: 'tlsPins.nowhere',
    },
    {
      desc: 'pin-for-a-plain-http-endpoint',
      probe: `tlsPins: { rpc-0: "${'ab'.repeat(32)}" }`,
      want: 'not https',
    },
    { desc: 'empty-allow-list', probe: 'expectedValidators: []', want: 'expectedValidators' },
    {
      desc: 'call-and-slot-together',
      probe: `contractChecks: [{ name: x, address: "${A}", call: "owner()", slot: eip1967.admin }]`,
      want: 'exactly one of call and slot',
    },
    {
      desc: 'call-with-arguments',
      probe: `contractChecks: [{ name: x, address: "${A}", call: "balanceOf(address)" }]`,
      want: 'no-argument',
    },
    {
      desc: 'method-off-the-reviewed-list',
      probe: 'acknowledgedMethods: [eth_sendRawTransaction]',
      want: 'acknowledgedMethods',
    },
    {
      desc: 'duplicate-account-names',
      probe: `watchedAccounts: [{ name: a, address: "${A}" }, { name: a, address: "${A}" }]`,
      want: 'used twice',
    },
  ])('rejects $desc', ({ probe, want }) => {
    expect(problems(probe).join('\n')).toContain(want);
  });
});
