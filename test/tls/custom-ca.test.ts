import { readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfigFile, parseConfig, type Config } from '../../src/config/load.js';
import { Daemon } from '../../src/engine/daemon.js';
import type { RunRecord } from '../../src/engine/scheduler.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';
import { createBreakerAgent, httpGetText } from '../../src/probes/breaker/http-get.js';
import { fetchCertificate } from '../../src/probes/security/tls.js';
import { RpcClient, type ClientTls } from '../../src/rpc/client.js';
import { RpcError } from '../../src/rpc/errors.js';
import { spawnCli } from '../helpers/cli.js';
import { rpcMethods } from '../helpers/jsonrpc-server.js';
import { makeTestPki, SERVER_NAME, type TestPki } from './pki.js';

// An https JSON-RPC endpoint whose certificate a private CA signed (ChainID 138 behind a
// gateway with an internal CA): trusted only through the endpoint's tls.caFile.

const GENESIS = `0x${'ab'.repeat(32)}`;
const answer = rpcMethods({
  eth_chainId: '0x8a',
  eth_blockNumber: '0x10',
  net_peerCount: '0x3',
  eth_syncing: false,
  eth_getBlockByNumber: { number: '0x0', hash: GENESIS },
});

let pki: TestPki;
let server: Server;
let url: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  pki = makeTestPki();
  server = createServer(pki.server, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET') {
        res.setHeader('content-type', 'application/json');
        res.end('{"status":"UP"}');
        return;
      }
      void answer(req, Buffer.concat(chunks).toString('utf8'), res);
    });
  });
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (pki) rmSync(pki.dir, { recursive: true, force: true });
});

function pem(file: string): string {
  return readFileSync(file, 'utf8');
}

async function callWith(tls: ClientTls | undefined): Promise<string> {
  const client = new RpcClient({ url, tls });
  try {
    await client.call('eth_chainId', [], { timeoutMs: 5000 });
    const health = await client.get('/liveness', { timeoutMs: 5000 });
    return health.status === 200 ? 'ok' : `http ${health.status}`;
  } catch (err) {
    return err instanceof RpcError ? err.code : 'not an RpcError';
  } finally {
    await client.close();
  }
}

describe('the JSON-RPC client with a private CA', () => {
  it.each([
    { desc: 'no-ca-file', tls: () => undefined, want: 'tls' },
    { desc: 'signing-ca', tls: () => ({ ca: pem(pki.caFile) }), want: 'ok' },
    { desc: 'other-ca', tls: () => ({ ca: pem(pki.otherCaFile) }), want: 'tls' },
    {
      desc: 'server-name-in-certificate',
      tls: () => ({ ca: pem(pki.caFile), serverName: SERVER_NAME }),
      want: 'ok',
    },
    {
      desc: 'server-name-mismatch',
      tls: () => ({ ca: pem(pki.caFile), serverName: 'other.chain138.test' }),
      want: 'tls',
    },
  ])('$desc: $want', async ({ tls, want }) => {
    expect(await callWith(tls())).toBe(want);
  });

  it.each([
    {
      desc: 'unknown-ca',
      tls: () => ({ ca: pem(pki.otherCaFile) }),
      code: /UNABLE_TO_|SELF_SIGNED/,
    },
    {
      desc: 'name-mismatch',
      tls: () => ({ ca: pem(pki.caFile), serverName: 'other.chain138.test' }),
      code: /ERR_TLS_CERT_ALTNAME_INVALID/,
    },
  ])('names the TLS failure in the detail: $desc', async ({ tls, code }) => {
    const client = new RpcClient({ url, tls: tls() });
    const err = await client.call('eth_chainId', [], { timeoutMs: 5000 }).catch((e: unknown) => e);
    await client.close();
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).message).toMatch(code);
  });
});

describe("the security probe's certificate check with a private CA", () => {
  const fetchWith = (tls?: ClientTls) =>
    fetchCertificate(url, AbortSignal.timeout(5000), tls).then(
      (c) => c.issuer,
      (e: unknown) => (e instanceof RpcError ? e.code : 'not an RpcError'),
    );

  it('verifies the chain against the endpoint CA and reads the certificate', async () => {
    expect(await fetchWith({ ca: pem(pki.caFile) })).toBe('CN=chainprobe-test-ca');
  });

  it('fails as tls on a certificate the endpoint CA did not sign', async () => {
    expect(await fetchWith({ ca: pem(pki.otherCaFile) })).toBe('tls');
  });

  it('fails as tls when the server name is not in the certificate', async () => {
    expect(await fetchWith({ ca: pem(pki.caFile), serverName: 'other.chain138.test' })).toBe('tls');
  });

  it('still reads an unverified certificate when the endpoint has no tls', async () => {
    expect(await fetchWith()).toBe('CN=chainprobe-test-ca');
  });
});

function configYaml(caFile: string | undefined, extra = ''): string {
  const tls = caFile === undefined ? '' : `\n    tls: { caFile: '${caFile}'${extra} }`;
  return `
global: { chainId: 138, intervalMs: 10000, timeoutMs: 5000 }
endpoints:
  - name: gw
    url: '${url}'${tls}
probes:
  - { name: rpc, kind: rpc }
  - { name: health, kind: besu-health }
  - { name: sec, kind: security, expectedGenesisHash: '${GENESIS}' }
`;
}

function issuesOf(yaml: string): string[] {
  try {
    parseConfig(yaml, PROBE_KINDS, {});
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}

// The classes of the runs against the endpoint itself (the security probe's chain-wide
// tasks need QBFT methods this server does not have).
async function endpointClasses(daemon: Daemon): Promise<Record<string, string>> {
  const records: RunRecord[] = await daemon.runOnce();
  return Object.fromEntries(
    records
      .filter((r) => r.task.target === 'gw')
      .map((r) => [r.task.probe, r.result.ok ? 'ok' : (r.result.errorClass ?? '?')]),
  );
}

describe('endpoints[].tls in the configuration', () => {
  it('reports an unreadable, non-PEM or key-holding caFile naming the file', () => {
    const missing = join(pki.dir, 'missing.pem');
    const text = join(pki.dir, 'not-pem.txt');
    const key = join(pki.dir, 'with-key.pem');
    writeFileSync(text, 'not a certificate\n');
    writeFileSync(key, pem(pki.caFile) + readFileSync(join(pki.dir, 'server.key'), 'utf8'));
    expect(issuesOf(configYaml(missing))).toEqual([
      `endpoints[0].tls.caFile (${missing}) cannot be read (ENOENT)`,
    ]);
    expect(issuesOf(configYaml(text))).toEqual([
      `endpoints[0].tls.caFile (${text}) holds no PEM certificate`,
    ]);
    expect(issuesOf(configYaml(key))).toEqual([
      `endpoints[0].tls.caFile (${key}) holds a private key; give CA certificates only`,
    ]);
  });

  it('probes JSON-RPC, Besu health and the certificate through the CA, and re-reads it on reload', async () => {
    const caFile = join(pki.dir, 'bundle.pem');
    copyFileSync(pki.caFile, caFile);
    const path = join(pki.dir, 'chainprobe.yaml');
    writeFileSync(path, configYaml(caFile));
    const logger = pino({ level: 'silent' });
    const daemon = new Daemon({ config: load(path), kinds: PROBE_KINDS, logger, version: 't' });
    try {
      expect(await endpointClasses(daemon)).toEqual({ rpc: 'ok', health: 'ok', sec: 'ok' });

      // Same path, another CA: the reload reads the file again and the clients are rebuilt.
      copyFileSync(pki.otherCaFile, caFile);
      await daemon.reload(load(path));
      expect(await endpointClasses(daemon)).toEqual({ rpc: 'tls', health: 'tls', sec: 'tls' });

      copyFileSync(pki.caFile, caFile);
      await daemon.reload(load(path));
      expect(await endpointClasses(daemon)).toEqual({ rpc: 'ok', health: 'ok', sec: 'ok' });
    } finally {
      await daemon.stop();
    }
  });

  it('fails every endpoint run as tls without the caFile', async () => {
    const config = parseConfig(configYaml(undefined), PROBE_KINDS, {});
    const logger = pino({ level: 'silent' });
    const daemon = new Daemon({ config, kinds: PROBE_KINDS, logger, version: 't' });
    try {
      const classes = await endpointClasses(daemon);
      expect(classes.rpc).toBe('tls');
      expect(classes.health).toBe('tls');
    } finally {
      await daemon.stop();
    }
  });

  it('never writes the PEM text to a log line, only its digest', () => {
    const config = parseConfig(configYaml(pki.caFile), PROBE_KINDS, {});
    let logged = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logged += chunk.toString();
        done();
      },
    });
    pino({ level: 'info' }, sink).info({ config }, 'chainprobe started');
    expect(logged).toContain(pki.caFile);
    expect(logged).toMatch(/"ca":\{"certificates":1,"sha256":"[0-9a-f]{64}"\}/);
    expect(logged).not.toContain(pemBody(pki.caFile));
  });

  it('--check-config shows the tls settings as written, never the PEM text, and loads back', async () => {
    const path = join(pki.dir, 'check.yaml');
    writeFileSync(path, configYaml(pki.caFile, `, serverName: ${SERVER_NAME}`));
    const check = async (file: string) => {
      const child = spawnCli(['--check-config', '--config', file]);
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      return { code, out: child.output() };
    };
    const { code, out } = await check(path);
    expect(code).toBe(0);
    expect(out).toContain(`caFile: ${pki.caFile}`);
    expect(out).toContain(`serverName: ${SERVER_NAME}`);
    expect(out).not.toContain('sha256');
    expect(out).not.toContain(pemBody(pki.caFile));
    const again = join(pki.dir, 'check-again.yaml');
    writeFileSync(again, out);
    expect((await check(again)).code).toBe(0);
  });

  it('--check-config exits 1 naming a caFile that cannot be read', async () => {
    const path = join(pki.dir, 'bad.yaml');
    const missing = join(pki.dir, 'nowhere', 'ca.pem');
    writeFileSync(path, configYaml(missing));
    const child = spawnCli(['--check-config', '--config', path]);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(child.output()).toContain(
      `endpoints[0].tls.caFile (${missing}) cannot be read (ENOENT)`,
    );
  });
});

function load(path: string): Config {
  return loadConfigFile(path, PROBE_KINDS, {});
}

// A line of the certificate's base64 body: any part of the PEM text in output would show it.
function pemBody(file: string): string {
  const line = pem(file).split('\n')[2];
  if (line === undefined || line.length < 40) throw new Error('unexpected PEM layout');
  return line;
}

describe('breaker sources with a private CA', () => {
  const breakerYaml = (tls: string, sourceUrl = url) => `
endpoints:
  - { name: gw, url: '${url}', tls: { caFile: '${pki.caFile}' } }
probes:
  - name: br
    kind: breaker
    sources:
      - { name: p0, type: http-json, url: '${sourceUrl}status', pointer: /status, states: { UP: closed }${tls} }
`;
  const get = (tls?: ClientTls) => {
    const dispatcher = createBreakerAgent(tls);
    return httpGetText(`${url}status`, {
      signal: AbortSignal.timeout(5000),
      timeoutMs: 5000,
      maxBytes: 1024,
      dispatcher,
    })
      .then(
        (text) => text,
        (e: unknown) => (e as { code?: string }).code ?? 'no code',
      )
      .finally(() => dispatcher.close());
  };

  it.each([
    { desc: 'system-roots', tls: () => undefined, want: 'tls' },
    { desc: 'signing-ca', tls: () => ({ ca: pem(pki.caFile) }), want: '{"status":"UP"}' },
    { desc: 'other-ca', tls: () => ({ ca: pem(pki.otherCaFile) }), want: 'tls' },
    {
      desc: 'server-name-mismatch',
      tls: () => ({ ca: pem(pki.caFile), serverName: 'other.chain138.test' }),
      want: 'tls',
    },
  ])('reads a source over https: $desc', async ({ tls, want }) => {
    expect(await get(tls())).toBe(want);
  });

  it.each([
    { desc: 'with-the-ca', tls: () => `, tls: { caFile: '${pki.caFile}' }`, want: 'ok' },
    { desc: 'without', tls: () => '', want: 'tls' },
  ])('runs a breaker probe over https in a daemon: $desc', async ({ tls, want }) => {
    const config = parseConfig(breakerYaml(tls()), PROBE_KINDS, {});
    const logger = pino({ level: 'silent' });
    const daemon = new Daemon({ config, kinds: PROBE_KINDS, logger, version: 't' });
    try {
      const run = (await daemon.runOnce()).find((r) => r.task.probe === 'br');
      expect(run?.result.ok ? 'ok' : run?.result.errorClass).toBe(want);
    } finally {
      await daemon.stop();
    }
  });

  it('--check-config prints a source tls as written, and its output loads back', async () => {
    const check = async (file: string) => {
      const child = spawnCli(['--check-config', '--config', file]);
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      return { code, out: child.output() };
    };
    const path = join(pki.dir, 'breaker.yaml');
    writeFileSync(path, breakerYaml(`, tls: { caFile: '${pki.caFile}' }`));
    const first = await check(path);
    expect(first.code).toBe(0);
    expect(first.out).not.toContain('sha256');
    const again = join(pki.dir, 'breaker-again.yaml');
    writeFileSync(again, first.out);
    expect((await check(again)).code).toBe(0);
  });

  it('loads a source caFile at config load, as for endpoints', () => {
    const config = parseConfig(breakerYaml(`, tls: { caFile: '${pki.caFile}' }`), PROBE_KINDS, {});
    const source = (config.probes[0] as unknown as { sources: Array<{ tls: { ca: unknown } }> })
      .sources[0];
    expect(JSON.stringify(source?.tls.ca)).toMatch(/"sha256":"[0-9a-f]{64}"/);
  });

  it.each([
    {
      desc: 'missing-file',
      tls: () => `, tls: { caFile: '${join(pki.dir, 'none.pem')}' }`,
      sourceUrl: () => url,
      want: /^probes\[0\]\.sources\[0\]\.tls\.caFile \(.*none\.pem\) cannot be read \(ENOENT\)$/,
    },
    {
      desc: 'http-url',
      tls: () => `, tls: { caFile: '${pki.caFile}' }`,
      sourceUrl: () => url.replace('https:', 'http:'),
      want: /^probes\[0\]\.sources\[0\]\.tls needs an https url$/,
    },
  ])('refuses a bad source tls: $desc', ({ tls, sourceUrl, want }) => {
    const issues = issuesOf(breakerYaml(tls(), sourceUrl()));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(want);
  });
});
