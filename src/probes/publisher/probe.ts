import type { Logger } from 'pino';
import type { ProbeContext, ProbeResult } from '../../engine/probe-kind.js';
import type { ProbeCommon } from '../../config/schema.js';
import { parseQuantity, parseSafeQuantity } from '../../rpc/hex.js';
import { failure } from '../result.js';
import { judgePublisher, type PublisherMemory, type PublisherVerdict } from './judge.js';
import type { AccountConfig, PublisherMetrics, PublisherOptions } from './kind.js';

/** Reads and judges the publisher accounts of one probe, remembering each between runs. */
export class PublisherWatcher {
  private readonly memory = new Map<string, PublisherMemory>();
  private readonly lastState = new Map<string, string>();
  private readonly log: Logger;

  constructor(
    private readonly ctx: ProbeContext,
    private readonly probe: ProbeCommon & PublisherOptions,
    private readonly metrics: PublisherMetrics,
    private readonly endpoint: string,
  ) {
    this.log = ctx.logger.child({ component: 'publisher', probe: probe.name });
  }

  /** One run for one account: balance, latest and pending nonce, all at once. */
  async probeAccount(account: AccountConfig, signal: AbortSignal): Promise<ProbeResult> {
    const rpc = this.ctx.rpc(this.endpoint);
    const { address } = account;
    try {
      // Limitation: the three reads may hit different blocks (or nodes behind a load balancer);
      // a gap of one right at a block boundary is possible and is why a gap must persist.
      const [balance, latest, pending] = await Promise.all([
        rpc.call('eth_getBalance', [address, 'latest'], { signal }),
        rpc.call('eth_getTransactionCount', [address, 'latest'], { signal }),
        rpc.call('eth_getTransactionCount', [address, 'pending'], { signal }),
      ]);
      const verdict = judgePublisher(
        this.memory.get(account.name),
        {
          balanceWei: parseQuantity(balance, 'eth_getBalance'),
          latestNonce: parseSafeQuantity(latest, 'eth_getTransactionCount(latest)'),
          pendingNonce: parseSafeQuantity(pending, 'eth_getTransactionCount(pending)'),
          nowMs: this.ctx.now(),
        },
        { ...this.probe, ...account },
      );
      this.memory.set(account.name, verdict.memory);
      this.report(account, verdict);
      return resultOf(verdict);
    } catch (err) {
      return failure(err);
    }
  }

  /** Deletes this probe's series. */
  dispose(): void {
    for (const account of this.probe.accounts) {
      for (const m of Object.values(this.metrics)) m.remove({ publisher: account.name });
    }
  }

  private report(account: AccountConfig, v: PublisherVerdict): void {
    const labels = { publisher: account.name };
    const m = this.metrics;
    m.balance.set(labels, v.balanceEther);
    m.nonce.set(labels, v.memory.nonce);
    m.nonceGap.set(labels, v.nonceGap);
    m.nonceUnchanged.set(labels, v.nonceUnchangedSeconds);
    if (v.spendEtherPerSecond !== null) m.spend.set(labels, v.spendEtherPerSecond);
    if (v.runwaySeconds !== null) m.runway.set(labels, v.runwaySeconds);

    const prev = this.lastState.get(account.name);
    this.lastState.set(account.name, v.state);
    if (prev === v.state || (prev === undefined && v.state === 'ok')) return;
    if (v.state === 'ok')
      this.log.info({ publisher: account.name, from: prev }, 'publisher recovered');
    else this.log.warn({ publisher: account.name, state: v.state }, 'publisher unhealthy');
  }
}

function resultOf(v: PublisherVerdict): ProbeResult {
  const r = v.runwaySeconds;
  const runway = r === null ? 'unknown' : Number.isFinite(r) ? `${Math.round(r)}s` : 'unlimited';
  const detail = `balance ${v.balanceEther} ether, runway ${runway}, nonce gap ${v.nonceGap}`;
  if (v.state === 'ok') return { ok: true, detail };
  return { ok: false, errorClass: v.state, detail };
}
