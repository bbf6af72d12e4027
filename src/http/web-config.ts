import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createSecureContext, type SecureVersion } from 'node:tls';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** Why a web configuration cannot be used. */
export type WebConfigErrorCode = 'unreadable' | 'invalid_yaml' | 'invalid';

/** A --web-config file that cannot be used; `issues` lists every problem, one line each. */
export class WebConfigError extends Error {
  constructor(
    readonly code: WebConfigErrorCode,
    readonly issues: string[],
    options?: { cause?: unknown },
  ) {
    super(`invalid web configuration (${issues.length} problem${issues.length === 1 ? '' : 's'})`, {
      ...options,
    });
    this.name = 'WebConfigError';
  }

  /** The message followed by one indented line per issue. */
  describe(): string {
    return [this.message, ...this.issues.map((i) => `  - ${i}`)].join('\n');
  }
}

/** How the server treats client certificates (exporter-toolkit's client_auth_type values). */
export const CLIENT_AUTH_TYPES = [
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
] as const;

/** One of CLIENT_AUTH_TYPES. */
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];

/** TLS settings, files already read. */
export interface WebTlsConfig {
  cert: Buffer;
  key: Buffer;
  /** CA bundle that client certificates must chain to (client_ca_file). */
  ca?: Buffer;
  clientAuth: ClientAuthType;
  minVersion: SecureVersion;
  maxVersion: SecureVersion;
  /** The files, so a reload can re-read rotated certificates. */
  files: { cert: string; key: string; ca?: string };
}

/** A validated web configuration: TLS (optional), basic-auth users (user -> bcrypt hash). */
export interface WebConfig {
  tls?: WebTlsConfig;
  users: ReadonlyMap<string, string>;
  /** Extra response headers (http_server_config.headers). */
  headers: Readonly<Record<string, string>>;
}

/** The configuration without TLS and without users: plain, open HTTP. */
export const OPEN_WEB_CONFIG: WebConfig = { users: new Map(), headers: {} };

const TLS_VERSIONS = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };
type TlsVersionName = keyof typeof TLS_VERSIONS;
const VERSION_NAMES = Object.keys(TLS_VERSIONS) as [TlsVersionName, ...TlsVersionName[]];

// Headers exporter-toolkit lets operators set; anything else is refused there too.
const ALLOWED_HEADERS = [
  'Strict-Transport-Security',
  'X-Content-Type-Options',
  'X-Frame-Options',
  'X-XSS-Protection',
  'Content-Security-Policy',
];

// exporter-toolkit keys that chainprobe knows but does not implement: named, not "unknown".
const UNSUPPORTED: Record<string, string> = {
  'tls_server_config.cipher_suites': 'Node.js picks the cipher suites',
  'tls_server_config.curve_preferences': 'Node.js picks the curves',
  'tls_server_config.prefer_server_cipher_suites': 'Node.js picks the cipher suites',
  'tls_server_config.client_allowed_sans': 'use client_ca_file',
  'tls_server_config.cert': 'use cert_file',
  'tls_server_config.key': 'use key_file',
  'http_server_config.http2': 'chainprobe serves HTTP/1.1',
  rate_limit: 'put a proxy in front for rate limiting',
};

const Version = z.enum(VERSION_NAMES);
const Schema = z.strictObject({
  tls_server_config: z
    .strictObject({
      cert_file: z.string().min(1),
      key_file: z.string().min(1),
      client_auth_type: z.enum(CLIENT_AUTH_TYPES).optional(),
      client_ca_file: z.string().min(1).optional(),
      min_version: Version.default('TLS12'),
      max_version: Version.default('TLS13'),
    })
    .optional(),
  http_server_config: z
    .strictObject({ headers: z.record(z.string(), z.string()).optional() })
    .optional(),
  basic_auth_users: z.record(z.string(), z.string()).nullish(),
});

// bcrypt modular crypt format: $2a$/$2b$/$2y$, two-digit cost, 22 salt + 31 hash characters.
const BCRYPT = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;

/** True when `hash` is a bcrypt hash bcryptjs can verify (cost 4-31). */
export function isBcryptHash(hash: string): boolean {
  const m = BCRYPT.exec(hash);
  const cost = Number(m?.[1]);
  return m !== null && cost >= 4 && cost <= 31;
}

/** Reads a reader-injected file; the default reads from disk. */
export type ReadFile = (path: string) => Buffer;

/** Reads and validates a --web-config file; throws WebConfigError listing every problem. */
export function loadWebConfigFile(path: string, read: ReadFile = readFileSync): WebConfig {
  let text: string;
  try {
    text = read(path).toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new WebConfigError('unreadable', [`cannot read ${path}: ${code}`], { cause: err });
  }
  return parseWebConfig(text, dirname(resolve(path)), read);
}

/**
 * Validates web configuration YAML. Relative file names resolve against `baseDir` (the web
 * configuration's own directory, as in exporter-toolkit).
 */
export function parseWebConfig(text: string, baseDir: string, read: ReadFile): WebConfig {
  const raw = parseYamlText(text) ?? {};
  const issues = takeUnsupported(raw);
  const result = Schema.safeParse(raw);
  if (!result.success) {
    issues.push(...result.error.issues.map((i) => formatIssue(i, raw)));
    throw new WebConfigError('invalid', issues);
  }
  const data = result.data;
  issues.push(...checkUsers(data.basic_auth_users ?? {}));
  issues.push(...checkHeaders(data.http_server_config?.headers ?? {}));
  const tls = data.tls_server_config && buildTls(data.tls_server_config, baseDir, read, issues);
  if (issues.length > 0) throw new WebConfigError('invalid', issues);
  return {
    ...(tls ? { tls } : {}),
    users: new Map(Object.entries(data.basic_auth_users ?? {})),
    headers: data.http_server_config?.headers ?? {},
  };
}

function parseYamlText(text: string): unknown {
  try {
    return parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    const line = (err as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    const where = line === undefined ? '' : ` at line ${line}`;
    throw new WebConfigError('invalid_yaml', [`not valid YAML${where}`], { cause: err });
  }
}

// Removes known-but-unsupported keys from `raw` and names each one.
function takeUnsupported(raw: unknown): string[] {
  const issues: string[] = [];
  for (const [path, why] of Object.entries(UNSUPPORTED)) {
    const parts = path.split('.');
    const leaf = parts.pop() ?? '';
    let obj: unknown = raw;
    for (const p of parts) obj = isRecord(obj) ? obj[p] : undefined;
    if (!isRecord(obj) || !(leaf in obj)) continue;
    delete obj[leaf];
    issues.push(`${path} is not supported by chainprobe (${why})`);
  }
  return issues;
}

function formatIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const where = issue.path.map(String).join('.') || '(root)';
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `'${k}'`).join(', ');
    return `${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}`;
  }
  const value = valueAt(raw, issue.path);
  if (value === undefined) return `${where} is required`;
  // Never echo a value under basic_auth_users: an operator may have pasted a plain password.
  if (issue.code === 'invalid_type') return `${where} must be a ${issue.expected}`;
  if (issue.code === 'invalid_value') {
    return `${where} (${String(value)}) must be one of ${issue.values.map(String).join(', ')}`;
  }
  return `${where} (${JSON.stringify(value)}) ${issue.message}`;
}

function checkUsers(users: Record<string, string>): string[] {
  const issues: string[] = [];
  for (const [user, hash] of Object.entries(users)) {
    if (user === '' || user.includes(':')) {
      issues.push(
        `basic_auth_users: user name (${JSON.stringify(user)}) must be non-empty without ":"`,
      );
    }
    if (!isBcryptHash(hash)) {
      issues.push(
        `basic_auth_users.${user} is not a bcrypt hash ($2a$, $2b$ or $2y$, cost 4-31); ` +
          'plain passwords are not accepted',
      );
    }
  }
  return issues;
}

function checkHeaders(headers: Record<string, string>): string[] {
  const allowed = new Map(ALLOWED_HEADERS.map((h) => [h.toLowerCase(), h]));
  return Object.keys(headers)
    .filter((h) => !allowed.has(h.toLowerCase()))
    .map(
      (h) =>
        `http_server_config.headers.${h} may not be set (allowed: ${ALLOWED_HEADERS.join(', ')})`,
    );
}

type TlsInput = NonNullable<z.output<typeof Schema>['tls_server_config']>;

function buildTls(
  t: TlsInput,
  baseDir: string,
  read: ReadFile,
  issues: string[],
): WebTlsConfig | undefined {
  const before = issues.length;
  const clientAuth = checkTlsSettings(t, issues);
  const files = {
    cert: resolve(baseDir, t.cert_file),
    key: resolve(baseDir, t.key_file),
    ...(t.client_ca_file ? { ca: resolve(baseDir, t.client_ca_file) } : {}),
  };
  const cert = readPart(read, 'cert_file', files.cert, issues);
  const key = readPart(read, 'key_file', files.key, issues);
  const ca =
    files.ca === undefined ? undefined : readPart(read, 'client_ca_file', files.ca, issues);
  if (issues.length > before || !cert || !key) return undefined;
  const tls: WebTlsConfig = {
    cert,
    key,
    ...(ca ? { ca } : {}),
    clientAuth,
    minVersion: TLS_VERSIONS[t.min_version] as SecureVersion,
    maxVersion: TLS_VERSIONS[t.max_version] as SecureVersion,
    files,
  };
  const bad = checkSecureContext(tls);
  if (bad) issues.push(bad);
  return tls;
}

// Checks the settings that need no file; returns the effective client_auth_type.
function checkTlsSettings(t: TlsInput, issues: string[]): ClientAuthType {
  // As in exporter-toolkit: a CA file without an explicit type means verify every client.
  const clientAuth =
    t.client_auth_type ?? (t.client_ca_file ? 'RequireAndVerifyClientCert' : 'NoClientCert');
  const verifies =
    clientAuth === 'VerifyClientCertIfGiven' || clientAuth === 'RequireAndVerifyClientCert';
  if (verifies && !t.client_ca_file) {
    issues.push(`tls_server_config.client_auth_type (${clientAuth}) needs client_ca_file`);
  }
  if (VERSION_NAMES.indexOf(t.min_version) > VERSION_NAMES.indexOf(t.max_version)) {
    issues.push(
      `tls_server_config.min_version (${t.min_version}) is above max_version (${t.max_version})`,
    );
  }
  return clientAuth;
}

function readPart(read: ReadFile, key: string, path: string, issues: string[]): Buffer | undefined {
  try {
    return read(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    issues.push(`tls_server_config.${key} (${path}) cannot be read: ${code}`);
    return undefined;
  }
}

/** A one-line problem when OpenSSL refuses the certificate, key or CA, else undefined. */
export function checkSecureContext(
  tls: Pick<WebTlsConfig, 'cert' | 'key' | 'ca'>,
): string | undefined {
  try {
    createSecureContext({ cert: tls.cert, key: tls.key, ...(tls.ca ? { ca: tls.ca } : {}) });
    return undefined;
  } catch (err) {
    // OpenSSL's reason (e.g. "key values mismatch"), never file contents.
    const reason = (err as { reason?: string }).reason ?? (err as Error).message;
    return `tls_server_config: cert_file, key_file and client_ca_file are not usable: ${reason}`;
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const part of path) cur = isRecord(cur) ? cur[part as string] : undefined;
  return cur;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
