import { z } from 'zod';
import type { ProbeKind } from '../../engine/probe-kind.js';
import type { EndpointConfig } from '../../config/schema.js';
import { LabelName } from '../../config/schema.js';
import { defineValidatorsMetrics, type ValidatorsMetrics } from './metrics.js';
import { ValidatorsWatcher } from './probe.js';

/** Options of the `validators` probe. */
export const ValidatorsOptions = z.strictObject({
  endpoint: LabelName.optional().describe(
    'Endpoint to follow; default the first validator- or rpc-role endpoint (never a gateway).',
  ),
  consensus: z
    .enum(['auto', 'qbft', 'ibft2'])
    .default('auto')
    .describe("Consensus codec; 'auto' detects it from the first decodable block and keeps it."),
  window: z
    .number()
    .int()
    .min(4)
    .max(10_000)
    .default(64)
    .describe('Sliding window W, in blocks, over which participation and liveness are judged.'),
  maxCatchUpBlocks: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(64)
    .describe(
      'Largest backlog read after downtime; further behind, skip ahead and count the skip.',
    ),
  maxBlocksPerRun: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(32)
    .describe('Most blocks fetched in one run (plus the head and one parent).'),
  participationThreshold: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe('Seal participation over the window at or above which a validator counts as live.'),
  notSeenAfterBlocks: z
    .number()
    .int()
    .min(2)
    .max(10_000)
    .optional()
    .describe(
      'Blocks without a proposal or seal from a validator after which it is not live, ' +
        'whatever its window counts; default twice the validator count, at least 8.',
    ),
  haltedAfterSeconds: z
    .number()
    .positive()
    .max(86_400)
    .optional()
    .describe(
      'Head age after which the chain counts as halted, seconds; default 10 block periods.',
    ),
  qbftApi: z
    .boolean()
    .default(true)
    .describe(
      'Call the QBFT (IBFT) API: validator set cross-check, signer metrics, pending votes.',
    ),
  names: z
    .record(z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 20-byte hex address'), LabelName)
    .optional()
    .describe(
      'Display names by validator address, exported only on chainprobe_validators_validator_info.',
    ),
});
export type ValidatorsOptions = z.output<typeof ValidatorsOptions>;

/** The endpoint a validators probe follows: the one named, else the first validator or rpc. */
export function pickValidatorsEndpoint(
  named: string | undefined,
  endpoints: Iterable<EndpointConfig>,
): string | undefined {
  const all = [...endpoints];
  if (named !== undefined) return all.some((e) => e.name === named) ? named : undefined;
  // A gateway may switch nodes between calls, and nodes store different seal sets.
  return all.find((e) => e.role === 'validator' || e.role === 'rpc')?.name;
}

// Limitation: series are keyed by the followed endpoint, so two validators probes that follow
// the same endpoint overwrite each other's series; follow different nodes instead.

/** The `validators` kind: per-validator liveness from QBFT/IBFT 2.0 headers and Besu's API. */
export const validatorsKind: ProbeKind<ValidatorsOptions, ValidatorsMetrics> = {
  kind: 'validators',
  description: 'Validator liveness from QBFT/IBFT 2.0 headers: proposals, missed slots, seals',
  options: ValidatorsOptions,
  defineMetrics: defineValidatorsMetrics,
  check(probe, config) {
    if (pickValidatorsEndpoint(probe.endpoint, config.endpoints) !== undefined) return [];
    if (probe.endpoint !== undefined)
      return [`endpoint (${probe.endpoint}) names no configured endpoint`];
    return ['endpoint is not set and no validator or rpc endpoint is configured'];
  },
  create(ctx, probe, metrics) {
    const endpoint = pickValidatorsEndpoint(probe.endpoint, ctx.endpoints.values());
    if (endpoint === undefined) throw new Error(`probe ${probe.name}: no endpoint to follow`);
    const watcher = new ValidatorsWatcher(ctx, probe, metrics, endpoint);
    return {
      tasks: [{ target: endpoint, run: (signal: AbortSignal) => watcher.run(signal) }],
      dispose: () => watcher.dispose(),
    };
  },
};
