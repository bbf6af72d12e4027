import type { FeeFields } from './fees.js';

/** The canary's one transaction in flight (at most one, ever). */
export interface InFlight {
  nonce: number;
  /** Undefined for a transaction found pending at start (sent before a restart). */
  hash?: string;
  /** Wall clock when it was sent, ms; undefined when found at start. */
  sentAtMs?: number;
  /** Head when it was sent (or first seen). */
  sentAtBlock: number;
  fees?: FeeFields;
  /** Replacements sent for it so far. */
  replacements: number;
}

/** What the chain showed about the canary's account and the in-flight transaction. */
export interface InFlightObservation {
  head: number;
  latestNonce: number;
  pendingNonce: number;
  /** A receipt exists for the in-flight hash. */
  hasReceipt: boolean;
  /** eth_getTransactionByHash shows the in-flight hash in a block. */
  inBlock: boolean;
}

/** What to do about the in-flight transaction. */
export type InFlightVerdict =
  /** Its receipt is there: measure and clear. */
  | 'included'
  /** A transaction found at start was mined: clear and send afresh. */
  | 'settled'
  /** Still within maxInclusionBlocks: keep waiting. */
  | 'wait'
  /** Over maxInclusionBlocks and still pending: not_included; replace at the same nonce. */
  | 'stuck'
  /** Over maxInclusionBlocks and gone from the pool: not_included; derive the nonce afresh. */
  | 'dropped'
  /** Another transaction took its nonce. */
  | 'replaced'
  /** Mined, but the node has no receipt for it. */
  | 'receipt_missing';

/** Judges the in-flight transaction against what the chain shows; pure. */
export function judgeInFlight(
  tx: InFlight,
  obs: InFlightObservation,
  maxInclusionBlocks: number,
): InFlightVerdict {
  if (obs.hasReceipt) return 'included';
  if (obs.latestNonce > tx.nonce) {
    if (tx.hash === undefined) return 'settled';
    return obs.inBlock ? 'receipt_missing' : 'replaced';
  }
  if (obs.head - tx.sentAtBlock < maxInclusionBlocks) return 'wait';
  return obs.pendingNonce > tx.nonce ? 'stuck' : 'dropped';
}

/**
 * A transaction found in flight at start: pending above latest means one of this account's
 * transactions (a canary's from before a restart, or another sender's) holds `latestNonce`.
 */
export function adoptPending(
  latestNonce: number,
  pendingNonce: number,
  head: number,
): InFlight | undefined {
  if (pendingNonce <= latestNonce) return undefined;
  return { nonce: latestNonce, sentAtBlock: head, replacements: 0 };
}

/** Whether the balance allows another transaction: above the floor and covering its cost. */
export function judgeSpendCap(
  balanceWei: bigint,
  minBalanceWei: bigint,
  maxCostWei: bigint,
): 'ok' | 'below_floor' | 'cannot_pay' {
  if (balanceWei < minBalanceWei) return 'below_floor';
  if (balanceWei < maxCostWei) return 'cannot_pay';
  return 'ok';
}
