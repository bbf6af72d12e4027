import type { ProbeContext, ProbeResult } from '../../engine/probe-kind.js';
import type { ProbeCommon } from '../../config/schema.js';
import { decodeHead, judgeAgreement, judgeHead, judgeSpread, type HeadState } from './judge.js';
import type { BlockMetrics, BlockOptions } from './kind.js';
import { failure } from '../result.js';
import { parseData } from '../../rpc/hex.js';
import { RpcError } from '../../rpc/errors.js';

/** Follows each endpoint's head and compares them; one instance per configured block probe. */
export class BlockWatcher {
  private readonly heads = new Map<string, HeadState>();
  private readonly answeredAt = new Map<string, number>();
  private readonly attempted = new Set<string>();

  constructor(
    private readonly ctx: ProbeContext,
    private readonly probe: ProbeCommon & BlockOptions,
    private readonly metrics: BlockMetrics,
    private readonly endpoints: readonly string[],
  ) {}

  /** Fetches and judges one endpoint's head. */
  async probeHead(endpoint: string, signal: AbortSignal): Promise<ProbeResult> {
    const labels = { endpoint };
    try {
      const raw = await this.ctx
        .rpc(endpoint)
        .call('eth_getBlockByNumber', ['latest', false], { signal });
      const verdict = judgeHead(this.heads.get(endpoint), decodeHead(raw), this.ctx.now());
      this.heads.set(endpoint, verdict.state);
      this.answeredAt.set(endpoint, this.ctx.now());
      this.attempted.add(endpoint);
      const { head } = verdict.state;
      this.metrics.headNumber.set(labels, head.number);
      this.metrics.headTimestamp.set(labels, head.timestamp);
      this.metrics.headAge.set(labels, verdict.ageSeconds);
      this.metrics.unchanged.set(labels, verdict.unchangedSeconds);
      if (verdict.advancedBy < 0) this.metrics.regressions.inc(labels);
      for (const s of verdict.intervals) this.metrics.interval.observe(labels, s);
      this.updateSpread();
      return this.judgeStall(head.number, verdict.ageSeconds);
    } catch (err) {
      // Keep the time-since-advance growing while the endpoint fails, from what we saw last.
      this.attempted.add(endpoint);
      const prev = this.heads.get(endpoint);
      if (prev) this.metrics.unchanged.set(labels, (this.ctx.now() - prev.seenAt) / 1000);
      return failure(err);
    }
  }

  // The node answers, but its head is old: a halted chain (or a node stuck on an old head) is a
  // failed run, so the status page and --once say so; the metrics carry the detail for alerts.
  private judgeStall(number: number, ageSeconds: number): ProbeResult {
    const limit =
      this.probe.stalledAfterSeconds ?? Math.max(10 * this.ctx.global.blockPeriodSeconds, 30);
    if (ageSeconds <= limit) return { ok: true };
    const detail = `head #${number} is ${Math.round(ageSeconds)}s old (limit ${limit}s)`;
    return { ok: false, errorClass: 'head_stalled', detail };
  }

  /** Compares block hashes at a height every fresh endpoint has reached. */
  async probeAgreement(signal: AbortSignal): Promise<ProbeResult> {
    const fresh = this.freshHeads();
    // Judge only once every endpoint has been asked at least once (in --once, all tasks start
    // together and this one may run first).
    if (
      fresh.size === 0 &&
      this.attempted.size >= this.endpoints.length &&
      this.endpoints.length > 0
    ) {
      return { ok: false, errorClass: 'no_fresh_data', detail: 'no endpoint answered recently' };
    }
    if (fresh.size < 2) {
      for (const name of fresh.keys()) this.metrics.agreement.set({ endpoint: name }, 1);
      return { ok: true };
    }
    const height = Math.max(0, Math.min(...fresh.values()) - this.probe.agreementDepth);
    const hashes = new Map<string, string>();
    await Promise.all(
      [...fresh.keys()].map(async (name) => {
        const hash = await this.hashAt(name, height, signal);
        if (hash) hashes.set(name, hash);
      }),
    );
    this.metrics.commonHeight.set(height);
    const verdict = judgeAgreement(hashes);
    for (const [name, agrees] of verdict)
      this.metrics.agreement.set({ endpoint: name }, agrees ? 1 : 0);
    const forked = [...verdict.values()].filter((a) => !a).length;
    if (forked > 0)
      return {
        ok: false,
        errorClass: 'hash_mismatch',
        detail: `${forked} endpoint(s) disagree at ${height}`,
      };
    return { ok: true };
  }

  /** Deletes this probe's series. */
  dispose(): void {
    for (const endpoint of this.endpoints) {
      for (const m of Object.values(this.metrics)) {
        if ('remove' in m && m !== this.metrics.spread && m !== this.metrics.commonHeight) {
          m.remove({ endpoint });
        }
      }
    }
    this.metrics.spread.reset();
    this.metrics.commonHeight.reset();
  }

  private async hashAt(
    endpoint: string,
    height: number,
    signal: AbortSignal,
  ): Promise<string | null> {
    try {
      const raw = await this.ctx
        .rpc(endpoint)
        .call('eth_getBlockByNumber', [`0x${height.toString(16)}`, false], { signal });
      if (raw === null) throw new RpcError('null_result', 'no block at the common height');
      return parseData((raw as { hash?: unknown }).hash, 'block.hash', 32);
    } catch {
      // A failing endpoint is reported by its own head task; it just does not vote here.
      return null;
    }
  }

  // Endpoints that answered within three intervals: a dead one must not hold the spread up.
  private freshHeads(): Map<string, number> {
    const horizon = this.ctx.now() - 3 * this.probe.intervalMs;
    const out = new Map<string, number>();
    for (const [name, st] of this.heads) {
      if ((this.answeredAt.get(name) ?? 0) >= horizon) out.set(name, st.head.number);
    }
    return out;
  }

  private updateSpread(): void {
    const fresh = this.freshHeads();
    const { spread, behind } = judgeSpread(fresh);
    this.metrics.spread.set(spread);
    for (const [name, b] of behind) this.metrics.behind.set({ endpoint: name }, b);
  }
}
