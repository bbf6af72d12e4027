import { Counter, Gauge, type Registry } from 'prom-client';
import { z } from 'zod';
import type { ProbeKind } from '../../engine/probe-kind.js';
import { Address, LabelName } from '../../config/schema.js';
import { ENDPOINTS_UNUSED, checkEndpoint, pickEndpoint } from './endpoint.js';
import { FeedWatcher } from './probe.js';

/** One AggregatorV3 feed to watch. Answers bounds are in whole units (after decimals). */
export const FeedSchema = z.strictObject({
  name: LabelName.describe('Label value of the feed, e.g. ETH-USD.'),
  address: Address.describe('The feed (or its proxy) contract.'),
  heartbeatSeconds: z
    .number()
    .positive()
    .max(31 * 86_400)
    .describe("The feed's own heartbeat: the longest it may go without an update, seconds."),
  decimals: z
    .number()
    .int()
    .min(0)
    .max(77)
    .optional()
    .describe(
      'Expected decimals(); used when the contract has no decimals() and checked when it has.',
    ),
  minAnswer: z
    .number()
    .optional()
    .describe('Lowest sane answer, whole units; below is answer_out_of_bounds.'),
  maxAnswer: z
    .number()
    .optional()
    .describe('Highest sane answer, whole units; above is answer_out_of_bounds.'),
  stalledAfterHeartbeats: z
    .number()
    .positive()
    .max(10_000)
    .optional()
    .describe(
      'Answer unchanged for more than this many heartbeats is stalled_answer; default: off.',
    ),
});
export type FeedConfig = z.output<typeof FeedSchema>;

/** Options of the `oracle` probe. */
export const OracleOptions = z.strictObject({
  endpoint: LabelName.optional().describe(
    'Endpoint to read through; default the first gateway, else the first rpc endpoint.',
  ),
  feeds: z
    .array(FeedSchema)
    .min(1, 'must list at least one feed')
    .describe(
      'Feeds: name, address, heartbeatSeconds, decimals?, minAnswer?, maxAnswer?, ' +
        'stalledAfterHeartbeats?.',
    ),
  graceSeconds: z
    .number()
    .min(0)
    .max(86_400)
    .default(10)
    .describe("Slack beyond a feed's heartbeat before it is stale, seconds."),
  futureToleranceSeconds: z
    .number()
    .min(0)
    .max(3600)
    .default(5)
    .describe("How far updatedAt may run ahead of the head block or chainprobe's clock, seconds."),
  chainHaltedAfterSeconds: z
    .number()
    .positive()
    .max(86_400)
    .optional()
    .describe(
      'Head age beyond which a stale feed is blamed on a halted chain; default 5 block periods.',
    ),
});
export type OracleOptions = z.output<typeof OracleOptions>;

// Limitation: series are keyed by feed name alone, so two oracle probes naming the same feed
// share (and overwrite) its series; names are checked for uniqueness within one probe only.

/** Metrics of the `oracle` probe, one series per feed (and per state where stated). */
export function defineOracleMetrics(registry: Registry) {
  const r = [registry];
  const labelNames = ['feed'] as const;
  const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames, registers: r });
  const counter = (name: string, help: string) =>
    new Counter({ name, help, labelNames, registers: r });
  return {
    answer: gauge('chainprobe_oracle_answer', 'Latest answer scaled by decimals (a double).'),
    updated: gauge(
      'chainprobe_oracle_updated_timestamp_seconds',
      'updatedAt of the latest round (Unix seconds).',
    ),
    wallAge: gauge(
      'chainprobe_oracle_update_age_seconds',
      "chainprobe's clock minus the latest round's updatedAt (negative: in the future).",
    ),
    chainAge: gauge(
      'chainprobe_oracle_update_chain_age_seconds',
      "Head block timestamp minus the latest round's updatedAt: the age contracts see.",
    ),
    headAge: gauge(
      'chainprobe_oracle_head_age_seconds',
      "chainprobe's clock minus the timestamp of the head block the feed was read at.",
    ),
    heartbeat: gauge('chainprobe_oracle_heartbeat_seconds', 'Configured heartbeat of the feed.'),
    unchanged: gauge(
      'chainprobe_oracle_answer_unchanged_seconds',
      'Chain seconds the answer has stayed the same (counted from first sight at start-up).',
    ),
    decimals: gauge(
      'chainprobe_oracle_decimals',
      'decimals() of the feed (or the configured value).',
    ),
    state: new Gauge({
      name: 'chainprobe_oracle_feed_state',
      help: 'Feed verdict: 1 for the current state, 0 for the others.',
      labelNames: ['feed', 'state'] as const,
      registers: r,
    }),
    staleCause: new Gauge({
      name: 'chainprobe_oracle_stale_cause',
      help:
        'Why a stale feed is stale (chain_halted, chain_advancing), or none: ' +
        '1 for the current one.',
      labelNames: ['feed', 'cause'] as const,
      registers: r,
    }),
    roundChanges: counter(
      'chainprobe_oracle_round_changes_total',
      'Times chainprobe saw the latest roundId change (the exact roundId is in the status detail).',
    ),
    answerChanges: counter(
      'chainprobe_oracle_answer_changes_total',
      'Times chainprobe saw the latest answer change.',
    ),
  };
}
export type OracleMetrics = ReturnType<typeof defineOracleMetrics>;

/** The `oracle` kind: AggregatorV3 feed freshness, sanity and progress, one task per feed. */
export const oracleKind: ProbeKind<OracleOptions, OracleMetrics> = {
  kind: 'oracle',
  description: 'AggregatorV3 price feeds: freshness by chain and wall time, bad answers, stalls',
  options: OracleOptions,
  defineMetrics: defineOracleMetrics,
  check(probe, config) {
    const issues = checkEndpoint(probe.endpoint, config.endpoints);
    if (probe.endpoints !== undefined) issues.push(ENDPOINTS_UNUSED);
    const seen = new Set<string>();
    probe.feeds.forEach((f, i) => {
      if (seen.has(f.name)) issues.push(`feeds[${i}].name (${f.name}) is used twice`);
      seen.add(f.name);
      if (f.minAnswer !== undefined && f.maxAnswer !== undefined && f.minAnswer >= f.maxAnswer) {
        issues.push(
          `feeds[${i}].minAnswer (${f.minAnswer}) must be below maxAnswer (${f.maxAnswer})`,
        );
      }
    });
    return issues;
  },
  create(ctx, probe, metrics) {
    const endpoint = pickEndpoint(probe.endpoint, ctx.endpoints.values());
    if (endpoint === undefined) throw new Error(`probe ${probe.name}: no endpoint to read feeds`);
    const watcher = new FeedWatcher(ctx, probe, metrics, endpoint);
    return {
      tasks: probe.feeds.map((feed) => ({
        target: feed.name,
        run: (signal: AbortSignal) => watcher.probeFeed(feed, signal),
      })),
      dispose: () => watcher.dispose(),
    };
  },
};
