import { ConsensusError } from './errors.js';

/** Commit seals needed for N validators: ceil(2N/3) (Besu calculateRequiredValidatorQuorum). */
export function quorumSize(n: number): number {
  checkCount(n);
  return Math.floor((2 * n + 2) / 3);
}

/** Faulty validators N can tolerate: f = floor((N-1)/3), 0 for an empty set. */
export function faultTolerance(n: number): number {
  checkCount(n);
  return n === 0 ? 0 : Math.floor((n - 1) / 3);
}

function checkCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ConsensusError('bad-validator', `validator count ${n} is not a non-negative integer`);
  }
}

/**
 * Lowercases, de-duplicates and sorts addresses in unsigned byte order, which for 20-byte
 * addresses equals lowercase hex order (Besu keeps validators in a TreeSet).
 */
export function sortValidators(addrs: string[]): string[] {
  const unique = [...new Set(addrs.map((a) => a.toLowerCase()))];
  return unique.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Proposer of round `round` at height h, given the validators after h-1 and the coinbase of
 * h-1 (Besu BftProposerSelector). `changeEachBlock` defaults to true, as QBFT and IBFT2 use it.
 */
export function selectProposer(
  validators: string[],
  prevCoinbase: string,
  round: number,
  changeEachBlock = true,
): string {
  const sorted = sortValidators(validators);
  if (sorted.length === 0) throw new ConsensusError('bad-validator', 'validator set is empty');
  if (!Number.isSafeInteger(round) || round < 0) {
    throw new ConsensusError('bad-round', `round ${round} is not a non-negative integer`);
  }

  const prev = prevCoinbase.toLowerCase();
  const prevIndex = sorted.indexOf(prev);
  // A validator proposer hands over to the next one; otherwise (genesis coinbase 0x0, or a
  // proposer that voted itself out) the next validator above it starts, with no extra +1.
  const base =
    prevIndex >= 0
      ? prevIndex + (changeEachBlock ? 1 : 0)
      : Math.max(
          0,
          sorted.findIndex((v) => v > prev),
        );
  const proposer = sorted[(base + round) % sorted.length];
  if (proposer === undefined) throw new ConsensusError('bad-validator', 'no proposer found');
  return proposer;
}
