import { setTimeout as sleep } from 'node:timers/promises';
import { Interface, Wallet } from 'ethers';
import type { Logger } from 'pino';
import { BREAKER_STATES, type CircuitBreaker } from './breaker.js';
import { readBody, sendJson, type RequestHandler } from './http-endpoint.js';
import { callRpc, isJsonObject, type Json } from './jsonrpc.js';
import type { TxHold } from './tx-hold.js';

/** A feed the publisher pushes to. */
export interface PublishedFeed {
  name: string;
  address: string;
  decimals: number;
  /** Starting price in whole units (e.g. 3000 for ETH/USD). */
  startPrice: number;
}

/** The publisher's fault knobs, read each heartbeat. */
export interface PublisherFaults {
  stopped(): boolean;
  breakerForcedOpen(): boolean;
  stuckTx(): boolean;
  /** The answer to push instead of the price (oracle-bad-answer), if on. */
  badAnswer(): bigint | undefined;
}

/** Options of the reference oracle publisher. */
export interface PublisherOptions {
  /** JSON-RPC endpoint it publishes through (the gateway). */
  rpcUrl: string;
  privateKey: string;
  chainId: number;
  feeds: PublishedFeed[];
  heartbeatSeconds: number;
  /** How long to wait for a receipt before counting a failure, ms. */
  txTimeoutMs: number;
  breaker: CircuitBreaker;
  faults: PublisherFaults;
  hold: TxHold;
  random: () => number;
  logger: Logger;
}

const FEED_ABI = new Interface(['function updateAnswer(int256 answer)']);
// 1 gwei with a zero base fee: cheap, but an empty account cannot pay it.
const MAX_FEE_PER_GAS = 1_000_000_000n;

/**
 * Pushes a random-walk price to every feed each heartbeat through the gateway, behind a
 * circuit breaker, and serves its state as JSON (/status) and Prometheus text (/metrics).
 */
export class OraclePublisher {
  readonly address: string;
  private readonly wallet: Wallet;
  private readonly prices = new Map<string, bigint>();
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly counters = { updates: 0, failures: 0, skipped: 0 };
  private lastSuccessAt: number | null = null;
  private lastError: string | null = null;
  private readonly lastAnswers = new Map<string, string>();

  constructor(private readonly opts: PublisherOptions) {
    this.wallet = new Wallet(opts.privateKey);
    this.address = this.wallet.address.toLowerCase();
    for (const feed of opts.feeds) {
      this.prices.set(feed.name, BigInt(feed.startPrice) * 10n ** BigInt(feed.decimals));
    }
  }

  /** Starts the heartbeat loop (first push at once). */
  start(): void {
    this.loop = this.run();
  }

  /** Stops the loop; resolves once the current heartbeat has finished. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      const started = Date.now();
      await this.tick().catch((err: unknown) =>
        this.opts.logger.error({ err }, 'heartbeat failed'),
      );
      const wait = this.opts.heartbeatSeconds * 1000 - (Date.now() - started);
      await sleep(Math.max(wait, 50), undefined, { signal: this.abort.signal }).catch(() => {});
    }
  }

  /** Applies fault switches that the breaker and the hold must follow. */
  private syncFaults(): void {
    const forced = this.opts.faults.breakerForcedOpen();
    if (forced !== this.opts.breaker.snapshot().forcedOpen) this.opts.breaker.force(forced);
    if (!this.opts.faults.stuckTx()) this.opts.hold.release();
  }

  /** One heartbeat: publish every feed once, if running and the breaker allows. */
  async tick(): Promise<void> {
    this.syncFaults();
    if (this.opts.faults.stopped()) return;
    if (!this.opts.breaker.allowsCall()) {
      this.counters.skipped++;
      return;
    }
    try {
      for (const feed of this.opts.feeds) await this.publish(feed);
      this.opts.breaker.recordSuccess();
      this.lastSuccessAt = Date.now();
      this.lastError = null;
    } catch (err) {
      this.counters.failures++;
      this.lastError = err instanceof Error ? err.message : String(err);
      this.opts.breaker.recordFailure();
      this.opts.logger.debug({ err: this.lastError }, 'publish failed');
    }
  }

  private nextAnswer(feed: PublishedFeed): bigint {
    const bad = this.opts.faults.badAnswer();
    if (bad !== undefined) return bad;
    const price = this.prices.get(feed.name) ?? 1n;
    // Random walk: at most +-0.5% per heartbeat, never below 1 unit.
    const stepPerMille = BigInt(Math.round((this.opts.random() - 0.5) * 10));
    const next = price + (price * stepPerMille) / 1000n;
    const floor = 10n ** BigInt(feed.decimals);
    const clamped = next < floor ? floor : next;
    this.prices.set(feed.name, clamped);
    return clamped;
  }

  private async publish(feed: PublishedFeed): Promise<void> {
    const answer = this.nextAnswer(feed);
    const nonce = await this.nextNonce();
    const raw = await this.wallet.signTransaction({
      type: 2,
      chainId: this.opts.chainId,
      nonce,
      to: feed.address,
      gasLimit: 200_000,
      data: FEED_ABI.encodeFunctionData('updateAnswer', [answer]),
      maxFeePerGas: MAX_FEE_PER_GAS,
      maxPriorityFeePerGas: 0n,
    });
    const hash = String(await this.rpc('eth_sendRawTransaction', [raw]));
    if (this.opts.faults.stuckTx() && this.opts.hold.entries().length === 0) {
      this.opts.hold.hold({ hash, raw, nonce });
    }
    await this.waitForReceipt(hash);
    this.counters.updates++;
    this.lastAnswers.set(feed.name, answer.toString());
  }

  /**
   * The pool's next nonce, but never at or below a held transaction's: the producer drops the
   * held one around each block, and reusing its nonce then would replace it.
   */
  private async nextNonce(): Promise<number> {
    const pending = Number(await this.rpc('eth_getTransactionCount', [this.address, 'pending']));
    if (!this.opts.faults.stuckTx()) return pending;
    const latest = Number(await this.rpc('eth_getTransactionCount', [this.address, 'latest']));
    this.opts.hold.releaseMined(latest);
    return Math.max(pending, this.opts.hold.nextNonce() ?? 0);
  }

  private async waitForReceipt(hash: string): Promise<void> {
    const deadline = Date.now() + this.opts.txTimeoutMs;
    while (Date.now() < deadline && !this.abort.signal.aborted) {
      const receipt = await this.rpc('eth_getTransactionReceipt', [hash]).catch(() => null);
      if (isJsonObject(receipt)) {
        if (receipt.status !== '0x1') throw new Error(`transaction ${hash} reverted`);
        return;
      }
      await sleep(250, undefined, { signal: this.abort.signal }).catch(() => {});
    }
    throw new Error(`no receipt for ${hash} within ${this.opts.txTimeoutMs} ms`);
  }

  private rpc(method: string, params: Json[]): Promise<Json> {
    return callRpc(this.opts.rpcUrl, method, params, 5000);
  }

  /** The publisher state served as JSON: breaker first, then counters and feeds. */
  status(): Json {
    this.syncFaults();
    return {
      breaker: { ...this.opts.breaker.snapshot() },
      publisher: {
        address: this.address,
        running: !this.opts.faults.stopped(),
        heartbeatSeconds: this.opts.heartbeatSeconds,
        updatesTotal: this.counters.updates,
        failuresTotal: this.counters.failures,
        skippedTotal: this.counters.skipped,
        lastSuccessAt:
          this.lastSuccessAt === null ? null : new Date(this.lastSuccessAt).toISOString(),
        lastError: this.lastError,
      },
      feeds: this.opts.feeds.map((f) => ({
        name: f.name,
        address: f.address,
        decimals: f.decimals,
        lastAnswer: this.lastAnswers.get(f.name) ?? null,
      })),
    };
  }

  /** The publisher state as Prometheus text exposition. */
  metrics(): string {
    this.syncFaults();
    const state = this.opts.breaker.state();
    const lines = [
      '# HELP oracle_publisher_circuit_breaker_state Circuit breaker state: 1 for the current one.',
      '# TYPE oracle_publisher_circuit_breaker_state gauge',
      ...BREAKER_STATES.map(
        (s) => `oracle_publisher_circuit_breaker_state{state="${s}"} ${s === state ? 1 : 0}`,
      ),
      '# HELP oracle_publisher_updates_total Feed updates mined.',
      '# TYPE oracle_publisher_updates_total counter',
      `oracle_publisher_updates_total ${this.counters.updates}`,
      '# HELP oracle_publisher_failures_total Heartbeats that failed to publish.',
      '# TYPE oracle_publisher_failures_total counter',
      `oracle_publisher_failures_total ${this.counters.failures}`,
      '# HELP oracle_publisher_last_success_timestamp_seconds Time of the last full publish.',
      '# TYPE oracle_publisher_last_success_timestamp_seconds gauge',
      `oracle_publisher_last_success_timestamp_seconds ${(this.lastSuccessAt ?? 0) / 1000}`,
    ];
    return `${lines.join('\n')}\n`;
  }

  /** The HTTP handler: GET /status (and /) as JSON, GET /metrics as Prometheus text. */
  handler(): RequestHandler {
    return async (req, res) => {
      await readBody(req);
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (req.method === 'GET' && (path === '/status' || path === '/')) {
        sendJson(res, 200, this.status());
      } else if (req.method === 'GET' && path === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(this.metrics());
      } else {
        res.writeHead(404);
        res.end();
      }
    };
  }
}
