import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, listen, type Server } from './server.js';
import { loadWebConfigFile, type ClientAuthType } from './web-config.js';

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

// A CA, a server and a client certificate signed by it, and a self-signed "rogue" client.
function makePki(dir: string): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ssl(
    'req',
    '-x509',
    ...EC,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=ca',
  );
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const name of ['server', 'client']) {
    ssl('req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    );
  }
  ssl(
    'req',
    '-x509',
    ...EC,
    '-keyout',
    'rogue.key',
    '-out',
    'rogue.crt',
    '-days',
    '1',
    '-subj',
    '/CN=rogue',
  );
}

type Client = 'none' | 'client' | 'rogue';

describe('listen with TLS client authentication', () => {
  let dir: string;
  const servers: Server[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chainprobe-mtls-'));
    makePki(dir);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => closeServer(s)));
    rmSync(dir, { recursive: true, force: true });
  });

  async function serve(type: ClientAuthType): Promise<number> {
    const yaml = join(dir, `${type}.yml`);
    writeFileSync(
      yaml,
      'tls_server_config: { cert_file: server.crt, key_file: server.key, ' +
        `client_ca_file: ca.crt, client_auth_type: ${type} }\n`,
    );
    const app = express().get('/', (_req, res) => void res.send('ok'));
    const { server, url } = await listen(app, '127.0.0.1:0', loadWebConfigFile(yaml).tls);
    servers.push(server);
    return Number(new URL(url).port);
  }

  function get(port: number, client: Client): Promise<number | string> {
    const creds =
      client === 'none'
        ? {}
        : {
            cert: readFileSync(join(dir, `${client}.crt`)),
            key: readFileSync(join(dir, `${client}.key`)),
          };
    return new Promise((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/',
          ca: readFileSync(join(dir, 'ca.crt')),
          ...creds,
          agent: false,
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', () => resolve('refused'));
      req.end();
    });
  }

  it.each([
    {
      desc: 'require-and-verify',
      type: 'RequireAndVerifyClientCert',
      none: 'refused',
      client: 200,
      rogue: 'refused',
    },
    {
      desc: 'verify-if-given',
      type: 'VerifyClientCertIfGiven',
      none: 200,
      client: 200,
      rogue: 'refused',
    },
    { desc: 'require-any', type: 'RequireAnyClientCert', none: 'refused', client: 200, rogue: 200 },
    { desc: 'request', type: 'RequestClientCert', none: 200, client: 200, rogue: 200 },
    { desc: 'no-client-cert', type: 'NoClientCert', none: 200, client: 200, rogue: 200 },
  ] as const)('$desc', async ({ type, none, client, rogue }) => {
    const port = await serve(type);
    expect(await get(port, 'none')).toBe(none);
    expect(await get(port, 'client')).toBe(client);
    expect(await get(port, 'rogue')).toBe(rogue);
  });
});
