import type { DashboardUid, Incident } from '../catalogue/alerts.js';

/** Where a problem is explained and graphed: a runbook section and a Grafana dashboard. */
export interface ProblemLinks {
  /** global.runbookUrl + '#' + the incident's anchor. */
  runbook: string;
  /** global.grafanaUrl + '/d/' + dashboard uid; absent when grafanaUrl is not set. */
  dashboard?: string;
}

/** Which runbook incident and dashboard a probe kind's failures belong to. */
interface KindPlace {
  incident: Incident;
  dashboard: DashboardUid;
}

// The alert catalogue maps alerts (not probe kinds) to incidents, so the status page keeps this
// small table; the anchors are the catalogue's INCIDENTS keys, checked by its runbook test.
const KIND_PLACES: Readonly<Record<string, KindPlace>> = {
  rpc: { incident: 'rpc-endpoint-issues', dashboard: 'chainprobe-rpc' },
  block: { incident: 'network-outage', dashboard: 'chainprobe-overview' },
  'besu-health': { incident: 'rpc-endpoint-issues', dashboard: 'chainprobe-rpc' },
  validators: { incident: 'validator-failure', dashboard: 'chainprobe-validators' },
  oracle: { incident: 'oracle-update-failures', dashboard: 'chainprobe-oracle' },
  publisher: { incident: 'oracle-update-failures', dashboard: 'chainprobe-oracle' },
  breaker: { incident: 'oracle-update-failures', dashboard: 'chainprobe-oracle' },
  kubernetes: { incident: 'kubernetes-workload-issues', dashboard: 'chainprobe-kubernetes' },
  // A write that is not accepted or included: the network is not taking transactions.
  canary: { incident: 'network-outage', dashboard: 'chainprobe-overview' },
  security: { incident: 'security-incident', dashboard: 'chainprobe-overview' },
};

/** The probe kinds with a runbook place of their own (others link to chainprobe's section). */
export function placedKinds(): string[] {
  return Object.keys(KIND_PLACES);
}

const CHAINPROBE: KindPlace = {
  incident: 'chainprobe-not-probing',
  dashboard: 'chainprobe-overview',
};

/** Base URLs the links are built from (global.runbookUrl, global.grafanaUrl). */
export interface LinkBases {
  runbookUrl: string;
  grafanaUrl?: string;
}

// Kinds that probe one endpoint: when that endpoint is a validator node, the failure is a
// validator's.
const NODE_KINDS = new Set(['rpc', 'block', 'besu-health']);

/**
 * The runbook incident of a failing task. `config` and `internal` failures are chainprobe's own
 * problem whatever the kind; an endpoint check of a validator node is a validator failure.
 */
export function placeOfTask(kind: string, errorClass: string | null, role?: string): KindPlace {
  if (errorClass === 'config' || errorClass === 'internal') return CHAINPROBE;
  // Security findings are metrics, never failed runs: a failed security run could not reach or
  // read its endpoint, which is an endpoint problem like any rpc probe's.
  const place = kind === 'security' ? 'rpc' : kind;
  if (NODE_KINDS.has(place) && role === 'validator') return KIND_PLACES.validators ?? CHAINPROBE;
  return KIND_PLACES[place] ?? CHAINPROBE;
}

/** The place of a section that is not a task: validators, feeds, breakers. */
export function placeOfKind(kind: string): KindPlace {
  return KIND_PLACES[kind] ?? CHAINPROBE;
}

/** Links for a place, from the configured bases. */
export function linksFor(place: KindPlace, bases: LinkBases): ProblemLinks {
  const grafana = bases.grafanaUrl?.replace(/\/+$/, '');
  return {
    runbook: `${bases.runbookUrl}#${place.incident}`,
    ...(grafana ? { dashboard: `${grafana}/d/${place.dashboard}` } : {}),
  };
}

/** Every runbook anchor the status page may link to (for tests and the runbook check). */
export function linkedAnchors(): Incident[] {
  return [...new Set([...Object.values(KIND_PLACES), CHAINPROBE].map((p) => p.incident))];
}
