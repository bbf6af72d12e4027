import { Gauge, Histogram, type Registry } from 'prom-client';
import { z } from 'zod';
import type { CheckView, ProbeKind } from '../../engine/probe-kind.js';
import type { GlobalConfig, ProbeCommon } from '../../config/schema.js';
import { Address, LabelName } from '../../config/schema.js';
import { blockPeriodBuckets, LATENCY_BUCKETS_SECONDS } from '../../metrics/buckets.js';
import { ENDPOINTS_UNUSED, checkEndpoint, pickEndpoint } from '../oracle/endpoint.js';
import { CanaryConfigError } from './errors.js';
import { keySecrets, looksLikeKey, readCanaryKey } from './key.js';
import { CanaryRunner } from './probe.js';

// Key sources are plain strings here and checked in `check`: a failed schema check echoes the
// value, and a key pasted into the wrong field must never be echoed.
/** Options of the `canary` probe. */
export const CanaryOptions = z.strictObject({
  endpoint: LabelName.optional().describe(
    'Endpoint the transaction is sent through; default the first gateway, else the first rpc.',
  ),
  keyFile: z
    .string()
    .optional()
    .describe('File holding the canary account key (hex, first line). Give this or keyEnv.'),
  keyEnv: z
    .string()
    .optional()
    .describe('NAME of the environment variable holding the canary key (never the key itself).'),
  to: Address.optional().describe('Recipient, e.g. a no-op contract; default the canary itself.'),
  data: z
    .string()
    .regex(/^0x([0-9a-fA-F]{2})*$/, 'must be 0x-prefixed hex bytes')
    .default('0x')
    .describe('Calldata for `to`; default empty.'),
  gasLimit: z.number().int().min(21_000).max(1_000_000).default(21_000).describe('Gas limit.'),
  priorityFeeGwei: z
    .number()
    .min(0)
    .max(10_000)
    .optional()
    .describe('EIP-1559 tip, gwei; default eth_maxPriorityFeePerGas.'),
  minBalanceEther: z
    .number()
    .min(0)
    .default(0.01)
    .describe('Spend cap: below this balance the canary sends nothing (insufficient_funds).'),
  maxInclusionBlocks: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(5)
    .describe('Blocks after sending before a transaction is not_included (then replaced).'),
});
export type CanaryOptions = z.output<typeof CanaryOptions>;

/** Metrics of the `canary` probe, one series set per canary probe. */
export function defineCanaryMetrics(registry: Registry, global: GlobalConfig) {
  const r = [registry];
  const labelNames = ['probe', 'endpoint'] as const;
  const periodBuckets = blockPeriodBuckets(global.blockPeriodSeconds);
  const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames, registers: r });
  const histogram = (name: string, help: string, buckets: number[]) =>
    new Histogram({ name, help, labelNames, buckets, registers: r });
  return {
    lastSuccess: gauge(
      'chainprobe_canary_last_success_timestamp_seconds',
      'Unix time when a canary transaction was last included with a receipt.',
    ),
    started: gauge(
      'chainprobe_canary_started_timestamp_seconds',
      'Unix time when this canary was created (start-up or reload); CanaryNotIncluded counts ' +
        'from here until the first inclusion.',
    ),
    acceptance: histogram(
      'chainprobe_canary_acceptance_seconds',
      'eth_sendRawTransaction round trip: sending until the node returned the hash.',
      LATENCY_BUCKETS_SECONDS,
    ),
    inclusion: histogram(
      'chainprobe_canary_inclusion_seconds',
      'Sending until the timestamp of the block that included the transaction (whole seconds).',
      periodBuckets,
    ),
    receipt: histogram(
      'chainprobe_canary_receipt_seconds',
      'Sending until chainprobe read the receipt.',
      periodBuckets,
    ),
    inclusionBlocks: gauge(
      'chainprobe_canary_inclusion_blocks',
      'Blocks from the head at sending to the including block, last canary transaction.',
    ),
    balance: gauge('chainprobe_canary_balance_ether', 'Balance of the canary account, ether.'),
    inFlight: gauge(
      'chainprobe_canary_in_flight',
      '1 while a canary transaction is sent and not yet included (never more than one).',
    ),
  };
}
export type CanaryMetrics = ReturnType<typeof defineCanaryMetrics>;

type CanaryProbe = ProbeCommon & CanaryOptions;

/** Config issues of a canary probe: its endpoint, key source and time budget. */
export function checkCanary(probe: CanaryProbe, config: CheckView): string[] {
  const issues = checkEndpoint(probe.endpoint, config.endpoints);
  if (probe.endpoints !== undefined) issues.push(ENDPOINTS_UNUSED);
  issues.push(...checkKeySource(probe, config.env ?? process.env));

  const periodMs = config.global.blockPeriodSeconds * 1000;
  const neededMs = (probe.maxInclusionBlocks + 1) * periodMs;
  if (probe.timeoutMs < neededMs) {
    issues.push(
      `timeoutMs (${probe.timeoutMs}) must cover maxInclusionBlocks + 1 block periods ` +
        `(${neededMs} ms)`,
    );
  }
  return issues;
}

function checkKeySource(probe: CanaryProbe, env: NodeJS.ProcessEnv): string[] {
  const named = { keyFile: probe.keyFile, keyEnv: probe.keyEnv };
  const pasted = Object.entries(named).filter(([, v]) => v !== undefined && looksLikeKey(v));
  if (pasted.length > 0) {
    return pasted.map(
      ([field]) =>
        `${field} holds what looks like a private key: never put the key in the ` +
        'configuration; give keyFile (a path) or keyEnv (a variable name)',
    );
  }
  if ((probe.keyFile === undefined) === (probe.keyEnv === undefined)) {
    return ['needs exactly one of keyFile or keyEnv'];
  }
  if (probe.keyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(probe.keyEnv)) {
    return ['keyEnv must be the name of an environment variable'];
  }
  try {
    readCanaryKey(probe, env);
    return [];
  } catch (err) {
    if (err instanceof CanaryConfigError) return [`canary key: ${err.message}`];
    throw err;
  }
}

/** The `canary` kind: proves that transactions still get in, with its own funded account. */
export const canaryKind: ProbeKind<CanaryOptions, CanaryMetrics> = {
  kind: 'canary',
  description: 'Write-path canary: a zero-value transaction, acceptance and inclusion times',
  options: CanaryOptions,
  defineMetrics: defineCanaryMetrics,
  check: checkCanary,
  secrets(probe, env) {
    try {
      return keySecrets(readCanaryKey(probe, env));
    } catch {
      return []; // `check` reports why the key cannot be read.
    }
  },
  create(ctx, probe, metrics) {
    const endpoint = pickEndpoint(probe.endpoint, ctx.endpoints.values());
    if (endpoint === undefined) throw new Error(`probe ${probe.name}: no endpoint to send through`);
    const runner = new CanaryRunner(ctx, probe, metrics, endpoint);
    return {
      tasks: [{ target: endpoint, run: (signal: AbortSignal) => runner.run(signal) }],
      dispose: () => runner.dispose(),
    };
  },
};
