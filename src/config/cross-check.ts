import type { ProbeKind } from '../engine/probe-kind.js';
import type { ProbeConfig } from './load.js';
import type { EndpointConfig, GlobalConfig } from './schema.js';

/** A path into the configuration: `['probes', 2, 'timeoutMs']`. */
export type Path = ReadonlyArray<PropertyKey>;

/** One configuration problem: where it is and its one-line text (which starts with the path). */
export interface Issue {
  path: Path;
  text: string;
}

/**
 * What the cross-field rules see: the parts of the configuration that passed the schema.
 * `undefined` marks a part that did not, so rules reading it are skipped rather than guessed.
 */
export interface CheckInput {
  /** The global section with defaults, or undefined when it has schema errors. */
  global: GlobalConfig | undefined;
  /** Each endpoints[] entry, undefined where it has schema (or CA file) errors. */
  endpoints: ReadonlyArray<EndpointConfig | undefined>;
  /** The `name` of each endpoints[] entry when it is a string, even if the entry is invalid. */
  endpointNames: ReadonlyArray<string | undefined>;
  /** Each probes[] entry with its kind's defaults, undefined where it has schema errors. */
  probes: ReadonlyArray<Record<string, unknown> | undefined>;
  /** The `name` of each probes[] entry when it is a string. */
  probeNames: ReadonlyArray<string | undefined>;
  /**
   * The `endpoints` list of each probes[] entry when it is a list of strings, even if the entry
   * is otherwise invalid, so a bad reference is reported beside the entry's other errors.
   */
  probeEndpointRefs: ReadonlyArray<readonly string[] | undefined>;
}

/**
 * Runs every cross-field rule whose inputs passed the schema, so that one --check-config run
 * reports them beside the schema errors. A rule is skipped when an input it needs is invalid:
 * a probe's endpoint references need every endpoint's name; its timing needs its own
 * intervalMs and timeoutMs or a valid global section; its kind's own check needs a valid
 * global section and every endpoint valid.
 */
export function checkCrossFields(
  input: CheckInput,
  kinds: readonly ProbeKind[],
  env: NodeJS.ProcessEnv,
): Issue[] {
  const issues = [
    ...duplicateNames('endpoints', input.endpointNames),
    ...duplicateNames('probes', input.probeNames),
  ];
  const names = input.endpointNames.every((n) => n !== undefined)
    ? new Set(input.endpointNames)
    : undefined;
  input.probes.forEach((p, i) => {
    const refs = (p?.endpoints as string[] | undefined) ?? input.probeEndpointRefs[i];
    if (names && refs) issues.push(...unknownEndpoints(refs, i, names));
    if (p === undefined) return;
    const timed = timingOf(p, input.global);
    // A probe that sets neither field inherits both from global, which is judged once below.
    const ownTiming = p.intervalMs !== undefined || p.timeoutMs !== undefined;
    if (timed && ownTiming) issues.push(...checkTiming(timed, i));
    if (timed && input.global) issues.push(...checkKind(timed, i, input, kinds, env));
  });
  const g = input.global;
  if (g && g.timeoutMs >= g.intervalMs) {
    issues.push({
      path: ['global', 'timeoutMs'],
      text: `global.timeoutMs (${g.timeoutMs}) must be below intervalMs (${g.intervalMs})`,
    });
  }
  return issues;
}

/** A probe entry with interval and timeout resolved from `global`. */
export function resolveTiming(p: Record<string, unknown>, global: GlobalConfig): ProbeConfig {
  return {
    ...p,
    intervalMs: (p.intervalMs as number | undefined) ?? global.intervalMs,
    timeoutMs: (p.timeoutMs as number | undefined) ?? global.timeoutMs,
  } as ProbeConfig;
}

function duplicateNames(section: string, names: ReadonlyArray<string | undefined>): Issue[] {
  const seen = new Set<string>();
  const issues: Issue[] = [];
  names.forEach((name, i) => {
    if (name === undefined) return;
    if (seen.has(name)) {
      issues.push({
        path: [section, i, 'name'],
        text: `${section}[${i}].name (${name}) is used twice`,
      });
    }
    seen.add(name);
  });
  return issues;
}

function unknownEndpoints(
  refs: readonly string[],
  i: number,
  names: Set<string | undefined>,
): Issue[] {
  return refs.flatMap((name, j) =>
    names.has(name)
      ? []
      : [
          {
            path: ['probes', i, 'endpoints', j],
            text: `probes[${i}].endpoints[${j}] (${name}) names no configured endpoint`,
          },
        ],
  );
}

// The probe's timing when it is known: its own fields, else a valid global section's.
function timingOf(
  p: Record<string, unknown>,
  global: GlobalConfig | undefined,
): ProbeConfig | undefined {
  if (global) return resolveTiming(p, global);
  const bothSet = p.intervalMs !== undefined && p.timeoutMs !== undefined;
  return bothSet ? (p as ProbeConfig) : undefined;
}

function checkTiming(p: ProbeConfig, i: number): Issue[] {
  if (p.timeoutMs < p.intervalMs) return [];
  const text = `probes[${i}].timeoutMs (${p.timeoutMs}) must be below intervalMs (${p.intervalMs})`;
  return [{ path: ['probes', i, 'timeoutMs'], text }];
}

// A kind's own check sees the whole configuration, so it runs only when global and every
// endpoint are valid.
// Limitation: with an invalid global section or endpoint, kinds' own checks (the security
// probe's chainEndpoint, the oracle's feeds, ...) are reported only in the next run.
function checkKind(
  p: ProbeConfig,
  i: number,
  input: CheckInput,
  kinds: readonly ProbeKind[],
  env: NodeJS.ProcessEnv,
): Issue[] {
  const endpoints = input.endpoints.filter((e) => e !== undefined);
  if (!input.global || endpoints.length !== input.endpoints.length) return [];

  const kind = kinds.find((k) => k.kind === p.kind);
  const view = { global: input.global, endpoints, env };
  return (kind?.check?.(p, view) ?? []).map((msg) => ({
    path: ['probes', i, ...leadingPath(msg)],
    text: `probes[${i}].${msg}`,
  }));
}

/** The path a kind's message starts with (`chainEndpoint (x) ...` -> ['chainEndpoint']). */
export function leadingPath(msg: string): PropertyKey[] {
  const head = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$-]*|\[\d+\])*/.exec(msg)?.[0] ?? '';
  return [...head.matchAll(/[A-Za-z_$][\w$-]*|\[(\d+)\]/g)].map((m) =>
    m[1] === undefined ? m[0] : Number(m[1]),
  );
}
