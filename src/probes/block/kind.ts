import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { z } from 'zod';
import type { ProbeKind } from '../../engine/probe-kind.js';
import type { GlobalConfig } from '../../config/schema.js';
import { blockPeriodBuckets } from '../../metrics/buckets.js';
import { endpointsFor } from '../targets.js';
import { BlockWatcher } from './probe.js';

/** Options of the `block` probe. */
export const BlockOptions = z.strictObject({
  agreementDepth: z
    .number()
    .int()
    .min(0)
    .max(128)
    .default(2)
    .describe('Blocks below the lowest head at which hashes are compared across endpoints.'),
  stalledAfterSeconds: z
    .number()
    .positive()
    .optional()
    .describe(
      'Head age (from the block timestamp) beyond which a run fails as head_stalled; ' +
        'default max(10 block periods, 30 s).',
    ),
});
export type BlockOptions = z.output<typeof BlockOptions>;

/** Metrics of the `block` probe. */
export function defineBlockMetrics(registry: Registry, global: GlobalConfig) {
  const r = [registry];
  const labelNames = ['endpoint'] as const;
  const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames, registers: r });
  return {
    headNumber: gauge(
      'chainprobe_block_head_number',
      'Head block number reported by the endpoint.',
    ),
    headTimestamp: gauge(
      'chainprobe_block_head_timestamp_seconds',
      'Timestamp of the head block (Unix seconds).',
    ),
    headAge: gauge(
      'chainprobe_block_head_age_seconds',
      'Wall time minus the head block timestamp, at the last run (negative: head in the future).',
    ),
    unchanged: gauge(
      'chainprobe_block_head_unchanged_seconds',
      'Seconds since the endpoint head changed (dated by the new head timestamp, ' +
        'clamped between the runs that saw the old and the new head).',
    ),
    behind: gauge(
      'chainprobe_block_behind_blocks',
      'Blocks the endpoint head is behind the highest head of all endpoints.',
    ),
    agreement: gauge(
      'chainprobe_block_hash_agreement',
      '1 if the endpoint block hash at the common height matches the majority, 0 if not (fork).',
    ),
    interval: new Histogram({
      name: 'chainprobe_block_interval_seconds',
      help: 'Time between consecutive blocks, from block timestamps, as seen by each endpoint.',
      labelNames,
      buckets: blockPeriodBuckets(global.blockPeriodSeconds),
      registers: r,
    }),
    regressions: new Counter({
      name: 'chainprobe_block_head_regressions_total',
      help: 'Times the endpoint head moved backwards (reorg, or a load balancer switching nodes).',
      labelNames,
      registers: r,
    }),
    spread: new Gauge({
      name: 'chainprobe_block_height_spread_blocks',
      help: 'Highest minus lowest head among endpoints answering recently.',
      registers: r,
    }),
    commonHeight: new Gauge({
      name: 'chainprobe_block_agreement_height',
      help: 'Block number at which hashes were last compared across endpoints.',
      registers: r,
    }),
  };
}
export type BlockMetrics = ReturnType<typeof defineBlockMetrics>;

/** The `block` kind: head height, age, progress, intervals, divergence and forks. */
export const blockKind: ProbeKind<BlockOptions, BlockMetrics> = {
  kind: 'block',
  description: 'Block production: head height and age, stalls, intervals, divergence and forks',
  options: BlockOptions,
  defineMetrics: defineBlockMetrics,
  create(ctx, probe, metrics) {
    const targets = endpointsFor(ctx, probe);
    const watcher = new BlockWatcher(
      ctx,
      probe,
      metrics,
      targets.map((t) => t.name),
    );
    return {
      tasks: [
        ...targets.map((ep) => ({
          target: ep.name,
          run: (s: AbortSignal) => watcher.probeHead(ep.name, s),
        })),
        { target: 'network', run: (s: AbortSignal) => watcher.probeAgreement(s) },
      ],
      dispose: () => watcher.dispose(),
    };
  },
};
