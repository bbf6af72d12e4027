import { formatUnits } from 'ethers';
import type { RoundData } from './decode.js';

/**
 * The closed set of feed states, exported as `chainprobe_oracle_feed_state{state}` (exactly one
 * at 1). Every state but `ok` and `unknown` is also the run's error class.
 */
export const FEED_STATES = [
  'ok',
  'no_data',
  'reverted',
  'future_update',
  'answer_not_positive',
  'answer_out_of_bounds',
  'stale',
  'stalled_answer',
  'unknown',
] as const;

/** One feed state; see FEED_STATES. `unknown`: the feed could not be read (transport, decoding). */
export type FeedState = (typeof FEED_STATES)[number];

/** Why a stale feed is stale; `none` when it is not stale. */
export const STALE_CAUSES = ['none', 'chain_halted', 'chain_advancing'] as const;

/** One stale cause; see STALE_CAUSES. */
export type StaleCause = (typeof STALE_CAUSES)[number];

/** The rules one feed is judged by (seconds; answers in whole units after decimals). */
export interface FeedRules {
  heartbeatSeconds: number;
  /** Slack beyond the heartbeat before a feed is stale (publishing and block latency). */
  graceSeconds: number;
  /** How far updatedAt may be ahead of the head block or of chainprobe's clock. */
  futureToleranceSeconds: number;
  /** Head age beyond which a stale feed is blamed on a halted chain. */
  chainHaltedAfterSeconds: number;
  minAnswer?: number | undefined;
  maxAnswer?: number | undefined;
  /** Answer unchanged for more than this many heartbeats is stalled; undefined: not checked. */
  stalledAfterHeartbeats?: number | undefined;
}

/** What the judge remembers of a feed between runs. */
export interface FeedMemory {
  roundId: bigint;
  answer: bigint;
  /** updatedAt (Unix s) of the first round seen with the current answer. */
  answerSince: number;
  updatedAt: number;
}

/** One observation: the latest round, read at a head block. */
export interface FeedObservation {
  round: RoundData;
  decimals: number;
  headTimestamp: number;
  nowMs: number;
}

/** The verdict on one observation of a feed. */
export interface FeedVerdict {
  state: FeedState;
  cause: StaleCause;
  /** The answer scaled by decimals (a double: for dashboards, not for accounting). */
  answer: number;
  /** Head block timestamp minus updatedAt, seconds. */
  chainAgeSeconds: number;
  /** chainprobe's clock minus updatedAt, seconds. */
  wallAgeSeconds: number;
  /** chainprobe's clock minus the head block timestamp, seconds. */
  headAgeSeconds: number;
  /** Chain seconds the answer has stayed the same (a lower bound on first sight). */
  unchangedSeconds: number;
  roundChanged: boolean;
  answerChanged: boolean;
  /** Next memory; unchanged when the round holds no data. */
  memory: FeedMemory | undefined;
}

/** Scales a raw answer by `decimals` into a double, rounding once from the exact decimal. */
export function scaleAnswer(answer: bigint, decimals: number): number {
  return Number(formatUnits(answer, decimals));
}

/**
 * Judges one feed observation. Precedence when several states apply: no data, then a
 * timestamp in the future, then a bad answer, then stale, then stalled; the worst for a
 * consumer comes first.
 */
export function judgeFeed(
  prev: FeedMemory | undefined,
  obs: FeedObservation,
  rules: FeedRules,
): FeedVerdict {
  const headAgeSeconds = obs.nowMs / 1000 - obs.headTimestamp;
  const answer = scaleAnswer(obs.round.answer, obs.decimals);
  if (obs.round.updatedAt === 0n)
    return { ...emptyVerdict(prev, 'no_data', headAgeSeconds), answer };

  const memory = remember(prev, obs.round);
  const facts: FeedFacts = {
    answer,
    raw: obs.round.answer,
    chainAgeSeconds: obs.headTimestamp - memory.updatedAt,
    wallAgeSeconds: obs.nowMs / 1000 - memory.updatedAt,
    unchangedSeconds: Math.max(0, obs.headTimestamp - memory.answerSince),
  };
  const state = classifyFeed(rules, facts);
  return {
    state,
    answer,
    chainAgeSeconds: facts.chainAgeSeconds,
    wallAgeSeconds: facts.wallAgeSeconds,
    unchangedSeconds: facts.unchangedSeconds,
    cause: causeOf(state, headAgeSeconds, rules),
    headAgeSeconds,
    roundChanged: prev !== undefined && prev.roundId !== obs.round.roundId,
    answerChanged: prev !== undefined && prev.answer !== obs.round.answer,
    memory,
  };
}

// A stale feed on a chain whose head is old is the chain's fault, not the publisher's.
function causeOf(state: FeedState, headAgeSeconds: number, rules: FeedRules): StaleCause {
  if (state !== 'stale') return 'none';
  return headAgeSeconds > rules.chainHaltedAfterSeconds ? 'chain_halted' : 'chain_advancing';
}

/** The numbers a state is decided from. */
interface FeedFacts {
  answer: number;
  raw: bigint;
  chainAgeSeconds: number;
  wallAgeSeconds: number;
  unchangedSeconds: number;
}

/** One line on what a verdict means, for the status page. */
export function describeVerdict(v: FeedVerdict, rules: FeedRules): string {
  const age = Math.round(Math.max(v.chainAgeSeconds, v.wallAgeSeconds));
  const ahead = -Math.round(Math.min(v.chainAgeSeconds, v.wallAgeSeconds));
  const heartbeat = `heartbeat ${rules.heartbeatSeconds}s`;
  switch (v.state) {
    case 'ok':
      return `updated ${age}s ago (${heartbeat})`;
    case 'no_data':
      return 'no round has data yet (updatedAt 0)';
    case 'reverted':
      return 'latestRoundData() reverted';
    case 'future_update':
      return `updatedAt is ${ahead}s in the future`;
    case 'answer_not_positive':
      return 'answer is zero or negative';
    case 'answer_out_of_bounds':
      return `answer is outside [${rules.minAnswer ?? '-inf'}, ${rules.maxAnswer ?? 'inf'}]`;
    case 'stale':
      return `updated ${age}s ago, ${heartbeat} (${v.cause.replace('_', ' ')})`;
    case 'stalled_answer':
      return `answer unchanged for ${Math.round(v.unchangedSeconds)}s`;
    case 'unknown':
      return 'feed could not be read';
  }
}

function classifyFeed(rules: FeedRules, f: FeedFacts): FeedState {
  // updatedAt ahead of the head breaks consumers computing block.timestamp - updatedAt
  // (a checked subtraction reverts); ahead of our clock it shows a skewed chain or publisher.
  const tolerance = rules.futureToleranceSeconds;
  if (f.chainAgeSeconds < -tolerance || f.wallAgeSeconds < -tolerance) return 'future_update';
  if (f.raw <= 0n) return 'answer_not_positive';
  if (rules.minAnswer !== undefined && f.answer < rules.minAnswer) return 'answer_out_of_bounds';
  if (rules.maxAnswer !== undefined && f.answer > rules.maxAnswer) return 'answer_out_of_bounds';

  // Stale by whichever clock is further along: the chain's (what contracts see) or ours (a
  // halted chain freezes chain time, but the price still ages for everyone off-chain).
  const limit = rules.heartbeatSeconds + rules.graceSeconds;
  if (Math.max(f.chainAgeSeconds, f.wallAgeSeconds) > limit) return 'stale';
  const stalledAfter = rules.stalledAfterHeartbeats;
  if (stalledAfter !== undefined && f.unchangedSeconds > stalledAfter * rules.heartbeatSeconds) {
    return 'stalled_answer';
  }
  return 'ok';
}

function remember(prev: FeedMemory | undefined, round: RoundData): FeedMemory {
  const updatedAt = Number(round.updatedAt);
  // Limitation: on first sight only the current round is known, so the unchanged time starts at
  // its updatedAt; an answer that had been stuck for longer is found stalled later than it was.
  const answerSince = prev && prev.answer === round.answer ? prev.answerSince : updatedAt;
  return { roundId: round.roundId, answer: round.answer, answerSince, updatedAt };
}

function emptyVerdict(
  prev: FeedMemory | undefined,
  state: FeedState,
  headAgeSeconds: number,
): Omit<FeedVerdict, 'answer'> {
  return {
    state,
    cause: 'none',
    chainAgeSeconds: Number.NaN,
    wallAgeSeconds: Number.NaN,
    headAgeSeconds,
    unchangedSeconds: Number.NaN,
    roundChanged: false,
    answerChanged: false,
    memory: prev,
  };
}
