import { z } from 'zod';
import type { ProbeKind } from '../../engine/probe-kind.js';
import { Address, LabelName } from '../../config/schema.js';
import { endpointsFor } from '../targets.js';
import { ACCOUNT_EVENTS, defineSecurityMetrics, type SecurityMetrics } from './metrics.js';
import { NAMED_SLOTS } from './contracts.js';
import { PRIVILEGED_METHODS, type PrivilegedMethod } from './methods.js';
import { createSecurityTasks, disposeSecurity } from './probe.js';

const Word = z
  .string()
  .regex(/^0x([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/, 'must be a 20-byte address or a 32-byte word');

const Fingerprint = z
  .string()
  .regex(/^([0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$/, 'must be a SHA-256 fingerprint (hex)');

const WatchedAccountSchema = z.strictObject({
  name: LabelName.describe('Label value of the account (the address never becomes a label).'),
  address: Address.describe('The account to watch, e.g. the oracle publisher.'),
  allowedDestinations: z
    .array(Address)
    .default([])
    .describe('Addresses it may send transactions to (feeds, contracts it operates).'),
  maxSpendPerHourEther: z
    .number()
    .positive()
    .optional()
    .describe('Largest balance decrease over one hour, in ether, before it counts as overspend.'),
});

const ContractCheckSchema = z
  .strictObject({
    name: LabelName.describe('Label value of the check, e.g. `eth-usd-feed-owner`.'),
    address: Address.describe('Contract to read.'),
    call: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*\(\)$/, 'must be a no-argument function, e.g. owner()')
      .optional()
      .describe('No-argument view function returning one word: owner(), implementation()...'),
    slot: z
      .union([z.enum(Object.keys(NAMED_SLOTS) as [string, ...string[]]), Word])
      .optional()
      .describe('Storage slot (32-byte hex, or eip1967.implementation / .admin / .beacon).'),
    expected: Word.optional().describe('Value it must hold; default the first value seen.'),
  })
  .refine((c) => (c.call === undefined) !== (c.slot === undefined), {
    message: 'set exactly one of call and slot',
  });

/** Options of the `security` probe. */
export const SecurityOptions = z.strictObject({
  chainEndpoint: LabelName.optional().describe(
    'Endpoint the chain-wide checks read (validators, accounts, contracts); default the first ' +
      'validator, else rpc, else any endpoint.',
  ),
  expectedValidators: z
    .array(Address)
    .min(1)
    .optional()
    .describe('Allow-list of validator addresses; default: the set first seen.'),
  watchedAccounts: z
    .array(WatchedAccountSchema)
    .default([])
    .describe('Accounts whose outgoing transactions, nonce and spending are watched.'),
  contractChecks: z
    .array(ContractCheckSchema)
    .default([])
    .describe('Control values of contracts that must not change (owner, proxy implementation).'),
  expectedGenesisHash: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, 'must be a 32-byte hash')
    .optional()
    .describe('Genesis block hash every endpoint must serve; default the first one seen.'),
  tlsPins: z
    .record(LabelName, Fingerprint)
    .default({})
    .describe('Certificate SHA-256 fingerprint per https endpoint; default the first one seen.'),
  acknowledgedMethods: z
    .array(
      z.enum(PRIVILEGED_METHODS.map((m) => m.method) as [PrivilegedMethod, ...PrivilegedMethod[]]),
    )
    .default([])
    .describe(
      'Privileged methods this network deliberately serves on its public endpoints (reviewed): ' +
        'they are not asked and report no exposure.',
    ),
  maxScanBlocks: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(100)
    .describe(
      'Most blocks scanned per run for watched-account transactions; a longer gap re-baselines ' +
        'the nonce check.',
    ),
});
export type SecurityOptions = z.output<typeof SecurityOptions>;

/**
 * The `security` kind: privileged API exposure of public endpoints, validator-set drift and
 * unexpected votes, watched-account transfers, contract control drift, and endpoint identity
 * (chain id, genesis, TLS certificate).
 */
export const securityKind: ProbeKind<SecurityOptions, SecurityMetrics> = {
  kind: 'security',
  description:
    'Security signals: exposed admin/debug APIs, validator-set drift, watched-account ' +
    'transfers, contract owner drift, endpoint identity and TLS certificates',
  options: SecurityOptions,
  defineMetrics: (registry) => defineSecurityMetrics(registry),
  check(probe, config) {
    const names = new Set(config.endpoints.map((e) => e.name));
    const errors: string[] = [];
    if (probe.chainEndpoint !== undefined && !names.has(probe.chainEndpoint))
      errors.push(`chainEndpoint (${probe.chainEndpoint}) is not a configured endpoint`);
    for (const ep of Object.keys(probe.tlsPins)) {
      const url = config.endpoints.find((e) => e.name === ep)?.url;
      if (url === undefined) errors.push(`tlsPins.${ep} is not a configured endpoint`);
      else if (!url.startsWith('https://')) errors.push(`tlsPins.${ep}: the endpoint is not https`);
    }
    errors.push(
      ...duplicates(
        probe.watchedAccounts.map((a) => a.name),
        'watchedAccounts',
      ),
    );
    errors.push(
      ...duplicates(
        probe.contractChecks.map((c) => c.name),
        'contractChecks',
      ),
    );
    return errors;
  },
  create(ctx, probe, metrics) {
    const targets = endpointsFor(ctx, probe);
    const { tasks, close } = createSecurityTasks(ctx, probe, metrics, targets);
    // Counters start at 0 so that increase() sees the first event.
    for (const a of probe.watchedAccounts) {
      for (const cls of ACCOUNT_EVENTS)
        metrics.accountEvents.inc({ account: a.name, class: cls }, 0);
      if (a.maxSpendPerHourEther !== undefined)
        metrics.accountSpendLimit.set({ account: a.name }, a.maxSpendPerHourEther);
    }
    return {
      tasks,
      dispose: async () => {
        disposeSecurity(probe, metrics, targets);
        await close();
      },
    };
  },
};

function duplicates(names: string[], path: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const n of names) {
    if (seen.has(n)) out.push(`${path}: name ${n} is used twice`);
    seen.add(n);
  }
  return out;
}
