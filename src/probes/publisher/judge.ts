import { formatEther } from 'ethers';

/** The closed set of publisher account verdicts; each but `ok` is also an error class. */
export const PUBLISHER_STATES = ['ok', 'low_balance', 'stuck_transaction'] as const;

/** One publisher account verdict; see PUBLISHER_STATES. */
export type PublisherState = (typeof PUBLISHER_STATES)[number];

/** One balance reading. */
export interface BalanceSample {
  atMs: number;
  wei: bigint;
}

/** What the judge remembers of an account between runs. */
export interface PublisherMemory {
  /** Balance readings inside the spend window, oldest first. */
  samples: BalanceSample[];
  nonce: number;
  /** Wall ms when chainprobe saw the latest nonce change; null until it has. */
  nonceChangedAt: number | null;
  firstSeenAt: number;
  /** Wall ms since when pending has been above latest with latest unchanged; null: no gap. */
  gapSince: number | null;
}

/** One reading of the account: balance and both nonces. */
export interface PublisherObservation {
  balanceWei: bigint;
  latestNonce: number;
  pendingNonce: number;
  nowMs: number;
}

/** The thresholds an account is judged by. */
export interface PublisherRules {
  spendWindowSeconds: number;
  stuckAfterSeconds: number;
  minBalanceEther?: number | undefined;
  minRunwaySeconds?: number | undefined;
}

/** The verdict on one reading. */
export interface PublisherVerdict {
  state: PublisherState;
  balanceEther: number;
  /** Ether spent per second over the window; null until two readings span some time. */
  spendEtherPerSecond: number | null;
  /** Balance over spend rate; +Infinity when nothing was spent in the window; null if unknown. */
  runwaySeconds: number | null;
  /** pending minus latest nonce: transactions sent but not mined. */
  nonceGap: number;
  /** Seconds since chainprobe saw the latest nonce change (or since it first looked). */
  nonceUnchangedSeconds: number;
  memory: PublisherMemory;
}

// Limitation: on a zero-gas-price chain (Besu zeroBaseFee with min gas price 0) nothing is ever
// spent, so the runway stays +Inf and only minBalanceEther can flag an empty account.

// Bounds memory when the window is long and the interval short; the window then shrinks.
const MAX_SAMPLES = 4096;

/** Judges one reading of a publisher account against the previous ones. */
export function judgePublisher(
  prev: PublisherMemory | undefined,
  obs: PublisherObservation,
  rules: PublisherRules,
): PublisherVerdict {
  const memory = remember(prev, obs, rules);
  const balanceEther = Number(formatEther(obs.balanceWei));
  const spendEtherPerSecond = spendRate(memory.samples);
  const runwaySeconds =
    spendEtherPerSecond === null
      ? null
      : spendEtherPerSecond === 0
        ? Number.POSITIVE_INFINITY
        : balanceEther / spendEtherPerSecond;
  const stuck =
    memory.gapSince !== null && obs.nowMs - memory.gapSince >= rules.stuckAfterSeconds * 1000;
  const low =
    (rules.minBalanceEther !== undefined && balanceEther < rules.minBalanceEther) ||
    (rules.minRunwaySeconds !== undefined &&
      runwaySeconds !== null &&
      runwaySeconds < rules.minRunwaySeconds);
  return {
    state: stuck ? 'stuck_transaction' : low ? 'low_balance' : 'ok',
    balanceEther,
    spendEtherPerSecond,
    runwaySeconds,
    nonceGap: Math.max(0, obs.pendingNonce - obs.latestNonce),
    nonceUnchangedSeconds: (obs.nowMs - (memory.nonceChangedAt ?? memory.firstSeenAt)) / 1000,
    memory,
  };
}

/**
 * Ether spent per second: the sum of balance decreases between readings over the time they
 * span. Increases (top-ups) are not spend and do not offset it.
 */
export function spendRate(samples: readonly BalanceSample[]): number | null {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || last.atMs <= first.atMs) return null;
  let spent = 0n;
  for (let i = 1; i < samples.length; i++) {
    const drop = (samples[i - 1] as BalanceSample).wei - (samples[i] as BalanceSample).wei;
    if (drop > 0n) spent += drop;
  }
  return Number(formatEther(spent)) / ((last.atMs - first.atMs) / 1000);
}

function remember(
  prev: PublisherMemory | undefined,
  obs: PublisherObservation,
  rules: PublisherRules,
): PublisherMemory {
  const horizon = obs.nowMs - rules.spendWindowSeconds * 1000;
  const old = prev?.samples ?? [];
  const inWindow = old.filter((s) => s.atMs >= horizon);
  // With an interval longer than the window, the last reading still anchors the rate.
  const kept = inWindow.length > 0 ? inWindow : old.slice(-1);
  const samples = [...kept, { atMs: obs.nowMs, wei: obs.balanceWei }].slice(-MAX_SAMPLES);
  const nonceMoved = prev !== undefined && prev.nonce !== obs.latestNonce;
  const nonceChangedAt = nonceMoved ? obs.nowMs : (prev?.nonceChangedAt ?? null);
  // A gap while the nonce advances is a busy publisher; a gap with the nonce frozen is a stuck one.
  const hasGap = obs.pendingNonce > obs.latestNonce;
  const gapSince = !hasGap
    ? null
    : nonceMoved || prev?.gapSince == null
      ? obs.nowMs
      : prev.gapSince;
  return {
    samples,
    nonce: obs.latestNonce,
    nonceChangedAt,
    firstSeenAt: prev?.firstSeenAt ?? obs.nowMs,
    gapSince,
  };
}
