import { readFileSync } from 'node:fs';
import { parseDocument, YAMLError, YAMLWarning } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import {
  EndpointSchema,
  GlobalSchema,
  ProbeCommonSchema,
  type EndpointConfig,
  type GlobalConfig,
  type ProbeCommon,
} from './schema.js';
import type { ProbeKind } from '../engine/probe-kind.js';
import { secretsOfUrl } from '../redact.js';

/** A probe entry after validation: the common fields plus its kind's own options. */
export type ProbeConfig = ProbeCommon & Record<string, unknown>;

/** A validated configuration. */
export interface Config {
  global: GlobalConfig;
  endpoints: EndpointConfig[];
  probes: ProbeConfig[];
  /** Strings that must never leave the process (credentials found in the config). */
  secrets: string[];
}

type Path = ReadonlyArray<PropertyKey>;

/** Reads, substitutes ${ENV}, and validates a YAML configuration file. */
export function loadConfigFile(
  path: string,
  kinds: readonly ProbeKind[],
  env: NodeJS.ProcessEnv = process.env,
): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      [`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`],
      {
        cause: err,
      },
    );
  }
  return parseConfig(text, kinds, env);
}

/** Validates YAML text; throws ConfigError listing every problem at once. */
export function parseConfig(
  text: string,
  kinds: readonly ProbeKind[],
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const raw = parseYamlText(text);
  const envIssues: string[] = [];
  const substituted = substituteEnv(raw, env, [], envIssues);
  if (envIssues.length > 0) throw new ConfigError(envIssues);

  const result = buildSchema(kinds).safeParse(substituted ?? {});
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => formatIssue(i, substituted)));
  }
  const config = resolveDefaults(result.data);
  const crossIssues = checkCrossFields(config, kinds, env);
  if (crossIssues.length > 0) throw new ConfigError(crossIssues);
  // Kinds that read a secret from a file or the environment (the canary's key) add it here.
  for (const p of config.probes) {
    config.secrets.push(...(kinds.find((k) => k.kind === p.kind)?.secrets?.(p, env) ?? []));
  }
  return config;
}

function parseYamlText(text: string): unknown {
  // The yaml library would print warnings (an unknown `!tag`, ...) to stderr quoting the source
  // line, which may hold a credential: keep it silent and report problems by line and code only.
  const doc = parseDocument(text, { prettyErrors: true, logLevel: 'silent' });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    throw new ConfigError(problems.map(describeYamlProblem));
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(['not valid YAML: too many alias expansions'], { cause: err });
  }
}

function describeYamlProblem(p: YAMLError): string {
  const where = p.linePos ? ` at line ${p.linePos[0].line}` : '';
  const code = p.code.toLowerCase().replace(/_/g, ' ');
  return p instanceof YAMLWarning
    ? `YAML${where}: ${code} (not allowed)`
    : `not valid YAML${where}: ${code}`;
}

function buildSchema(kinds: readonly ProbeKind[]) {
  const probeSchemas = kinds.map((k) =>
    z.strictObject({ ...ProbeCommonSchema.shape, ...k.options.shape, kind: z.literal(k.kind) }),
  );
  const probe =
    probeSchemas.length > 0
      ? z.discriminatedUnion('kind', probeSchemas as unknown as [z.ZodObject, ...z.ZodObject[]])
      : ProbeCommonSchema;
  return z.strictObject({
    global: GlobalSchema.default(GlobalSchema.parse({})),
    endpoints: z.array(EndpointSchema).min(1, 'must name at least one endpoint'),
    probes: z.array(probe).default([]),
  });
}

function resolveDefaults(data: {
  global: GlobalConfig;
  endpoints: EndpointConfig[];
  probes: Array<Record<string, unknown>>;
}): Config {
  const { global } = data;
  const probes = data.probes.map((p) => ({
    ...p,
    intervalMs: (p.intervalMs as number | undefined) ?? global.intervalMs,
    timeoutMs: (p.timeoutMs as number | undefined) ?? global.timeoutMs,
  })) as ProbeConfig[];
  const secrets = [
    ...data.endpoints.flatMap((e) => [...secretsOfUrl(e.url), ...Object.values(e.headers ?? {})]),
    ...collectProbeSecrets(data.probes),
  ];
  return { global, endpoints: data.endpoints, probes, secrets };
}

// Probe options may carry URLs (breaker sources) and headers too: every `url` string and every
// header value anywhere in a probe counts as secret material for the log scrubber.
function collectProbeSecrets(value: unknown, key = ''): string[] {
  if (typeof value === 'string') {
    if (key === 'url' || /url$/i.test(key)) return secretsOfUrl(value);
    return key === 'header' ? [value] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v) => collectProbeSecrets(v, key));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      collectProbeSecrets(v, key === 'headers' ? 'header' : k),
    );
  }
  return [];
}

function checkCrossFields(
  config: Config,
  kinds: readonly ProbeKind[],
  env: NodeJS.ProcessEnv,
): string[] {
  const issues: string[] = [];
  const endpointNames = new Set<string>();
  config.endpoints.forEach((e, i) => {
    if (endpointNames.has(e.name)) issues.push(`endpoints[${i}].name (${e.name}) is used twice`);
    endpointNames.add(e.name);
  });
  const probeNames = new Set<string>();
  config.probes.forEach((p, i) => {
    const at = `probes[${i}]`;
    if (probeNames.has(p.name)) issues.push(`${at}.name (${p.name}) is used twice`);
    probeNames.add(p.name);
    if (p.timeoutMs >= p.intervalMs) {
      issues.push(`${at}.timeoutMs (${p.timeoutMs}) must be below intervalMs (${p.intervalMs})`);
    }
    (p.endpoints ?? []).forEach((name, j) => {
      if (!endpointNames.has(name)) {
        issues.push(`${at}.endpoints[${j}] (${name}) names no configured endpoint`);
      }
    });
    const kind = kinds.find((k) => k.kind === p.kind);
    for (const msg of kind?.check?.(p, { ...config, env }) ?? []) issues.push(`${at}.${msg}`);
  });
  if (config.global.timeoutMs >= config.global.intervalMs) {
    issues.push(
      `global.timeoutMs (${config.global.timeoutMs}) ` +
        `must be below intervalMs (${config.global.intervalMs})`,
    );
  }
  return issues;
}

/** Replaces ${NAME} in every string value; `$${` stands for a literal `${`. */
function substituteEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: Path,
  issues: string[],
): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$(\$?)\{([^}]*)\}/g, (whole, escape: string, name: string) => {
      if (escape) return whole.slice(1);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        issues.push(`${formatPath(path)}: \${${name}} is not a valid variable name`);
        return '';
      }
      const v = env[name];
      if (v === undefined)
        issues.push(`${formatPath(path)}: environment variable ${name} is not set`);
      return v ?? '';
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, [...path, i], issues));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, [...path, k], issues)]),
    );
  }
  return value;
}

/** `probes[2].timeoutMs`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  }
  return out || '(root)';
}

function formatIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const where = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `'${k}'`).join(', ');
    return `${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}`;
  }
  const value = valueAt(input, issue.path);
  const shown = value === undefined ? 'missing' : describeValue(issue.path, value);
  return `${where} (${shown}) ${lowerFirst(issue.message)}`;
}

function valueAt(input: unknown, path: Path): unknown {
  let cur: unknown = input;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

function describeValue(path: Path, value: unknown): string {
  // URLs and headers can carry credentials, and a private key pasted where an address belongs
  // is 32 bytes of hex: never echo any of them back.
  if (path.some((p) => typeof p === 'string' && /url$|^headers$/i.test(p))) return '<redacted>';
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  if (/[0-9a-fA-F]{64}/.test(text)) return '<redacted: looks like a private key>';
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
