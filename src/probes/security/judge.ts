import { RpcError } from '../../rpc/errors.js';

/** What one privileged-method request showed: the method is served, refused, or unknown. */
export type Exposure = 'exposed' | 'closed' | 'unknown';

/**
 * Judges the answer to a privileged-method request: `error` is what the call threw, undefined
 * when it returned a result. Only "not found"/"not enabled" (-32601/-32604) and HTTP 4xx
 * refusals count as closed; any other JSON-RPC answer (a result, -32602 Invalid params, an
 * internal error) shows the method is served. Transport failures and 429/5xx prove nothing.
 */
export function judgeMethodAnswer(error: unknown): Exposure {
  if (error === undefined) return 'exposed';
  if (!(error instanceof RpcError)) return 'unknown';
  switch (error.code) {
    case 'method_unavailable':
    case 'forbidden':
    case 'unauthorized':
    case 'not_found':
    case 'http_4xx':
      return 'closed';
    case 'rpc_error':
    case 'null_result':
      return 'exposed';
    default:
      return 'unknown';
  }
}

/** How the validator set compares with the allow-list and with the last observation. */
export interface ValidatorSetVerdict {
  /** In the set, not on the allow-list (empty without an allow-list). */
  unexpected: string[];
  /** On the allow-list, not in the set. */
  missing: string[];
  /** The set differs from the previous observation (false on the first). */
  changed: boolean;
}

/** Compares the current validator set (lowercase addresses) with `allowList` and `previous`. */
export function judgeValidatorSet(
  current: readonly string[],
  allowList: readonly string[] | undefined,
  previous: readonly string[] | undefined,
): ValidatorSetVerdict {
  const set = new Set(current);
  const allowed = new Set(allowList ?? current);
  const before = new Set(previous ?? current);
  return {
    unexpected: current.filter((v) => !allowed.has(v)),
    missing: [...allowed].filter((v) => !set.has(v)),
    changed: set.size !== before.size || current.some((v) => !before.has(v)),
  };
}

/** A validator vote: add or drop `recipient`. */
export interface VoteView {
  recipient: string;
  add: boolean;
}

/**
 * The votes that would move the set away from the allow-list: adding an address not on it or
 * dropping one on it. Without an allow-list the current set stands in for it, so any vote to
 * change the set counts.
 */
export function judgeVotes(
  votes: readonly VoteView[],
  allowList: readonly string[] | undefined,
  current: readonly string[],
): VoteView[] {
  const allowed = new Set(allowList ?? current);
  return votes.filter((v) => (v.add ? !allowed.has(v.recipient) : allowed.has(v.recipient)));
}

/** Decodes qbft_getPendingVotes (`{"0xaddr": true|false}`) into votes. */
export function decodePendingVotes(result: unknown): VoteView[] {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) {
    throw new RpcError('bad_response', 'qbft_getPendingVotes is not an object');
  }
  return Object.entries(result as Record<string, unknown>).map(([recipient, add]) => {
    if (typeof add !== 'boolean' || !/^0x[0-9a-fA-F]{40}$/.test(recipient)) {
      throw new RpcError('bad_response', 'qbft_getPendingVotes has a malformed entry');
    }
    return { recipient: recipient.toLowerCase(), add };
  });
}

/** A transaction as the accounts check reads it from a full block. */
export interface TxView {
  hash: string;
  from: string;
  /** Null for a contract creation. */
  to: string | null;
  blockNumber: number;
}

/** A watched account as the judge needs it. */
export interface WatchedView {
  address: string;
  allowedDestinations: readonly string[];
}

/**
 * The watched account's transactions among `txs` and those to a destination off its
 * allow-list (a contract creation is always off it).
 */
export function judgeTransfers(
  txs: readonly TxView[],
  account: WatchedView,
): { sent: TxView[]; unexpected: TxView[] } {
  const allowed = new Set(account.allowedDestinations);
  const sent = txs.filter((tx) => tx.from === account.address);
  return { sent, unexpected: sent.filter((tx) => tx.to === null || !allowed.has(tx.to)) };
}

/** Nonce advances not matched by a transaction seen in the scanned blocks (0 if none). */
export function judgeNonce(previous: number, current: number, seen: number): number {
  return Math.max(0, current - previous - seen);
}

/** A balance decrease seen at a time. */
export interface SpendSample {
  atMs: number;
  wei: bigint;
}

/**
 * Adds the decrease from `previousWei` to `currentWei` (none if the balance rose) to the
 * samples, drops those older than an hour, and returns them with their sum in wei.
 */
export function judgeSpend(
  samples: readonly SpendSample[],
  previousWei: bigint,
  currentWei: bigint,
  nowMs: number,
): { samples: SpendSample[]; spentWei: bigint } {
  const drop = previousWei - currentWei;
  const kept = samples.filter((s) => s.atMs > nowMs - 3_600_000);
  if (drop > 0n) kept.push({ atMs: nowMs, wei: drop });
  return { samples: kept, spentWei: kept.reduce((sum, s) => sum + s.wei, 0n) };
}

/**
 * Normalises a 32-byte word or a 20-byte address to a lowercase 32-byte word, so an expected
 * owner written as an address compares with an eth_call or eth_getStorageAt result.
 */
export function normaliseWord(value: string): string {
  const hex = value.toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]{1,64}$/.test(hex)) {
    throw new RpcError('bad_response', 'contract value is not a 32-byte word');
  }
  return `0x${hex.padStart(64, '0')}`;
}

/** Whether a value differs from its reference (the configured one, else the first seen). */
export function judgeDrift(
  observed: string,
  expected: string | undefined,
  firstSeen: string | undefined,
): { drift: boolean; reference: string } {
  const reference = expected ?? firstSeen ?? observed;
  return { drift: observed !== reference, reference };
}

/** Shortens a word holding an address to the address, for details ("0x" + 40 hex). */
export function wordToAddress(word: string): string {
  return /^0x0{24}[0-9a-f]{40}$/.test(word) ? `0x${word.slice(26)}` : word;
}
