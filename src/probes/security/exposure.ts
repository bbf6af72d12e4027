import type { RpcClient } from '../../rpc/client.js';
import { judgeMethodAnswer } from './judge.js';
import { PRIVILEGED_METHODS, type PrivilegedMethod } from './methods.js';
import type { SecurityMetrics } from './metrics.js';
import { noteFailure, type CheckOutcome } from './outcome.js';

/**
 * Asks a public endpoint for each method on the reviewed list, one at a time, and sets
 * chainprobe_security_method_exposed per method. A method whose answer proves nothing (timeout,
 * 429, 5xx) keeps its last value and fails the run with that class.
 */
export async function checkExposure(
  rpc: RpcClient,
  endpoint: string,
  metrics: SecurityMetrics,
  acknowledged: readonly PrivilegedMethod[],
  signal: AbortSignal,
): Promise<CheckOutcome> {
  const outcome: CheckOutcome = { findings: [] };
  const exposed: string[] = [];
  for (const { method, params } of PRIVILEGED_METHODS) {
    if (signal.aborted) break;
    if (acknowledged.includes(method)) continue;
    let error: unknown;
    try {
      await rpc.call(method, [...params], { signal });
    } catch (err) {
      error = err;
    }
    const verdict = judgeMethodAnswer(error);
    if (verdict === 'unknown') {
      noteFailure(outcome, error);
      continue;
    }
    metrics.methodExposed.set({ endpoint, method }, verdict === 'exposed' ? 1 : 0);
    if (verdict === 'exposed') exposed.push(method);
  }
  if (exposed.length > 0) outcome.findings.push(`privileged methods served: ${exposed.join(', ')}`);
  return outcome;
}

/** Deletes the exposure series of `endpoint`. */
export function removeExposure(metrics: SecurityMetrics, endpoint: string): void {
  for (const { method } of PRIVILEGED_METHODS) metrics.methodExposed.remove({ endpoint, method });
}
