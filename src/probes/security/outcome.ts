import type { ProbeResult } from '../../engine/probe-kind.js';
import type { ErrorClass } from '../../engine/error-class.js';
import { failure } from '../result.js';

/** What one security check found: findings for the status detail, and the first failure. */
export interface CheckOutcome {
  /** Short, redacted sentences naming what was found (addresses are public chain data). */
  findings: string[];
  /** Set when part of the check could not be made: the class of the first failure. */
  errorClass?: ErrorClass;
  failureDetail?: string;
  /** A class that fits a finding (chain id, genesis hash): the run is then marked failed. */
  findingClass?: ErrorClass;
}

/** Records the first failure of a check; later ones add nothing. */
export function noteFailure(outcome: CheckOutcome, err: unknown): void {
  if (outcome.errorClass !== undefined) return;
  const f = failure(err);
  outcome.errorClass = f.errorClass ?? 'internal';
  outcome.failureDetail = f.detail ?? 'failed';
}

/**
 * Turns an outcome into the run's result. A finding is a measurement (the metric carries it),
 * not a probe failure, so a run with findings and no failure is ok with the findings as detail.
 * A finding with a fitting class (chain id, genesis hash) marks the run failed with it.
 * Limitation: there is no dedicated error class for security findings, so other findings leave
 * the run ok and show only in the detail and the security metrics.
 */
export function toResult(outcome: CheckOutcome): ProbeResult {
  const detail = outcome.findings.length > 0 ? outcome.findings.join('; ') : undefined;
  if (outcome.errorClass !== undefined) {
    const text = [outcome.failureDetail, detail].filter((s) => s !== undefined).join('; ');
    return { ok: false, errorClass: outcome.errorClass, detail: text };
  }
  if (outcome.findingClass !== undefined && detail !== undefined) {
    return { ok: false, errorClass: outcome.findingClass, detail };
  }
  return detail === undefined ? { ok: true } : { ok: true, detail };
}
