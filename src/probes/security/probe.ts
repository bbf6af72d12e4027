import { clientTlsOf } from '../../config/client-tls.js';
import type { EndpointConfig, ProbeCommon } from '../../config/schema.js';
import type { ProbeContext, ProbeResult, ProbeTask } from '../../engine/probe-kind.js';
import { RpcClient } from '../../rpc/client.js';
import { failure } from '../result.js';
import { AccountWatcher } from './accounts.js';
import { ContractWatcher } from './contracts.js';
import { checkExposure, removeExposure } from './exposure.js';
import { IdentityTracker } from './identity.js';
import type { SecurityOptions } from './kind.js';
import { IDENTITY_FACETS, ACCOUNT_EVENTS, type SecurityMetrics } from './metrics.js';
import { toResult, type CheckOutcome } from './outcome.js';
import { ValidatorSetTracker } from './validator-set.js';

type Probe = ProbeCommon & SecurityOptions;

/** The fixed targets of the chain-wide tasks (endpoint tasks use the endpoint name). */
export const SECURITY_TARGETS = {
  validators: 'validator-set',
  accounts: 'watched-accounts',
  contracts: 'contract-control',
} as const;

/** Endpoints whose privileged methods are checked: role gateway or marked public. */
export function isPublic(ep: EndpointConfig): boolean {
  return ep.public || ep.role === 'gateway';
}

/** The endpoint chain-wide checks read by default: a validator, else an RPC node, else any. */
export function defaultChainEndpoint(endpoints: readonly EndpointConfig[]): string | undefined {
  const order: Array<EndpointConfig['role']> = ['validator', 'rpc', 'gateway'];
  for (const role of order) {
    const hit = endpoints.find((e) => e.role === role);
    if (hit) return hit.name;
  }
  return undefined;
}

/** The tasks of one security probe and what must be closed when it leaves the config. */
export interface SecurityTasks {
  tasks: ProbeTask[];
  close(): Promise<void>;
}

/**
 * The tasks of one security probe: one per endpoint (identity, plus exposure when public) and
 * one per chain-wide check that has something to watch. Must not do I/O.
 */
export function createSecurityTasks(
  ctx: ProbeContext,
  probe: Probe,
  metrics: SecurityMetrics,
  targets: readonly EndpointConfig[],
): SecurityTasks {
  const identity = new IdentityTracker(
    {
      chainId: ctx.global.chainId,
      genesisHash: probe.expectedGenesisHash,
      tlsPins: probe.tlsPins,
    },
    metrics,
  );
  const privileged = new Map(
    targets.filter(isPublic).map((ep) => [ep.name, privilegedClient(ctx, ep)] as const),
  );
  const tasks: ProbeTask[] = targets.map((ep) => ({
    target: ep.name,
    run: (signal) =>
      runEndpoint(ctx, probe, ep, identity, privileged.get(ep.name), metrics, signal),
  }));
  tasks.push(...chainTasks(ctx, probe, metrics, targets));
  const close = async (): Promise<void> => {
    await Promise.all([...privileged.values()].map((c) => c.close()));
  };
  return { tasks, close };
}

/**
 * A client of its own for the privileged-method requests, without the transport metrics: they
 * are refused by design, and counting the refusals would raise the endpoint's error ratio
 * (RpcEndpointErrors) on every healthy gateway.
 */
function privilegedClient(ctx: ProbeContext, ep: EndpointConfig): RpcClient {
  return new RpcClient({
    url: ep.url,
    ...(ep.headers ? { headers: ep.headers } : {}),
    tls: clientTlsOf(ep),
    maxConnections: 1,
    maxResponseBytes: ctx.global.maxResponseBytes,
  });
}

function chainTasks(
  ctx: ProbeContext,
  probe: Probe,
  metrics: SecurityMetrics,
  targets: readonly EndpointConfig[],
): ProbeTask[] {
  const chain = probe.chainEndpoint ?? defaultChainEndpoint(targets);
  if (chain === undefined) return [];
  const validators = new ValidatorSetTracker(probe.expectedValidators, metrics);
  const tasks = [
    chainTask(ctx, chain, SECURITY_TARGETS.validators, (r, s) => validators.check(r, s)),
  ];
  if (probe.watchedAccounts.length > 0) {
    const accounts = new AccountWatcher(probe.watchedAccounts, probe.maxScanBlocks, metrics, () =>
      ctx.now(),
    );
    tasks.push(chainTask(ctx, chain, SECURITY_TARGETS.accounts, (r, s) => accounts.check(r, s)));
  }
  if (probe.contractChecks.length > 0) {
    const contracts = new ContractWatcher(probe.contractChecks, metrics);
    tasks.push(chainTask(ctx, chain, SECURITY_TARGETS.contracts, (r, s) => contracts.check(r, s)));
  }
  return tasks;
}

async function runEndpoint(
  ctx: ProbeContext,
  probe: Probe,
  ep: EndpointConfig,
  identity: IdentityTracker,
  privileged: RpcClient | undefined,
  metrics: SecurityMetrics,
  signal: AbortSignal,
): Promise<ProbeResult> {
  const outcome = await identity.check(ep, ctx.rpc(ep.name), signal);
  if (privileged) {
    const acknowledged = probe.acknowledgedMethods;
    merge(outcome, await checkExposure(privileged, ep.name, metrics, acknowledged, signal));
  }
  return toResult(outcome);
}

function merge(into: CheckOutcome, from: CheckOutcome): void {
  into.findings.push(...from.findings);
  if (into.errorClass === undefined && from.errorClass !== undefined) {
    into.errorClass = from.errorClass;
    into.failureDetail = from.failureDetail;
  }
}

function chainTask(
  ctx: ProbeContext,
  endpoint: string,
  target: string,
  check: (rpc: RpcClient, signal: AbortSignal) => Promise<CheckOutcome>,
): ProbeTask {
  return {
    target,
    run: async (signal) => {
      try {
        return toResult(await check(ctx.rpc(endpoint), signal));
      } catch (err) {
        return failure(err);
      }
    },
  };
}

/** Deletes the series this probe created. */
export function disposeSecurity(
  probe: Probe,
  metrics: SecurityMetrics,
  targets: readonly EndpointConfig[],
): void {
  for (const ep of targets) {
    removeExposure(metrics, ep.name);
    for (const what of IDENTITY_FACETS) metrics.identityChanged.remove({ endpoint: ep.name, what });
    metrics.certExpiry.remove({ endpoint: ep.name });
  }
  for (const a of probe.watchedAccounts) {
    for (const cls of ACCOUNT_EVENTS) metrics.accountEvents.remove({ account: a.name, class: cls });
    metrics.accountSpent.remove({ account: a.name });
    metrics.accountSpendLimit.remove({ account: a.name });
  }
  for (const c of probe.contractChecks) metrics.contractDrift.remove({ check: c.name });
  for (const m of [
    metrics.validatorsUnexpected,
    metrics.validatorsMissing,
    metrics.votesUnexpected,
  ])
    m.reset();
  metrics.validatorSetChanges.reset();
}
