import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, YAMLError, YAMLWarning, type Document, type Tags } from 'yaml';
import { z } from 'zod';
import { readCaBundle } from './ca-bundle.js';
import {
  checkCrossFields,
  resolveTiming,
  type CheckInput,
  type Issue,
  type Path,
} from './cross-check.js';
import { ConfigError } from './errors.js';
import {
  EndpointSchema,
  GlobalSchema,
  ProbeCommonSchema,
  type EndpointConfig,
  type GlobalConfig,
  type ProbeCommon,
  type SchemaEndpoint,
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

/** Validates YAML text; throws ConfigError listing every problem at once, in file order. */
export function parseConfig(
  text: string,
  kinds: readonly ProbeKind[],
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const { raw, lineOf } = parseYamlText(text);
  const envIssues: Issue[] = [];
  const substituted = substituteEnv(raw, env, [], envIssues) ?? {};
  if (envIssues.length > 0) throw configError(envIssues, lineOf);

  const schema = buildSchema(kinds);
  const result = schema.root.safeParse(substituted);
  const parsed = result.success ? result.data : parseParts(substituted, schema);
  const { endpoints, issues } = loadEndpointTls(parsed.endpoints);
  parsed.probes.forEach((p, i) => {
    if (p !== undefined) issues.push(...loadNestedTls(p, ['probes', i]));
  });
  if (!result.success) issues.push(...result.error.issues.map((i) => toIssue(i, substituted)));
  const input = { ...parsed, endpoints, ...namesOf(substituted) };
  issues.push(...checkCrossFields(input, kinds, env));
  if (issues.length > 0 || !result.success) throw configError(issues, lineOf);

  const config = resolveDefaults({ ...result.data, endpoints: endpoints as EndpointConfig[] });
  // Kinds that read a secret from a file or the environment (the canary's key) add it here.
  for (const p of config.probes) {
    config.secrets.push(...(kinds.find((k) => k.kind === p.kind)?.secrets?.(p, env) ?? []));
  }
  return config;
}

type LineOf = (path: Path) => number;

function configError(issues: Issue[], lineOf: LineOf): ConfigError {
  // Array.prototype.sort is stable: problems on one line keep the order they were found in.
  const sorted = issues
    .map((issue) => ({ issue, line: lineOf(issue.path) }))
    .sort((a, b) => a.line - b.line);
  return new ConfigError(
    sorted.map((s) => s.issue.text),
    { lines: sorted.map((s) => s.line) },
  );
}

function parseYamlText(text: string): { raw: unknown; lineOf: LineOf } {
  // The yaml library would print warnings (an unknown `!tag`, ...) to stderr quoting the source
  // line, which may hold a credential: keep it silent and report problems by line and code only.
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    prettyErrors: true,
    logLevel: 'silent',
    lineCounter,
    customTags: plainHexTags,
  });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    throw new ConfigError(problems.map(describeYamlProblem));
  }
  const lineOf = (path: Path) => lineOfPath(doc, lineCounter, path);
  try {
    return { raw: doc.toJS({ maxAliasCount: 100 }), lineOf };
  } catch (err) {
    throw new ConfigError(['not valid YAML: too many alias expansions'], { cause: err });
  }
}

// The line of the deepest node on `path` that exists in the file (a missing key: its parent's).
function lineOfPath(doc: Document, counter: LineCounter, path: Path): number {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | null;
    if (node?.range) return counter.linePos(node.range[0]).line;
  }
  return 0;
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
  const global = GlobalSchema.default(GlobalSchema.parse({}));
  const root = z.strictObject({
    global,
    endpoints: z.array(EndpointSchema).min(1, 'must name at least one endpoint'),
    probes: z.array(probe).default([]),
  });
  return { root, global, probe };
}

/** The configuration's parts, each undefined where it has schema errors. */
interface Parts {
  global: GlobalConfig | undefined;
  endpoints: ReadonlyArray<SchemaEndpoint | undefined>;
  probes: ReadonlyArray<Record<string, unknown> | undefined>;
}

// When the whole fails, each part is parsed alone so the cross-field rules can still run on
// the parts that are valid (the schema's own issues come from the whole parse).
function parseParts(input: unknown, schema: ReturnType<typeof buildSchema>): Parts {
  const top = isRecord(input) ? input : {};
  const each = <T>(list: unknown, part: z.ZodType<T>) =>
    Array.isArray(list) ? list.map((v) => part.safeParse(v).data) : [];
  return {
    global: schema.global.safeParse(top.global).data,
    endpoints: each(top.endpoints, EndpointSchema),
    probes: each(top.probes, schema.probe) as Parts['probes'],
  };
}

// The entries' names as written, even in entries that are otherwise invalid; a list that is
// not a list at all gives no names, so references into it are not judged.
function namesOf(
  input: unknown,
): Pick<CheckInput, 'endpointNames' | 'probeNames' | 'probeEndpointRefs'> {
  const top = isRecord(input) ? input : {};
  const names = (list: unknown) =>
    Array.isArray(list)
      ? list.map((v) => (isRecord(v) && typeof v.name === 'string' ? v.name : undefined))
      : list === undefined
        ? []
        : [undefined];
  const refs = (v: unknown) => {
    const list = isRecord(v) ? v.endpoints : undefined;
    return Array.isArray(list) && list.every((n) => typeof n === 'string') ? list : undefined;
  };
  return {
    endpointNames: names(top.endpoints),
    probeNames: names(top.probes),
    probeEndpointRefs: Array.isArray(top.probes) ? top.probes.map(refs) : [],
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// Reads every tls.caFile of the valid endpoints. An endpoint whose file is unusable counts as
// invalid for the cross-field rules.
function loadEndpointTls(endpoints: Parts['endpoints']): {
  endpoints: Array<EndpointConfig | undefined>;
  issues: Issue[];
} {
  const issues: Issue[] = [];
  const loaded = endpoints.map((e, i): EndpointConfig | undefined => {
    if (e?.tls === undefined) return e as EndpointConfig | undefined;
    const tls: Record<string, unknown> = { ...e.tls };
    issues.push(...loadOneTls(e, tls, ['endpoints', i, 'tls']));
    return tls.ca === undefined ? undefined : ({ ...e, tls } as EndpointConfig);
  });
  return { endpoints: loaded, issues };
}

// Reads the CA file of every `tls` block inside a probe's options (breaker sources), in place:
// `tls.ca` is set as on endpoints. Depth-bounded; probe options are small trees.
function loadNestedTls(node: unknown, path: Path, depth = 0): Issue[] {
  if (depth > 6 || node === null || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap((v, i) => loadNestedTls(v, [...path, i], depth + 1));
  const record = node as Record<string, unknown>;
  const issues: Issue[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (key === 'tls' && isRecord(value) && typeof value.caFile === 'string') {
      issues.push(...loadOneTls(record, value, [...path, 'tls']));
    } else issues.push(...loadNestedTls(value, [...path, key], depth + 1));
  }
  return issues;
}

// One tls block: its owner's url must be https; its CA file is read into `tls.ca`.
function loadOneTls(owner: { url?: unknown }, tls: Record<string, unknown>, path: Path): Issue[] {
  const issues: Issue[] = [];
  if (typeof owner.url === 'string' && !owner.url.startsWith('https://')) {
    issues.push({ path, text: `${formatPath(path)} needs an https url` });
  }
  const caFile = String(tls.caFile);
  const ca = readCaBundle(caFile);
  if (typeof ca !== 'string') tls.ca = ca;
  else
    issues.push({
      path: [...path, 'caFile'],
      text: `${formatPath([...path, 'caFile'])} (${caFile}) ${ca}`,
    });
  return issues;
}

function resolveDefaults(data: {
  global: GlobalConfig;
  endpoints: EndpointConfig[];
  probes: Array<Record<string, unknown>>;
}): Config {
  const { global } = data;
  const probes = data.probes.map((p) => resolveTiming(p, global));
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

/** Replaces ${NAME} in every string value; `$${` stands for a literal `${`. */
function substituteEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: Path,
  issues: Issue[],
): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$(\$?)\{([^}]*)\}/g, (whole, escape: string, name: string) => {
      if (escape) return whole.slice(1);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        issues.push({
          path,
          text: `${formatPath(path)}: \${${name}} is not a valid variable name`,
        });
        return '';
      }
      const v = env[name];
      if (v === undefined)
        issues.push({ path, text: `${formatPath(path)}: environment variable ${name} is not set` });
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

// Unknown keys are placed at the first such key's line, other problems at their value's.
function toIssue(issue: z.core.$ZodIssue, input: unknown): Issue {
  const key = issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [];
  return { path: [...issue.path, ...key], text: formatIssue(issue, input) };
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

// YAML reads an unquoted 0x… or 0o… as an integer, which turns an address or a hash into a
// float that no check can explain; every hex value here is an address, hash or key, so they
// stay strings as written (a number given in hex then fails as "expected number").
function plainHexTags(tags: Tags): Tags {
  return tags.filter((tag) => {
    const format = (tag as { format?: unknown }).format;
    return format !== 'HEX' && format !== 'OCT';
  });
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
