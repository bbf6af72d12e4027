import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listMetrics } from '../src/docs/reference.js';
import { README, renderReadme } from '../src/docs/update-readme.js';
import { PROBE_KINDS } from '../src/probes/registry.js';
import { parseConfig } from '../src/config/load.js';

const metrics = listMetrics(PROBE_KINDS);

describe('metric catalogue contract', () => {
  it.each(metrics.map((m) => ({ desc: m.name, m })))('$desc follows the naming rules', ({ m }) => {
    expect(m.name).toMatch(/^chainprobe_[a-z][a-z0-9_]*[a-z0-9]$/);
    if (m.type === 'counter') expect(m.name).toMatch(/_total$/);
    else expect(m.name).not.toMatch(/_total$/);
    expect(m.help.length).toBeGreaterThan(10);
    // Labels are bounded names from config or the chain; never URLs or free text.
    for (const l of m.labels) expect(['url', 'error', 'message', 'hash', 'host']).not.toContain(l);
    expect(m.labels).not.toContain('location'); // added once, as a default label
  });

  it('has no metric defined twice', () => {
    const names = metrics.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('README', () => {
  it('has up-to-date configuration and metrics references (run npm run docs)', () => {
    const current = readFileSync(README, 'utf8');
    expect(renderReadme(current)).toBe(current);
  });
});

describe('shipped probe definitions', () => {
  it.each(['probes/devnet.yaml', 'probes/chain138.yaml'])('%s is a valid configuration', (file) => {
    const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
    const config = parseConfig(text, PROBE_KINDS, {
      CHAIN138_PUBLIC_RPC_URL: 'https://rpc.example/',
    });
    expect(config.global.chainId).toBe(138);
    expect(config.probes.length).toBeGreaterThan(0);
  });
});
