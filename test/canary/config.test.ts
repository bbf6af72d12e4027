import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';
import { keySecrets, readCanaryKey } from '../../src/probes/canary/key.js';
import { createScrubber } from '../../src/redact.js';
import { runCli } from '../helpers/cli.js';

const wallet = Wallet.createRandom();
const KEY = wallet.privateKey;
const BARE = KEY.slice(2);
const ENV = 'CHAINPROBE_TEST_CONFIG_CANARY_KEY';
let dir: string;

/** A config with one canary probe; `extra` lines are added to it. */
function yaml(extra: string[], probeTimeoutMs = 20_000): string {
  return [
    'global: { blockPeriodSeconds: 2 }',
    'endpoints:',
    '  - { name: gw, url: "http://127.0.0.1:1/", role: gateway }',
    'probes:',
    '  - name: canary',
    '    kind: canary',
    '    intervalMs: 30000',
    `    timeoutMs: ${probeTimeoutMs}`,
    ...extra.map((l) => `    ${l}`),
    '',
  ].join('\n');
}

function issuesOf(text: string, env: NodeJS.ProcessEnv = process.env): string {
  try {
    parseConfig(text, PROBE_KINDS, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.join('\n');
    throw err;
  }
  return '';
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'canary-config-'));
  writeFileSync(join(dir, 'key'), `${BARE}\n`);
  process.env[ENV] = KEY;
});

afterAll(() => {
  delete process.env[ENV];
  rmSync(dir, { recursive: true, force: true });
});

describe('canary key sources', () => {
  it('reads the key from a file or from the named variable, normalised', () => {
    expect(readCanaryKey({ keyFile: join(dir, 'key') })).toBe(KEY.toLowerCase());
    expect(readCanaryKey({ keyEnv: 'K' }, { K: ` ${BARE.toUpperCase()}\n` })).toBe(
      KEY.toLowerCase(),
    );
  });

  it.each([
    { desc: 'unset-variable', source: { keyEnv: 'NOPE' }, env: {}, want: 'NOPE is not set' },
    { desc: 'missing-file', source: { keyFile: '/nonexistent/k' }, env: {}, want: 'ENOENT' },
    { desc: 'not-hex', source: { keyEnv: 'K' }, env: { K: 'zz' }, want: 'not 32 bytes of hex' },
    { desc: 'zero-key', source: { keyEnv: 'K' }, env: { K: '0'.repeat(64) }, want: 'not a valid' },
  ])('refuses $desc', ({ source, env, want }) => {
    expect(() => readCanaryKey(source, env)).toThrow(want);
  });

  it('lists every printable form of the key as a secret, and the scrubber masks them all', () => {
    const forms = keySecrets(KEY);
    expect(forms).toEqual(expect.arrayContaining([KEY, BARE, BARE.toUpperCase()]));
    const scrub = createScrubber(forms);
    for (const form of forms) expect(scrub(`x ${form} y`)).toBe('x <redacted> y');
  });
});

describe('canary configuration', () => {
  it('adds the key read through keyEnv or keyFile to config.secrets', () => {
    for (const line of [`keyEnv: ${ENV}`, `keyFile: ${join(dir, 'key')}`]) {
      const config = parseConfig(yaml([line]), PROBE_KINDS);
      expect(config.secrets).toEqual(expect.arrayContaining([KEY, BARE]));
    }
  });

  it('reads keyEnv from the environment the configuration is loaded with', () => {
    const config = parseConfig(yaml(['keyEnv: ONLY_HERE']), PROBE_KINDS, { ONLY_HERE: BARE });
    expect(config.secrets).toEqual(expect.arrayContaining([KEY, BARE]));
    expect(issuesOf(yaml(['keyEnv: ONLY_HERE']), {})).toContain('ONLY_HERE is not set');
  });

  it.each([
    {
      desc: 'key-in-keyEnv',
      lines: [`keyEnv: "${KEY}"`],
      want: 'keyEnv holds what looks like a private key',
    },
    {
      desc: 'bare-key-in-keyFile',
      lines: [`keyFile: "${BARE}"`],
      want: 'keyFile holds what looks like a private key',
    },
    {
      desc: 'substituted-key',
      lines: [`keyEnv: "\${${ENV}}"`],
      want: 'keyEnv holds what looks like a private key',
    },
    {
      desc: 'key-under-unknown-field',
      lines: [`privateKey: "${KEY}"`, `keyEnv: ${ENV}`],
      want: "unknown key 'privateKey'",
    },
    {
      desc: 'key-in-address-field',
      lines: [`to: "${KEY}"`, `keyEnv: ${ENV}`],
      want: 'probes[0].to',
    },
    { desc: 'neither-source', lines: [], want: 'needs exactly one of keyFile or keyEnv' },
    {
      desc: 'both-sources',
      lines: [`keyEnv: ${ENV}`, 'keyFile: /x'],
      want: 'needs exactly one of keyFile or keyEnv',
    },
    {
      desc: 'unset-variable',
      lines: ['keyEnv: CHAINPROBE_UNSET_VAR'],
      want: 'CHAINPROBE_UNSET_VAR is not set',
    },
    {
      desc: 'unknown-endpoint',
      lines: [`keyEnv: ${ENV}`, 'endpoint: nope'],
      want: 'endpoint (nope) names no configured endpoint',
    },
    {
      desc: 'endpoints-list',
      lines: [`keyEnv: ${ENV}`, 'endpoints: [gw]'],
      want: 'endpoints is not used by this kind',
    },
    { desc: 'bad-variable-name', lines: ['keyEnv: "1-bad"'], want: 'keyEnv must be the name' },
  ])('rejects $desc without echoing the key', ({ lines, want }) => {
    const issues = issuesOf(yaml(lines));
    expect(issues).toContain(want);
    expect(issues).not.toContain(BARE);
    expect(issues.toLowerCase()).not.toContain(BARE.slice(0, 20).toLowerCase());
  });

  it('needs a timeout that covers maxInclusionBlocks + 1 block periods', () => {
    expect(issuesOf(yaml([`keyEnv: ${ENV}`, 'maxInclusionBlocks: 5'], 11_000))).toContain(
      'timeoutMs (11000) must cover maxInclusionBlocks + 1 block periods (12000 ms)',
    );
    expect(issuesOf(yaml([`keyEnv: ${ENV}`, 'maxInclusionBlocks: 5'], 12_000))).toBe('');
  });
});

describe('chainprobe --check-config with a canary', () => {
  it('prints the configuration without the key', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, yaml([`keyEnv: ${ENV}`]));
    const r = runCli(['--check-config', '--config', file], { [ENV]: KEY });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('kind: canary');
    expect(r.stdout + r.stderr).not.toContain(BARE);
  });

  it('refuses a key pasted into the configuration, without printing it', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, yaml([`keyEnv: "${KEY}"`]));
    const r = runCli(['--check-config', '--config', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('looks like a private key');
    expect(r.stdout + r.stderr).not.toContain(BARE);
  });
});
