import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBcryptHash, loadWebConfigFile, WebConfigError } from './web-config.js';

// bcryptjs.hashSync('secret', 4)
const HASH = '$2b$04$cIf.w4KBqsdIkIzlIKq.uureboa6qXXPc32eSvc2rf6o1vHQ2Fdgq';

function makeCert(dir: string, name: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, `${name}.key`),
      '-out',
      join(dir, `${name}.crt`),
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
    ],
    { stdio: 'ignore' },
  );
}

describe('loadWebConfigFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chainprobe-webcfg-'));
    makeCert(dir, 'a');
    makeCert(dir, 'b');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const load = (yaml: string) => {
    const path = join(dir, 'web.yml');
    writeFileSync(path, yaml);
    return loadWebConfigFile(path);
  };
  const issuesOf = (yaml: string): string[] => {
    try {
      load(yaml);
    } catch (err) {
      if (err instanceof WebConfigError) return err.issues;
      throw err;
    }
    throw new Error('accepted');
  };

  it('accepts TLS with relative files, a minimum version and users', () => {
    const web = load(
      `tls_server_config: { cert_file: a.crt, key_file: a.key, min_version: TLS13 }\n` +
        `basic_auth_users: { prometheus: '${HASH}' }\n`,
    );
    expect(web.tls?.minVersion).toBe('TLSv1.3');
    expect(web.tls?.maxVersion).toBe('TLSv1.3');
    expect(web.tls?.clientAuth).toBe('NoClientCert');
    expect(web.tls?.files.cert).toBe(join(dir, 'a.crt'));
    expect(web.users.get('prometheus')).toBe(HASH);
  });

  it('accepts an empty file as plain HTTP without auth', () => {
    const web = load('');
    expect(web.tls).toBeUndefined();
    expect(web.users.size).toBe(0);
  });

  it('defaults to TLS 1.2 and to verifying clients when a CA is given', () => {
    const web = load(
      'tls_server_config: { cert_file: a.crt, key_file: a.key, client_ca_file: b.crt }',
    );
    expect(web.tls?.minVersion).toBe('TLSv1.2');
    expect(web.tls?.clientAuth).toBe('RequireAndVerifyClientCert');
  });

  it.each([
    { desc: 'unknown-top-key', yaml: 'tls_config: {}', issue: "(root): unknown key 'tls_config'" },
    {
      desc: 'unknown-tls-key',
      yaml: 'tls_server_config: { cert_file: a.crt, key_file: a.key, bogus: 1 }',
      issue: "tls_server_config: unknown key 'bogus'",
    },
    {
      desc: 'bad-min-version',
      yaml: 'tls_server_config: { cert_file: a.crt, key_file: a.key, min_version: TLS14 }',
      issue: 'tls_server_config.min_version (TLS14) must be one of TLS10, TLS11, TLS12, TLS13',
    },
    {
      desc: 'min-above-max',
      yaml: 'tls_server_config: { cert_file: a.crt, key_file: a.key, min_version: TLS13, max_version: TLS12 }',
      issue: 'tls_server_config.min_version (TLS13) is above max_version (TLS12)',
    },
    {
      desc: 'missing-key-file',
      yaml: 'tls_server_config: { cert_file: a.crt }',
      issue: 'tls_server_config.key_file is required',
    },
    {
      desc: 'unreadable-cert',
      yaml: 'tls_server_config: { cert_file: nope.crt, key_file: a.key }',
      issue: 'tls_server_config.cert_file (<dir>/nope.crt) cannot be read: ENOENT',
    },
    {
      desc: 'mismatched-pair',
      yaml: 'tls_server_config: { cert_file: a.crt, key_file: b.key }',
      issue:
        'tls_server_config: cert_file, key_file and client_ca_file are not usable: key values mismatch',
    },
    {
      desc: 'verify-without-ca',
      yaml: 'tls_server_config: { cert_file: a.crt, key_file: a.key, client_auth_type: RequireAndVerifyClientCert }',
      issue: 'tls_server_config.client_auth_type (RequireAndVerifyClientCert) needs client_ca_file',
    },
    {
      desc: 'bad-client-auth-type',
      yaml: 'tls_server_config: { cert_file: a.crt, key_file: a.key, client_auth_type: Maybe }',
      issue:
        'tls_server_config.client_auth_type (Maybe) must be one of NoClientCert, RequestClientCert, ' +
        'RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert',
    },
    {
      desc: 'unsupported-cipher-suites',
      yaml: 'tls_server_config: { cert_file: a.crt, key_file: a.key, cipher_suites: [X] }',
      issue:
        'tls_server_config.cipher_suites is not supported by chainprobe (Node.js picks the cipher suites)',
    },
    {
      desc: 'plain-password',
      yaml: 'basic_auth_users: { alice: hunter2hunter2 }',
      issue:
        'basic_auth_users.alice is not a bcrypt hash ($2a$, $2b$ or $2y$, cost 4-31); plain ' +
        'passwords are not accepted',
    },
    {
      desc: 'hash-not-a-string',
      yaml: 'basic_auth_users: { alice: 12345 }',
      issue: 'basic_auth_users.alice must be a string',
    },
    {
      desc: 'disallowed-header',
      yaml: 'http_server_config: { headers: { Set-Cookie: a } }',
      issue:
        'http_server_config.headers.Set-Cookie may not be set (allowed: Strict-Transport-Security, ' +
        'X-Content-Type-Options, X-Frame-Options, X-XSS-Protection, Content-Security-Policy)',
    },
  ])('rejects $desc with its exact issue', ({ yaml, issue }) => {
    expect(issuesOf(yaml)).toEqual([issue.replace('<dir>', dir)]);
  });

  it('lists every problem at once', () => {
    const issues = issuesOf(
      `basic_auth_users: { a: x, b: y }\nhttp_server_config: { http2: true }\n`,
    );
    expect(issues).toHaveLength(3);
  });

  it('never echoes a basic_auth_users value', () => {
    expect(issuesOf('basic_auth_users: { alice: hunter2hunter2 }').join('\n')).not.toContain(
      'hunter2',
    );
  });

  it('names an unreadable file and invalid YAML', () => {
    expect(() => loadWebConfigFile(join(dir, 'missing.yml'))).toThrow(WebConfigError);
    try {
      loadWebConfigFile(join(dir, 'missing.yml'));
    } catch (err) {
      expect((err as WebConfigError).code).toBe('unreadable');
      expect((err as WebConfigError).issues).toEqual([
        `cannot read ${join(dir, 'missing.yml')}: ENOENT`,
      ]);
    }
    expect(issuesOf('basic_auth_users: [\n')).toEqual(['not valid YAML at line 2']);
  });
});

describe('isBcryptHash', () => {
  it.each([
    { desc: 'bcryptjs-2b', hash: HASH, ok: true },
    { desc: 'htpasswd-2y', hash: HASH.replace('$2b$', '$2y$'), ok: true },
    { desc: 'cost-too-low', hash: HASH.replace('$04$', '$03$'), ok: false },
    { desc: 'cost-too-high', hash: HASH.replace('$04$', '$32$'), ok: false },
    { desc: 'truncated', hash: HASH.slice(0, -1), ok: false },
    { desc: 'sha-crypt', hash: '$6$salt$abcdefghijklmnopqrstuvwxyz', ok: false },
    { desc: 'plain', hash: 'secret', ok: false },
  ])('$desc', ({ hash, ok }) => {
    expect(isBcryptHash(hash)).toBe(ok);
  });
});
