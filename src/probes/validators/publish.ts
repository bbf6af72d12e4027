import type { NetworkVerdict, ValidatorVerdict } from './judge.js';
import { PER_VALIDATOR_METRICS, type ValidatorsMetrics } from './metrics.js';

/** Which validators have series, and their configured display names. */
export interface LabelState {
  /** The followed endpoint: the `endpoint` label of every series. */
  endpoint: string;
  labelled: Set<string>;
  /** Display name by lowercase address. */
  names: ReadonlyMap<string, string>;
}

/**
 * Writes a judgement to the metrics: network gauges, per-validator gauges, and series for
 * validators that entered or left the labelled set. Returns the validators whose series were
 * deleted (they left the set and the window).
 */
export function publishVerdicts(
  metrics: ValidatorsMetrics,
  labels: LabelState,
  verdict: { validators: ValidatorVerdict[]; network: NetworkVerdict },
): string[] {
  publishNetwork(metrics, labels.endpoint, verdict.network);
  const current = new Set(verdict.validators.map((v) => v.address));
  for (const v of verdict.validators) {
    if (!labels.labelled.has(v.address)) addValidator(metrics, labels, v.address);
    publishValidator(metrics, labels.endpoint, v);
  }

  const departed = [...labels.labelled].filter((a) => !current.has(a));
  for (const address of departed) removeValidator(metrics, labels, address);
  labels.labelled = current;
  return departed;
}

function publishNetwork(m: ValidatorsMetrics, endpoint: string, n: NetworkVerdict): void {
  const labels = { endpoint };
  m.setSize.set(labels, n.validators);
  m.quorum.set(labels, n.quorum);
  m.faultTolerance.set(labels, n.faultTolerance);
  m.live.set(labels, n.live);
  m.margin.set(labels, n.margin);
  m.halted.set(labels, n.isHalted ? 1 : 0);
  m.windowBlocks.set(labels, n.windowBlocks);
}

function publishValidator(m: ValidatorsMetrics, endpoint: string, v: ValidatorVerdict): void {
  const labels = { endpoint, validator: v.address };
  m.windowProposals.set(labels, v.proposals);
  m.windowMissedSlots.set(labels, v.missed);
  m.blocksSinceSeen.set(labels, v.blocksSinceSeen);
  m.isLive.set(labels, v.isLive ? 1 : 0);
  setOrRemove(m.participation, labels, v.participation);
  setOrRemove(m.lastProposed, labels, v.lastProposedNumber);
  setOrRemove(m.lastProposedAge, labels, v.lastProposedAgeSeconds);
}

function setOrRemove(
  gauge: ValidatorsMetrics['participation'],
  labels: { endpoint: string; validator: string },
  value: number | null,
): void {
  if (value === null) gauge.remove(labels);
  else gauge.set(labels, value);
}

// Counters start at 0 so rate() and increase() see the first increment.
function addValidator(m: ValidatorsMetrics, labels: LabelState, address: string): void {
  const series = { endpoint: labels.endpoint, validator: address };
  m.info.set({ ...series, name: labels.names.get(address) ?? '' }, 1);
  m.proposals.inc(series, 0);
  m.missedSlots.inc(series, 0);
}

/** Deletes every series of one validator. */
export function removeValidator(m: ValidatorsMetrics, labels: LabelState, address: string): void {
  const series = { endpoint: labels.endpoint, validator: address };
  for (const key of PER_VALIDATOR_METRICS) m[key].remove(series);
  m.info.remove({ ...series, name: labels.names.get(address) ?? '' });
}
