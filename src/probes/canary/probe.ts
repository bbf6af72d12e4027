import { setTimeout as sleep } from 'node:timers/promises';
import { Transaction, Wallet, formatEther, parseEther, parseUnits } from 'ethers';
import type { Logger } from 'pino';
import type { ProbeCommon } from '../../config/schema.js';
import type { ErrorClass } from '../../engine/error-class.js';
import type { ProbeContext, ProbeResult } from '../../engine/probe-kind.js';
import { RpcError } from '../../rpc/errors.js';
import type { RpcClient } from '../../rpc/client.js';
import { parseQuantity, parseSafeQuantity } from '../../rpc/hex.js';
import { failure } from '../result.js';
import { classifySendFailure, sendFailureOf } from './classify.js';
import { CanaryConfigError } from './errors.js';
import { chooseFees, maxCostWei, replacementFees, type FeeFields } from './fees.js';
import { adoptPending, judgeInFlight, judgeSpendCap, type InFlight } from './judge.js';
import { readCanaryKey } from './key.js';
import type { CanaryMetrics, CanaryOptions } from './kind.js';

/** The account and head as one run starts. */
interface AccountView {
  head: number;
  baseFeePerGas: bigint | null;
  balanceWei: bigint;
  latestNonce: number;
  pendingNonce: number;
}

interface Receipt {
  blockNumber: number;
  ok: boolean;
}

// Stop waiting this long before the engine's hard timeout, to report a class of our own.
const DEADLINE_MARGIN_MS = 500;

/**
 * Sends the canary's transaction and follows it to its receipt, with at most one transaction
 * in flight. Keeps the in-flight transaction between runs; after a restart it adopts whatever
 * pending transaction holds the account's next nonce instead of sending another.
 */
export class CanaryRunner {
  private inFlight: InFlight | undefined;
  private wallet: Wallet | undefined;
  private lastClass: ErrorClass | 'ok' | undefined;
  private readonly log: Logger;
  private readonly labels: { probe: string; endpoint: string };

  constructor(
    private readonly ctx: ProbeContext,
    private readonly probe: ProbeCommon & CanaryOptions,
    private readonly metrics: CanaryMetrics,
    private readonly endpoint: string,
  ) {
    this.log = ctx.logger.child({ component: 'canary', probe: probe.name, endpoint });
    this.labels = { probe: probe.name, endpoint };
    // Present from creation, so an alert can tell a canary that never got a transaction in
    // from one that does not exist (the success timestamp is absent until the first inclusion).
    metrics.started.set(this.labels, ctx.now() / 1000);
  }

  /** One run: follow the transaction in flight, else send one and follow it. */
  async run(signal: AbortSignal): Promise<ProbeResult> {
    const deadline = this.ctx.now() + this.probe.timeoutMs - DEADLINE_MARGIN_MS;
    let result: ProbeResult;
    try {
      result = await this.cycle(this.loadWallet(), signal, deadline);
    } catch (err) {
      result = err instanceof CanaryConfigError ? fail('config', err.message) : failure(err);
    }
    this.metrics.inFlight.set(this.labels, this.inFlight ? 1 : 0);
    this.logRun(result);
    return result;
  }

  /** Deletes this probe's series. */
  dispose(): void {
    for (const m of Object.values(this.metrics)) m.remove(this.labels);
  }

  private loadWallet(): Wallet {
    // Read at the first run, not in create(): creating a probe does no I/O.
    this.wallet ??= new Wallet(readCanaryKey(this.probe));
    return this.wallet;
  }

  private async cycle(wallet: Wallet, signal: AbortSignal, deadline: number) {
    let account = await this.readAccount(wallet.address, signal);
    this.inFlight ??= adoptPending(account.latestNonce, account.pendingNonce, account.head);
    if (this.inFlight) {
      const followed = await this.follow(wallet, signal, deadline);
      if (followed !== 'send') return followed;
      account = await this.readAccount(wallet.address, signal);
      this.inFlight = adoptPending(account.latestNonce, account.pendingNonce, account.head);
      if (this.inFlight) return this.follow(wallet, signal, deadline).then(settledLate);
    }
    return this.sendFresh(wallet, account, signal, deadline);
  }

  private rpc(): RpcClient {
    return this.ctx.rpc(this.endpoint);
  }

  private async readAccount(address: string, signal: AbortSignal): Promise<AccountView> {
    const rpc = this.rpc();
    // Limitation: behind a load balancer these reads may reach different nodes; a node that
    // has not seen the canary's transaction yet shows pending = latest for a moment, which at
    // worst delays adopting it by one run (it can never make the canary send a second one,
    // which would reuse the same nonce).
    const [block, balance, latest, pending] = await Promise.all([
      rpc.call('eth_getBlockByNumber', ['latest', false], { signal }),
      rpc.call('eth_getBalance', [address, 'latest'], { signal }),
      rpc.call('eth_getTransactionCount', [address, 'latest'], { signal }),
      rpc.call('eth_getTransactionCount', [address, 'pending'], { signal }),
    ]);
    const head = (block ?? {}) as { number?: unknown; baseFeePerGas?: unknown };
    const balanceWei = parseQuantity(balance, 'eth_getBalance');
    this.metrics.balance.set(this.labels, Number(formatEther(balanceWei)));
    return {
      head: parseSafeQuantity(head.number, 'eth_getBlockByNumber.number'),
      baseFeePerGas:
        head.baseFeePerGas === undefined || head.baseFeePerGas === null
          ? null
          : parseQuantity(head.baseFeePerGas, 'baseFeePerGas'),
      balanceWei,
      latestNonce: parseSafeQuantity(latest, 'eth_getTransactionCount(latest)'),
      pendingNonce: parseSafeQuantity(pending, 'eth_getTransactionCount(pending)'),
    };
  }

  private async readFees(baseFeePerGas: bigint | null, signal: AbortSignal): Promise<FeeFields> {
    const rpc = this.rpc();
    if (baseFeePerGas === null) {
      const price = await rpc.call('eth_gasPrice', [], { signal });
      return chooseFees({ baseFeePerGas, tipWei: 0n, gasPriceWei: parseQuantity(price, 'gas') });
    }
    const configured = this.probe.priorityFeeGwei;
    const tipWei =
      configured !== undefined
        ? parseUnits(configured.toFixed(9), 'gwei') // String() would give 1e-7 forms
        : parseQuantity(await rpc.call('eth_maxPriorityFeePerGas', [], { signal }), 'tip');
    return chooseFees({ baseFeePerGas, tipWei, gasPriceWei: 0n });
  }

  private async sendFresh(
    wallet: Wallet,
    account: AccountView,
    signal: AbortSignal,
    deadline: number,
  ): Promise<ProbeResult> {
    const fees = await this.readFees(account.baseFeePerGas, signal);
    const refused = this.checkSpendCap(account.balanceWei, fees);
    if (refused) return refused;

    const sent = await this.send(wallet, account.pendingNonce, fees, account.head, signal);
    if ('ok' in sent) return sent;
    this.inFlight = sent;
    const followed = await this.follow(wallet, signal, deadline);
    return followed === 'send' ? fail('internal', 'sent transaction vanished') : followed;
  }

  private checkSpendCap(balanceWei: bigint, fees: FeeFields): ProbeResult | undefined {
    const floor = parseEther(String(this.probe.minBalanceEther));
    const cost = maxCostWei(fees, BigInt(this.probe.gasLimit));
    const verdict = judgeSpendCap(balanceWei, floor, cost);
    if (verdict === 'ok') return undefined;
    const balance = formatEther(balanceWei);
    return fail(
      'insufficient_funds',
      verdict === 'below_floor'
        ? `balance ${balance} ether is below minBalanceEther ` +
            `${this.probe.minBalanceEther}: not sending`
        : `balance ${balance} ether cannot pay the transaction's fee: not sending`,
    );
  }

  /** Signs and sends one transaction; returns it as in flight, or the send's failure. */
  private async send(
    wallet: Wallet,
    nonce: number,
    fees: FeeFields,
    head: number,
    signal: AbortSignal,
  ): Promise<InFlight | ProbeResult> {
    const tx = Transaction.from({
      ...fees,
      chainId: this.ctx.global.chainId,
      nonce,
      to: this.probe.to ?? wallet.address,
      value: 0n,
      data: this.probe.data,
      gasLimit: BigInt(this.probe.gasLimit),
    });
    tx.signature = wallet.signingKey.sign(tx.unsignedHash);
    const hash = (tx.hash as string).toLowerCase();
    const candidate = {
      nonce,
      hash,
      sentAtMs: this.ctx.now(),
      sentAtBlock: head,
      fees,
      replacements: 0,
    };
    // In flight from before the request: if the run is cut short mid-send, the node may hold
    // the transaction, and the next run must follow it rather than send another.
    const previous = this.inFlight;
    this.inFlight = candidate;
    const started = performance.now();
    try {
      await this.rpc().call('eth_sendRawTransaction', [tx.serialized], { signal });
    } catch (err) {
      if (signal.aborted) throw err;
      const verdict = classifySendFailure(sendFailureOf(err));
      if (verdict !== 'already_known') {
        this.inFlight = previous;
        return fail(verdict, `eth_sendRawTransaction: ${words(verdict)}`);
      }
    }
    this.metrics.acceptance.observe(this.labels, (performance.now() - started) / 1000);
    return candidate;
  }

  /**
   * Follows the transaction in flight until it settles or the run's time is up. Returns the
   * run's result, or 'send' when a transaction found at start was mined and one may be sent.
   */
  private async follow(
    wallet: Wallet,
    signal: AbortSignal,
    deadline: number,
  ): Promise<ProbeResult | 'send'> {
    const pollMs = Math.max(100, (this.ctx.global.blockPeriodSeconds * 1000) / 4);
    for (;;) {
      const tx = this.inFlight as InFlight;
      const obs = await this.observe(wallet.address, tx, signal);
      const verdict = judgeInFlight(tx, obs, this.probe.maxInclusionBlocks);
      const waited = obs.head - tx.sentAtBlock;
      switch (verdict) {
        case 'included':
          return this.recordInclusion(tx, obs.receipt as Receipt, signal);
        case 'settled':
          this.inFlight = undefined;
          return 'send';
        case 'replaced':
        case 'receipt_missing':
          this.inFlight = undefined;
          return fail(verdict, `nonce ${tx.nonce}: ${words(verdict)}`);
        case 'dropped':
          this.inFlight = undefined;
          return fail('not_included', `dropped from the pool after ${waited} blocks`);
        case 'stuck':
          return this.replaceStuck(wallet, tx, obs.head, signal);
        case 'wait':
          if (this.ctx.now() + pollMs >= deadline) {
            return fail('not_included', `not included after ${waited} block(s) in this run`);
          }
          await sleep(pollMs, undefined, { signal });
      }
    }
  }

  private async observe(address: string, tx: InFlight, signal: AbortSignal) {
    const rpc = this.rpc();
    const [head, latest, pending, receipt] = await Promise.all([
      rpc.call('eth_blockNumber', [], { signal }),
      rpc.call('eth_getTransactionCount', [address, 'latest'], { signal }),
      rpc.call('eth_getTransactionCount', [address, 'pending'], { signal }),
      tx.hash === undefined
        ? Promise.resolve(null)
        : rpc.call('eth_getTransactionReceipt', [tx.hash], { signal }),
    ]);
    const latestNonce = parseSafeQuantity(latest, 'eth_getTransactionCount(latest)');
    const decoded = decodeReceipt(receipt);
    const inBlock =
      decoded === null && tx.hash !== undefined && latestNonce > tx.nonce
        ? await this.isInBlock(tx.hash, signal)
        : false;
    return {
      head: parseSafeQuantity(head, 'eth_blockNumber'),
      latestNonce,
      pendingNonce: parseSafeQuantity(pending, 'eth_getTransactionCount(pending)'),
      hasReceipt: decoded !== null,
      receipt: decoded,
      inBlock,
    };
  }

  private async isInBlock(hash: string, signal: AbortSignal): Promise<boolean> {
    const tx = await this.rpc().call('eth_getTransactionByHash', [hash], { signal });
    const blockNumber = (tx as { blockNumber?: unknown } | null)?.blockNumber;
    return typeof blockNumber === 'string';
  }

  // Limitation: a transaction sent before a restart has no known send time, so its inclusion
  // is not timed; the first timing comes from the next transaction.
  private async recordInclusion(
    tx: InFlight,
    receipt: Receipt,
    signal: AbortSignal,
  ): Promise<ProbeResult> {
    this.inFlight = undefined;
    const blocks = Math.max(0, receipt.blockNumber - tx.sentAtBlock);
    const nowMs = this.ctx.now();
    const sentAtMs = tx.sentAtMs ?? nowMs;
    const receiptSeconds = (nowMs - sentAtMs) / 1000;
    const block = await this.rpc().call(
      'eth_getBlockByNumber',
      [`0x${receipt.blockNumber.toString(16)}`, false],
      { signal },
    );
    const stamp = parseSafeQuantity((block as { timestamp?: unknown } | null)?.timestamp, 'ts');
    const inclusionSeconds = Math.max(0, stamp - sentAtMs / 1000);

    this.metrics.inclusionBlocks.set(this.labels, blocks);
    this.metrics.inclusion.observe(this.labels, inclusionSeconds);
    this.metrics.receipt.observe(this.labels, receiptSeconds);
    if (!receipt.ok) return fail('reverted', `nonce ${tx.nonce} was included but reverted`);
    this.metrics.lastSuccess.set(this.labels, nowMs / 1000);
    return {
      ok: true,
      detail: `included after ${blocks} block(s), receipt after ${receiptSeconds.toFixed(2)}s`,
    };
  }

  /** Not included after maxInclusionBlocks but still pending: replace it at the same nonce. */
  private async replaceStuck(
    wallet: Wallet,
    tx: InFlight,
    head: number,
    signal: AbortSignal,
  ): Promise<ProbeResult> {
    const waited = head - tx.sentAtBlock;
    const stuck = `nonce ${tx.nonce} not included after ${waited} blocks`;
    const account = await this.readAccount(wallet.address, signal);
    const fees = replacementFees(await this.readFees(account.baseFeePerGas, signal), tx.fees);
    const refused = this.checkSpendCap(account.balanceWei, fees);
    if (refused) return fail('not_included', `${stuck}; not replaced: ${refused.detail}`);

    const sent = await this.send(wallet, tx.nonce, fees, head, signal);
    if ('ok' in sent) {
      // Nonce too low here means the original got in meanwhile: the next run settles it. An
      // underpriced replacement raises the bar the next replacement must beat.
      if (sent.errorClass === 'rejected_underpriced') this.inFlight = { ...tx, fees };
      return fail('not_included', `${stuck}; replacement refused (${sent.errorClass})`);
    }
    this.inFlight = { ...sent, replacements: tx.replacements + 1 };
    return fail('not_included', `${stuck}; replaced with a higher fee`);
  }

  private logRun(result: ProbeResult): void {
    const state = result.ok ? 'ok' : (result.errorClass ?? 'internal');
    const nonce = this.inFlight?.nonce;
    this.log.debug({ state, detail: result.detail, inFlightNonce: nonce }, 'canary run');
    const prev = this.lastClass;
    this.lastClass = state;
    if (prev === state || (prev === undefined && state === 'ok')) return;
    if (state === 'ok') this.log.info({ from: prev }, 'canary transactions get in again');
    else this.log.warn({ class: state }, 'canary transaction failed');
  }
}

function fail(errorClass: ErrorClass, detail: string): ProbeResult {
  return { ok: false, errorClass, detail };
}

function words(cls: string): string {
  return cls.replace(/_/g, ' ');
}

// A transaction found at start was mined and another was already pending behind it.
function settledLate(result: ProbeResult | 'send'): ProbeResult {
  return result === 'send' ? { ok: true, detail: 'earlier transactions mined' } : result;
}

/** Decodes a receipt: its block and status; null while there is none. */
export function decodeReceipt(value: unknown): Receipt | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') throw new RpcError('bad_response', 'receipt is not an object');
  const r = value as { blockNumber?: unknown; status?: unknown };
  if (r.blockNumber === null || r.blockNumber === undefined) return null;
  const blockNumber = parseSafeQuantity(r.blockNumber, 'receipt.blockNumber');
  // Pre-Byzantium receipts have no status; treat them as successful.
  return { blockNumber, ok: r.status !== '0x0' };
}
