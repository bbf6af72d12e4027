import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, stopChild, type Anvil } from '../helpers/anvil.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { freePort, waitFor } from '../helpers/ports.js';

const SECRET_PW = 'pw-Zq81xx';
const SECRET_KEY = 'k3y0123456789abcdefXYZ42';

describe('the chainprobe command', () => {
  let chain: Anvil;
  let dir: string;
  let good: string;
  beforeAll(async () => {
    chain = await startAnvil({ blockTime: 1 });
    dir = mkdtempSync(join(tmpdir(), 'chainprobe-cli-'));
    good = join(dir, 'good.yaml');
    const u = new URL(chain.url);
    writeFileSync(
      good,
      `global: { blockPeriodSeconds: 1, intervalMs: 1000, timeoutMs: 800 }
endpoints:
  - { name: node, url: "http://u:\${PW}@${u.host}/?token=\${KEY}", besu: false }
probes:
  - { name: rpc, kind: rpc }
  - { name: block, kind: block }
`,
    );
  });
  afterAll(async () => {
    await chain?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = { PW: SECRET_PW, KEY: SECRET_KEY };

  it('prints its version and help', () => {
    expect(runCli(['--version']).stdout).toMatch(/^chainprobe \d+\.\d+\.\d+/);
    const help = runCli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--check-config');
  });

  it('exits 2 on a bad flag', () => {
    const r = runCli(['--bogus']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Usage:');
  });

  it('exits 2 on a --listen that is not host:port', () => {
    const r = runCli(['--check-config', '--config', good, '--listen', '127.0.0.1:99999'], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--listen (127.0.0.1:99999) port must be at most 65535');
  });

  it('--check-config prints the redacted configuration', () => {
    const r = runCli(['--check-config', '--config', good], env);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('configuration OK');
    expect(r.stdout).not.toContain(SECRET_PW);
    expect(r.stdout).not.toContain(SECRET_KEY);
  });

  it('--check-config exits 1 listing every problem with path and value', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'global: { chainId: 0, bogus: 1 }\nendpoints: []\n');
    const r = runCli(['--check-config', '--config', bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('global.chainId (0)');
    expect(r.stderr).toContain("global: unknown key 'bogus'");
    expect(r.stderr).toContain('endpoints ([]) must name at least one endpoint');
  });

  it('--once exits 0 when healthy, prints a table, and leaks no secret', () => {
    const r = runCli(['--once', '--config', good, '--log-level', 'debug'], env);
    expect(r.stdout).toMatch(/rpc\s+rpc\s+node\s+ok/);
    expect(r.status).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(SECRET_PW);
    expect(r.stdout + r.stderr).not.toContain(SECRET_KEY);
  });

  it('--once --output json exits 1 when an endpoint is down', () => {
    const down = join(dir, 'down.yaml');
    writeFileSync(
      down,
      'endpoints:\n  - { name: gone, url: "http://127.0.0.1:1", besu: false }\nprobes:\n  - { name: rpc, kind: rpc }\n',
    );
    const r = runCli(['--once', '--output', 'json', '--config', down]);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as {
      healthy: boolean;
      results: Array<{ errorClass: string }>;
    };
    expect(out.healthy).toBe(false);
    expect(out.results[0]?.errorClass).toBe('connection_refused');
  });

  it('serves metrics, reloads on SIGHUP, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawnCli(
      ['--config', good, '--listen', `127.0.0.1:${port}`, '--log-level', 'debug'],
      env,
    );
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, 20_000);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain('chainprobe_block_head_number{endpoint="node"');

      writeFileSync(good.replace('good', 'saved'), '');
      child.kill('SIGHUP');
      await waitFor(() => child.output().includes('configuration reloaded'), 10_000);

      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => resolve(code)),
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(child.output()).toContain('shutting down');
      expect(child.output()).not.toContain(SECRET_PW);
      expect(child.output()).not.toContain(SECRET_KEY);
    } finally {
      await stopChild(child);
    }
  });
});
