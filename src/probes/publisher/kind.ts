import { Gauge, type Registry } from 'prom-client';
import { z } from 'zod';
import type { ProbeKind } from '../../engine/probe-kind.js';
import { Address, LabelName } from '../../config/schema.js';
import { ENDPOINTS_UNUSED, checkEndpoint, pickEndpoint } from '../oracle/endpoint.js';
import { PublisherWatcher } from './probe.js';

/** One publisher account: an address only. chainprobe never holds a key. */
export const AccountSchema = z.strictObject({
  name: LabelName.describe('Label value of the account, e.g. oracle-publisher-0.'),
  address: Address.describe("The account's address (20 bytes)."),
  minBalanceEther: z
    .number()
    .min(0)
    .optional()
    .describe('Balance below which the account is low_balance, ether; default: not checked.'),
  minRunwaySeconds: z
    .number()
    .positive()
    .optional()
    .describe('Runway below which the account is low_balance, seconds; default: not checked.'),
});
export type AccountConfig = z.output<typeof AccountSchema>;

/** Options of the `publisher` probe. */
export const PublisherOptions = z.strictObject({
  endpoint: LabelName.optional().describe(
    'Endpoint to read through; default the first gateway, else the first rpc endpoint.',
  ),
  accounts: z
    .array(AccountSchema)
    .min(1, 'must list at least one account')
    .describe('Accounts: name, address (never a key), minBalanceEther?, minRunwaySeconds?.'),
  spendWindowSeconds: z
    .number()
    .positive()
    .max(7 * 86_400)
    .default(3600)
    .describe('Window over which the spend rate (and so the runway) is measured, seconds.'),
  stuckAfterSeconds: z
    .number()
    .positive()
    .max(86_400)
    .default(60)
    .describe('A nonce gap with the latest nonce frozen this long is stuck_transaction, seconds.'),
});
export type PublisherOptions = z.output<typeof PublisherOptions>;

/** Metrics of the `publisher` probe, one series per account. */
export function definePublisherMetrics(registry: Registry) {
  const labelNames = ['publisher'] as const;
  const gauge = (name: string, help: string) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  return {
    balance: gauge(
      'chainprobe_publisher_balance_ether',
      'Balance of the publisher account, ether.',
    ),
    spend: gauge(
      'chainprobe_publisher_spend_ether_per_second',
      'Balance decreases over the spend window per second (absent until two readings).',
    ),
    runway: gauge(
      'chainprobe_publisher_runway_seconds',
      'Balance over spend rate: +Inf when nothing was spent in the window, absent until measured.',
    ),
    nonce: gauge('chainprobe_publisher_nonce', "The account's latest (mined) nonce."),
    nonceGap: gauge(
      'chainprobe_publisher_nonce_gap',
      'Pending minus latest nonce: transactions sent but not yet mined.',
    ),
    nonceUnchanged: gauge(
      'chainprobe_publisher_nonce_unchanged_seconds',
      'Seconds since chainprobe saw the latest nonce change (its last mined transaction).',
    ),
  };
}
export type PublisherMetrics = ReturnType<typeof definePublisherMetrics>;

/** The `publisher` kind: the oracle publisher's account: funds, runway and stuck transactions. */
export const publisherKind: ProbeKind<PublisherOptions, PublisherMetrics> = {
  kind: 'publisher',
  description: 'Oracle publisher accounts: balance, runway, nonce gap and last transaction',
  options: PublisherOptions,
  defineMetrics: definePublisherMetrics,
  check(probe, config) {
    const issues = checkEndpoint(probe.endpoint, config.endpoints);
    if (probe.endpoints !== undefined) issues.push(ENDPOINTS_UNUSED);
    const seen = new Set<string>();
    probe.accounts.forEach((a, i) => {
      if (seen.has(a.name)) issues.push(`accounts[${i}].name (${a.name}) is used twice`);
      seen.add(a.name);
    });
    return issues;
  },
  create(ctx, probe, metrics) {
    const endpoint = pickEndpoint(probe.endpoint, ctx.endpoints.values());
    if (endpoint === undefined) throw new Error(`probe ${probe.name}: no endpoint to read from`);
    const watcher = new PublisherWatcher(ctx, probe, metrics, endpoint);
    return {
      tasks: probe.accounts.map((account) => ({
        target: account.name,
        run: (signal: AbortSignal) => watcher.probeAccount(account, signal),
      })),
      dispose: () => watcher.dispose(),
    };
  },
};
