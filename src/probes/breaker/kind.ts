import { Counter, Gauge, type Registry } from 'prom-client';
import { z } from 'zod';
import type { ProbeKind } from '../../engine/probe-kind.js';
import { Address, EndpointTlsSchema, LabelName } from '../../config/schema.js';
import { ENDPOINTS_UNUSED, checkEndpoint, pickEndpoint } from '../oracle/endpoint.js';
import { isJsonPointer } from './json-pointer.js';
import { BREAKER_STATES } from './state-map.js';
import { BreakerWatcher } from './probe.js';

const HttpUrl = z
  .string()
  .refine((s) => /^https?:\/\//.test(s) && URL.canParse(s), 'must be an http(s) URL');

/** Source value (as text: "OPEN", "1", "true") to breaker state. */
const StateMapSchema = z.record(z.string(), z.enum(BREAKER_STATES));

/** Fields every breaker source has. */
const SourceCommon = {
  name: LabelName.describe(
    'Label value of the source, e.g. publisher-0; its URL never leaves the process.',
  ),
  states: StateMapSchema.optional().describe(
    'Value to state map; defaults depend on the type (state names; for contract, true=open).',
  ),
  timeoutMs: z
    .number()
    .int()
    .min(10)
    .max(600_000)
    .optional()
    .describe("Deadline of one read, ms; default the probe's timeoutMs."),
};

/** https sources behind a private CA: the CAs to trust and the name to verify, as on endpoints. */
const SourceTls = EndpointTlsSchema.optional().describe(
  'https only: caFile (PEM CAs to trust instead of the system roots, read at load and reload) ' +
    'and serverName, as for endpoints.',
);

/** A JSON document served over HTTP GET, the state at an RFC 6901 pointer. */
export const HttpJsonSource = z.strictObject({
  ...SourceCommon,
  type: z.literal('http-json'),
  url: HttpUrl,
  tls: SourceTls,
  pointer: z
    .string()
    .refine(isJsonPointer, 'must be an RFC 6901 JSON pointer such as /breaker/state'),
});

/** A Prometheus text endpoint, the state in one series' value or (stateLabel) a state set. */
export const PrometheusSource = z.strictObject({
  ...SourceCommon,
  type: z.literal('prometheus'),
  url: HttpUrl,
  tls: SourceTls,
  metric: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a metric name'),
  labels: z.record(z.string(), z.string()).optional().describe('Equality label matchers.'),
  stateLabel: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a label name')
    .optional()
    .describe('Label naming the state of the series at 1 (state-set style), e.g. `state`.'),
});

/** A contract's bool view function (default paused()): true means open. */
export const ContractSource = z.strictObject({
  ...SourceCommon,
  type: z.literal('contract'),
  endpoint: LabelName.optional().describe(
    'Endpoint to call through; default the first gateway, else the first rpc endpoint.',
  ),
  address: Address,
  function: z
    .string()
    .regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, 'must be a function name')
    .default('paused'),
});

/** One breaker source: one publisher replica's circuit breaker. */
export const BreakerSource = z.discriminatedUnion('type', [
  HttpJsonSource,
  PrometheusSource,
  ContractSource,
]);
export type BreakerSource = z.output<typeof BreakerSource>;

/** Options of the `breaker` probe. */
export const BreakerOptions = z.strictObject({
  sources: z
    .array(BreakerSource)
    .min(1, 'must list at least one source')
    .describe(
      'One per publisher replica: type http-json (url, pointer), prometheus (url, metric, ' +
        'labels?, stateLabel?) or contract (endpoint?, address, function); each with name, ' +
        'states?, timeoutMs?.',
    ),
  maxResponseBytes: z
    .number()
    .int()
    .min(256)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024)
    .describe('Largest source body read, bytes; larger is body_too_large.'),
});
export type BreakerOptions = z.output<typeof BreakerOptions>;

/** Metrics of the `breaker` probe, one series per source (and state). */
export function defineBreakerMetrics(registry: Registry) {
  const r = [registry];
  return {
    state: new Gauge({
      name: 'chainprobe_breaker_state',
      help: 'Circuit breaker state (closed, half-open, open, unknown): 1 for the current one.',
      labelNames: ['source', 'state'] as const,
      registers: r,
    }),
    transitions: new Counter({
      name: 'chainprobe_breaker_transitions_total',
      help: 'Breaker state changes seen by chainprobe, between readable states.',
      labelNames: ['source', 'from', 'to'] as const,
      registers: r,
    }),
    openSeconds: new Gauge({
      name: 'chainprobe_breaker_open_seconds',
      help: 'Seconds since the breaker left closed (open or half-open); 0 when closed.',
      labelNames: ['source'] as const,
      registers: r,
    }),
  };
}
export type BreakerMetrics = ReturnType<typeof defineBreakerMetrics>;

/** The `breaker` kind: the oracle publisher's circuit breaker, per replica, from any source. */
export const breakerKind: ProbeKind<BreakerOptions, BreakerMetrics> = {
  kind: 'breaker',
  description: 'Oracle publisher circuit breakers from HTTP JSON, Prometheus text or a contract',
  options: BreakerOptions,
  defineMetrics: defineBreakerMetrics,
  check(probe, config) {
    const issues: string[] = [];
    if (probe.endpoints !== undefined) issues.push(ENDPOINTS_UNUSED);
    const seen = new Set<string>();
    probe.sources.forEach((s, i) => {
      const at = `sources[${i}]`;
      if (seen.has(s.name)) issues.push(`${at}.name (${s.name}) is used twice`);
      seen.add(s.name);
      if (s.type === 'contract') {
        for (const msg of checkEndpoint(s.endpoint, config.endpoints)) issues.push(`${at}.${msg}`);
      }
      // A number means nothing by itself: without a map, no value could ever be read as closed.
      if (s.type === 'prometheus' && s.stateLabel === undefined && s.states === undefined) {
        issues.push(`${at}.states must map the series values (e.g. "0": closed, "1": open)`);
      }
    });
    return issues;
  },
  create(ctx, probe, metrics) {
    for (const s of probe.sources) {
      if (s.type === 'contract' && pickEndpoint(s.endpoint, ctx.endpoints.values()) === undefined) {
        throw new Error(`probe ${probe.name}: source ${s.name} has no endpoint`);
      }
    }
    const watcher = new BreakerWatcher(ctx, probe, metrics);
    return {
      tasks: probe.sources.map((source) => ({
        target: source.name,
        run: (signal: AbortSignal) => watcher.probeSource(source, signal),
      })),
      dispose: () => watcher.dispose(),
    };
  },
};
