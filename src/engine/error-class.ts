/**
 * The closed set of failure classes. A class is the only part of a failure that ever becomes a
 * metric label, so the set is small, fixed and never built from text an endpoint controls.
 */
export const ERROR_CLASSES = [
  // Transport
  'timeout',
  'connection_refused',
  'connection_reset',
  'dns',
  'tls',
  'network',
  'http_redirect',
  'http_4xx',
  'http_5xx',
  'unauthorized',
  'forbidden',
  'not_found',
  'rate_limited',
  'body_too_large',
  // JSON-RPC
  'invalid_json',
  'invalid_response',
  'rpc_error',
  'method_unavailable',
  'null_result',
  'bad_response',
  'chain_id_mismatch',
  // Consensus data
  'bad_extra_data',
  'bad_header',
  'hash_mismatch',
  // Block production
  'head_stalled',
  'no_fresh_data',
  // Contracts
  'reverted',
  // Oracle feed verdicts
  'no_data',
  'answer_not_positive',
  'answer_out_of_bounds',
  'future_update',
  'stale',
  'stalled_answer',
  // Publisher account and circuit breaker
  'low_balance',
  'stuck_transaction',
  'unmapped_state',
  // Write-path canary (sending its own transaction)
  'rejected_nonce_too_low',
  'rejected_underpriced',
  'rejected_pool_full',
  'insufficient_funds',
  'send_refused',
  'not_included',
  'replaced',
  'receipt_missing',
  // Probe itself
  'config',
  'aborted',
  'internal',
] as const;

/** One failure class; see ERROR_CLASSES. */
export type ErrorClass = (typeof ERROR_CLASSES)[number];

/** True when `value` names a known failure class. */
export function isErrorClass(value: string): value is ErrorClass {
  return (ERROR_CLASSES as readonly string[]).includes(value);
}

/**
 * Failure classes that judge data the run did read: the chain, feed or account answered and the
 * answer is bad. What was read is current (the status page shows it as such); every other class
 * means the run could not read its data.
 */
const VERDICT_CLASSES: ReadonlySet<string> = new Set<ErrorClass>([
  'chain_id_mismatch',
  'hash_mismatch',
  'head_stalled',
  'answer_not_positive',
  'answer_out_of_bounds',
  'future_update',
  'stale',
  'stalled_answer',
  'low_balance',
  'stuck_transaction',
  'unmapped_state',
]);

/** True when `value` is a verdict on data the run did read (see VERDICT_CLASSES). */
export function isVerdictClass(value: string): boolean {
  return VERDICT_CLASSES.has(value);
}
