import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { startTestServer, type TestServer } from '../helpers/jsonrpc-server.js';
import { waitFor } from '../helpers/ports.js';
import { makeChain, nodeHandler } from './node.js';
import { startTcpServer, type RawServer } from './servers.js';

// chainprobe probes only what its configuration names. No request to its HTTP interface, however
// it names another address (query, path, absolute-form request target, Host or forwarding
// headers), makes it connect there: a canary server the test watches receives nothing.

let dir: string;
let node: TestServer;
let canary: RawServer;
let child: ReturnType<typeof spawnCli> | undefined;
let base = '';

/** Sends one raw HTTP/1.1 request and resolves with the status line. */
function rawRequest(port: number, head: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => s.write(head));
    let got = '';
    s.on('data', (d: Buffer) => {
      got += d.toString();
      s.destroy();
    });
    s.on('close', () => resolve(got.split('\r\n')[0] ?? ''));
    s.on('error', () => resolve(''));
    s.setTimeout(5000, () => s.destroy());
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chainprobe-targets-'));
  node = await startTestServer(nodeHandler(makeChain(8)));
  canary = await startTcpServer((s) => s.destroy());
  writeFileSync(
    join(dir, 'c.yaml'),
    `global: { intervalMs: 500, timeoutMs: 400, listen: '127.0.0.1:0' }
endpoints: [{ name: node, url: '${node.url}' }]
probes:
  - { name: rpc, kind: rpc }
  - { name: block, kind: block }
  - { name: besu-health, kind: besu-health }
`,
  );
  child = spawnCli(['--config', join(dir, 'c.yaml'), '--log-level', 'info']);
  await waitFor(() => {
    base = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(child?.output() ?? '')?.[1] ?? '';
    return base !== '';
  }, 30_000);
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child?.once('exit', r));
  }
  await node?.stop();
  await canary?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('no probe target comes from a request', () => {
  it('ignores every way of naming another address', async () => {
    const target = `http://127.0.0.1:${canary.port}`;
    const enc = encodeURIComponent(target);
    const paths = [
      `/metrics?target=${enc}`,
      `/probe?target=${enc}`,
      `/probe?module=rpc&target=${enc}`,
      `/metrics?target=${enc}&module=http_2xx`,
      `/api/status?target=${enc}`,
      `/?target=${enc}&url=${enc}`,
      `/docs/runbook.md?target=${enc}`,
      `/readyz?target=${enc}`,
      `/healthz?target=${enc}`,
      `/${enc}`,
      `//127.0.0.1:${canary.port}/`,
      `/redirect?to=${enc}`,
    ];
    for (const path of paths) {
      await fetch(`${base}${path}`, {
        headers: { 'x-forwarded-host': `127.0.0.1:${canary.port}`, 'x-target': target },
      });
    }
    await fetch(`${base}/-/reload?target=${enc}`, { method: 'POST', body: target });
    const port = Number(new URL(base).port);
    const absolute = await rawRequest(
      port,
      `GET ${target}/metrics HTTP/1.1\r\nHost: 127.0.0.1:${canary.port}\r\nConnection: close\r\n\r\n`,
    );
    expect(absolute).toMatch(/^HTTP\/1\.1 \d{3}/);
    await rawRequest(
      port,
      `CONNECT 127.0.0.1:${canary.port} HTTP/1.1\r\nHost: 127.0.0.1:${canary.port}\r\n\r\n`,
    );
    // Let a few probe intervals pass: anything scheduled from those requests would run now.
    const before = node.requests.length;
    await waitFor(() => node.requests.length > before + 6, 15_000);
    expect(canary.hits).toBe(0);
    // Still probing only the configured node, and still healthy.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(
      /chainprobe_probe_success\{[^}]*probe="rpc"[^}]*target="node"[^}]*\} 1/,
    );
    expect(metrics).not.toContain(String(canary.port));
  });
});
