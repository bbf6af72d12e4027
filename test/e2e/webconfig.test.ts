import bcrypt from 'bcryptjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { Agent, fetch, type RequestInit } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, stopChild, type Anvil } from '../helpers/anvil.js';
import { spawnCli } from '../helpers/cli.js';
import { freePort, waitFor } from '../helpers/ports.js';
import { startPrometheus, type PrometheusServer } from '../helpers/prometheus.js';

const USER = 'prometheus';
const PASSWORD = 'scrape-Pw-7f3k';
const SECRET_IN_BAD_CONFIG = 'sekret-Qx9';

// A self-signed EC certificate for 127.0.0.1, made by Debian's openssl.
function makeCert(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'server.crt');
  const key = join(dir, 'server.key');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
      .concat(['-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=chainprobe-test'])
      .concat(['-addext', 'subjectAltName=IP:127.0.0.1']),
    { stdio: 'ignore' },
  );
  return { cert, key };
}

function probesYaml(anvilUrl: string, withBlock: boolean): string {
  return `global: { blockPeriodSeconds: 1, intervalMs: 1000, timeoutMs: 800, location: tls-test }
endpoints:
  - { name: node, url: "${anvilUrl}", besu: false }
probes:
  - { name: rpc, kind: rpc }
${withBlock ? '  - { name: block, kind: block }\n' : ''}`;
}

/** Runs the CLI to completion without blocking the event loop; resolves with status and output. */
function runCliAsync(args: string[]): Promise<{ status: number | null; output: string }> {
  const child = spawnCli(args);
  return new Promise((resolve) =>
    child.once('exit', (status) => resolve({ status, output: child.output() })),
  );
}

describe('the HTTP server with --web-config (TLS 1.3 and basic auth)', () => {
  let dir: string;
  let chain: Anvil;
  let child: ReturnType<typeof spawnCli>;
  let prom: PrometheusServer;
  let base: string;
  let configFile: string;
  let agent: Agent;
  let tls: { cert: string; key: string };
  const auth = (password: string) => ({
    authorization: `Basic ${Buffer.from(`${USER}:${password}`).toString('base64')}`,
  });
  const get = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { dispatcher: agent, ...init });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chainprobe-webconfig-'));
    tls = makeCert(dir);
    agent = new Agent({ connect: { ca: readFileSync(tls.cert) } });
    chain = await startAnvil({ blockTime: 1 });
    configFile = join(dir, 'probes.yaml');
    writeFileSync(configFile, probesYaml(chain.url, true));
    writeFileSync(join(dir, 'good.yaml'), probesYaml(chain.url, true));
    const web = join(dir, 'web.yml');
    writeFileSync(
      web,
      `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS13\n` +
        `basic_auth_users:\n  ${USER}: '${bcrypt.hashSync(PASSWORD, 4)}'\n`,
    );
    const port = await freePort();
    base = `https://127.0.0.1:${port}`;
    child = spawnCli([
      '--config',
      configFile,
      '--web-config',
      web,
      '--listen',
      `127.0.0.1:${port}`,
    ]);
    await waitFor(async () => (await get('/readyz')).status === 200, 30_000);
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    if (child) await stopChild(child);
    await chain?.stop();
    await agent?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps /healthz open without credentials, over TLS', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok\n');
  });

  it.each(['/metrics', '/', '/api/status'])(
    'answers %s with 401 and a challenge without or with wrong credentials',
    async (path) => {
      for (const headers of [{}, auth('wrong-password')]) {
        const res = await get(path, { headers });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="chainprobe"/);
      }
      expect((await get(path, { headers: auth(PASSWORD) })).status).toBe(200);
    },
  );

  it('refuses a client that offers at most TLS 1.2 (min_version TLS13)', async () => {
    const port = Number(new URL(base).port);
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({
        host: '127.0.0.1',
        port,
        maxVersion: 'TLSv1.2',
        ca: readFileSync(tls.cert),
      });
      socket.once('secureConnect', () => (socket.destroy(), resolve('connected')));
      socket.once('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? 'error'));
    });
    expect(outcome).not.toBe('connected');
  });

  it('is scraped by a real Prometheus over TLS with basic auth (up == 1; wrong password: 0)', async () => {
    const address = new URL(base).host;
    prom = await startPrometheus({
      targets: [
        {
          job: 'chainprobe',
          address,
          scheme: 'https',
          extra: {
            tls_config: { ca_file: tls.cert },
            basic_auth: { username: USER, password: PASSWORD },
          },
        },
        {
          job: 'intruder',
          address,
          scheme: 'https',
          extra: {
            tls_config: { insecure_skip_verify: true },
            basic_auth: { username: USER, password: 'nope' },
          },
        },
      ],
    });
    await waitFor(async () => (await prom.query('up{job="chainprobe"} == 1')).length === 1, 20_000);
    await waitFor(async () => (await prom.query('up{job="intruder"} == 0')).length === 1, 20_000);
    const ready = await prom.query('chainprobe_ready{job="chainprobe",location="tls-test"}');
    expect(ready[0]?.value[1]).toBe('1');
  });

  it('applies a good configuration on POST /-/reload and deletes the series that left', async () => {
    expect((await get('/-/reload', { method: 'POST' })).status).toBe(401);
    expect((await get('/-/reload', { headers: auth(PASSWORD) })).status).toBe(405);
    writeFileSync(configFile, probesYaml(chain.url, false));
    const res = await get('/-/reload', { method: 'POST', headers: auth(PASSWORD) });
    expect(res.status, `${await res.text()}\n${child.output().slice(-3000)}`).toBe(200);
    const metrics = await (await get('/metrics', { headers: auth(PASSWORD) })).text();
    expect(metrics).not.toContain('probe="block"');
    expect(metrics).toMatch(/^chainprobe_config_last_reload_successful\{[^}]*\} 1$/m);
    const status = (await (await get('/api/status', { headers: auth(PASSWORD) })).json()) as {
      tasks: Array<{ probe: string }>;
    };
    expect(status.tasks.every((t) => t.probe === 'rpc')).toBe(true);
  });

  it('rejects a bad configuration with 400 and its redacted issues, keeping the old one', async () => {
    writeFileSync(
      configFile,
      `global: { location: "http://u:${SECRET_IN_BAD_CONFIG}@example.invalid/", bogus: 1 }\n` +
        `endpoints: []\n`,
    );
    const res = await get('/-/reload', { method: 'POST', headers: auth(PASSWORD) });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).not.toContain(SECRET_IN_BAD_CONFIG);
    const { issues } = JSON.parse(body) as { issues: string[] };
    expect(issues).toContain("global: unknown key 'bogus'");
    expect(issues).toContain('endpoints ([]) must name at least one endpoint');
    const metrics = await (await get('/metrics', { headers: auth(PASSWORD) })).text();
    expect(metrics).toMatch(/^chainprobe_config_last_reload_successful\{[^}]*\} 0$/m);
    expect(metrics).toContain('chainprobe_probe_success{probe="rpc"');
    expect(child.output()).not.toContain(SECRET_IN_BAD_CONFIG);
    expect(child.output()).not.toContain(PASSWORD);
  });

  it('exits 1 at start with the exact problem of each bad web configuration', async () => {
    const cases = [
      {
        yaml: 'tls_server_config: { cert_file: server.crt, key_file: server.key, ca: x }',
        issue: "tls_server_config: unknown key 'ca'",
      },
      {
        yaml: 'tls_server_config: { cert_file: gone.crt, key_file: server.key }',
        issue: `tls_server_config.cert_file (${join(dir, 'gone.crt')}) cannot be read: ENOENT`,
      },
      {
        yaml: `basic_auth_users: { ${USER}: ${PASSWORD} }`,
        issue: `basic_auth_users.${USER} is not a bcrypt hash`,
      },
    ];
    const runs = await Promise.all(
      cases.map((c, i) => {
        const path = join(dir, `bad-${i}.yml`);
        writeFileSync(path, c.yaml);
        const good = join(dir, 'good.yaml');
        return runCliAsync(['--check-config', '--config', good, '--web-config', path]);
      }),
    );
    runs.forEach((r, i) => {
      expect(r.status, r.output).toBe(1);
      expect(r.output).toContain(
        `--web-config ${join(dir, `bad-${i}.yml`)}: invalid web configuration`,
      );
      expect(r.output).toContain(cases[i]?.issue);
      expect(r.output).not.toContain(PASSWORD);
    });
  });
});
