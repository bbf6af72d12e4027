import type { Logger } from 'pino';
import type { ProbeContext, ProbeResult } from '../../engine/probe-kind.js';
import type { ProbeCommon } from '../../config/schema.js';
import { RpcError } from '../../rpc/errors.js';
import { failure } from '../result.js';
import { decodeHead } from '../block/judge.js';
import {
  classifyCallError,
  decodeDecimals,
  decodeDescription,
  decodeRoundData,
  describeRevert,
  encodeCall,
  type RoundData,
} from './decode.js';
import { OracleError } from './errors.js';
import {
  FEED_STATES,
  STALE_CAUSES,
  describeVerdict,
  judgeFeed,
  type FeedMemory,
  type FeedRules,
  type FeedState,
  type FeedVerdict,
} from './judge.js';
import type { FeedConfig, OracleMetrics, OracleOptions } from './kind.js';
import { removeStateSet, setStateSet } from './state-set.js';

type Fn = 'latestRoundData' | 'decimals' | 'description';

/** Reads and judges the feeds of one oracle probe, remembering each feed between runs. */
export class FeedWatcher {
  private readonly memory = new Map<string, FeedMemory>();
  private readonly decimals = new Map<string, number>();
  private readonly lastState = new Map<string, FeedState>();
  private readonly log: Logger;

  constructor(
    private readonly ctx: ProbeContext,
    private readonly probe: ProbeCommon & OracleOptions,
    private readonly metrics: OracleMetrics,
    private readonly endpoint: string,
  ) {
    this.log = ctx.logger.child({ component: 'oracle', probe: probe.name });
    for (const feed of probe.feeds) {
      const labels = { feed: feed.name };
      metrics.heartbeat.set(labels, feed.heartbeatSeconds);
      metrics.roundChanges.inc(labels, 0);
      metrics.answerChanges.inc(labels, 0);
    }
  }

  /** One run for one feed: the head block, then latestRoundData() at that block. */
  async probeFeed(feed: FeedConfig, signal: AbortSignal): Promise<ProbeResult> {
    try {
      const raw = await this.ctx
        .rpc(this.endpoint)
        .call('eth_getBlockByNumber', ['latest', false], { signal });
      const head = decodeHead(raw);
      const block = `0x${head.number.toString(16)}`;
      const decimals = await this.decimalsOf(feed, block, signal);
      const round = decodeRoundData(await this.call(feed, 'latestRoundData', block, signal));
      const verdict = judgeFeed(
        this.memory.get(feed.name),
        { round, decimals, headTimestamp: head.timestamp, nowMs: this.ctx.now() },
        this.rulesOf(feed),
      );
      if (verdict.memory) this.memory.set(feed.name, verdict.memory);
      this.report(feed, verdict);
      return this.resultOf(feed, verdict, round);
    } catch (err) {
      const state: FeedState =
        (err as { code?: unknown }).code === 'reverted' ? 'reverted' : 'unknown';
      this.reportUnread(feed, state);
      return failure(err);
    }
  }

  /** Deletes this probe's series. */
  dispose(): void {
    for (const feed of this.probe.feeds) {
      const labels = { feed: feed.name };
      const { state, staleCause, ...perFeed } = this.metrics;
      for (const m of Object.values(perFeed)) m.remove(labels);
      removeStateSet(state, labels, 'state', FEED_STATES);
      removeStateSet(staleCause, labels, 'cause', STALE_CAUSES);
    }
  }

  private rulesOf(feed: FeedConfig): FeedRules {
    return {
      heartbeatSeconds: feed.heartbeatSeconds,
      graceSeconds: this.probe.graceSeconds,
      futureToleranceSeconds: this.probe.futureToleranceSeconds,
      chainHaltedAfterSeconds:
        this.probe.chainHaltedAfterSeconds ?? 5 * this.ctx.global.blockPeriodSeconds,
      minAnswer: feed.minAnswer,
      maxAnswer: feed.maxAnswer,
      stalledAfterHeartbeats: feed.stalledAfterHeartbeats,
    };
  }

  // decimals() once per feed; description() once, best effort, for the start-up log only.
  private async decimalsOf(feed: FeedConfig, block: string, signal: AbortSignal): Promise<number> {
    const cached = this.decimals.get(feed.name);
    if (cached !== undefined) return cached;

    let onChain: number | undefined;
    try {
      onChain = decodeDecimals(await this.call(feed, 'decimals', block, signal));
    } catch (err) {
      if (feed.decimals === undefined) throw err;
    }
    if (onChain !== undefined && feed.decimals !== undefined && onChain !== feed.decimals) {
      throw new OracleError(
        'config',
        `decimals() is ${onChain} but the feed is configured with ${feed.decimals}`,
      );
    }
    const decimals = onChain ?? (feed.decimals as number);
    this.decimals.set(feed.name, decimals);
    this.metrics.decimals.set({ feed: feed.name }, decimals);
    const description = await this.call(feed, 'description', block, signal)
      .then(decodeDescription)
      .catch(() => null);
    this.log.info({ feed: feed.name, decimals, description }, 'feed found');
    return decimals;
  }

  private async call(feed: FeedConfig, fn: Fn, block: string, signal: AbortSignal) {
    const params = [{ to: feed.address, data: encodeCall(fn) }, block];
    try {
      return await this.ctx.rpc(this.endpoint).call('eth_call', params, { signal });
    } catch (err) {
      if (!(err instanceof RpcError)) throw err;
      const code = classifyCallError(err);
      if (code === err.code) throw err;
      const what = code === 'reverted' ? describeRevert(revertDataOf(err)) : code;
      throw new RpcError(code, `${fn}() ${what}`, { ...err.extra, cause: err });
    }
  }

  private report(feed: FeedConfig, v: FeedVerdict): void {
    const labels = { feed: feed.name };
    const m = this.metrics;
    setStateSet(m.state, labels, 'state', FEED_STATES, v.state);
    setStateSet(m.staleCause, labels, 'cause', STALE_CAUSES, v.cause);
    m.headAge.set(labels, v.headAgeSeconds);
    this.logTransition(feed, v.state);
    if (v.state === 'no_data') return;

    m.answer.set(labels, v.answer);
    m.updated.set(labels, v.memory?.updatedAt ?? 0);
    m.wallAge.set(labels, v.wallAgeSeconds);
    m.chainAge.set(labels, v.chainAgeSeconds);
    m.unchanged.set(labels, v.unchangedSeconds);
    if (v.roundChanged) m.roundChanges.inc(labels);
    if (v.answerChanged) m.answerChanges.inc(labels);
  }

  // The feed could not be read: the state says why, and its age keeps growing from what was
  // last seen, so an age alert still fires while the feed is unreadable.
  private reportUnread(feed: FeedConfig, state: FeedState): void {
    const labels = { feed: feed.name };
    setStateSet(this.metrics.state, labels, 'state', FEED_STATES, state);
    setStateSet(this.metrics.staleCause, labels, 'cause', STALE_CAUSES, 'none');
    const prev = this.memory.get(feed.name);
    if (prev) this.metrics.wallAge.set(labels, this.ctx.now() / 1000 - prev.updatedAt);
    this.logTransition(feed, state);
  }

  private resultOf(feed: FeedConfig, v: FeedVerdict, round: RoundData): ProbeResult {
    const prefix = `round ${round.roundId} answer ${v.answer}`;
    const detail = `${prefix}: ${describeVerdict(v, this.rulesOf(feed))}`;
    if (v.state === 'ok') return { ok: true, detail };
    return { ok: false, errorClass: v.state === 'unknown' ? 'internal' : v.state, detail };
  }

  // Log state changes only: a feed stale for an hour must not write a line every run.
  private logTransition(feed: FeedConfig, state: FeedState): void {
    const prev = this.lastState.get(feed.name);
    this.lastState.set(feed.name, state);
    if (prev === state) return;
    if (state === 'ok') {
      if (prev !== undefined) this.log.info({ feed: feed.name, from: prev }, 'feed recovered');
      return;
    }
    this.log.warn({ feed: feed.name, state, from: prev ?? null }, 'feed unhealthy');
  }
}

// The revert data, when the transport kept it (the class alone is enough for metrics).
function revertDataOf(err: unknown): string | undefined {
  const data = (err as { extra?: { rpcData?: unknown } }).extra?.rpcData;
  return typeof data === 'string' ? data : undefined;
}
