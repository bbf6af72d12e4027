import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { quorumSize, selectProposer } from '../consensus/proposer.js';
import { sealBlock, sealGenesis, type BftBlockRecord, type BftChain } from './bft-chain.js';
import type { DevKey } from './keys.js';
import { callRpc, isJsonObject, isUnreachableError } from './jsonrpc.js';
import type { TxHold } from './tx-hold.js';

/** What the block producer reads from the rest of the devnet. */
export interface ProducerOptions {
  anvilUrl: string;
  chain: BftChain;
  /** Sorted validator addresses (the set never changes: no votes). */
  validators: string[];
  keysByAddress: Map<string, DevKey>;
  blockPeriodSeconds: number;
  requestTimeoutSeconds: number;
  /** Cap on one round's timer, seconds (Besu has none; see Limitation below). */
  maxRoundTimerSeconds: number;
  isLive(address: string): boolean;
  isHalted(): boolean;
  /** Multiplier on the block period (slow-blocks fault), >= 1. */
  periodFactor(): number;
  /** Uniform [0,1) source for seal arrival order. */
  random(): number;
  /** Transactions to keep out of blocks (stuck-transaction fault). */
  hold: TxHold;
  /** True while every pending transaction is kept out of blocks (tx-pool-stuck fault). */
  poolStuck?(): boolean;
  logger: Logger;
}

/** Counters the producer exposes in the devnet state. */
export interface ProducerStats {
  blocks: number;
  roundChanges: number;
  /** Round currently running at the next height. */
  currentRound: number;
  lastRound: number;
  /** True while rounds expire without a commit. */
  stalled: boolean;
}

/**
 * Besu's QBFT timing over anvil: round 0 starts at parent.timestamp + period; a round commits
 * when its designated proposer is live and at least quorum validators are live, else it expires
 * after requestTimeoutSeconds * 2^r and the next round's proposer is tried.
 */
export class BlockProducer {
  readonly stats: ProducerStats = {
    blocks: 0,
    roundChanges: 0,
    currentRound: 0,
    lastRound: 0,
    stalled: false,
  };
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly opts: ProducerOptions) {}

  /** Seals anvil's genesis into the chain and starts producing blocks. */
  async start(): Promise<void> {
    const genesis = await this.fetchBlock(0);
    this.opts.chain.append(sealGenesis(genesis, this.opts.validators));
    this.loop = this.run().catch((err: unknown) => {
      if (!this.abort.signal.aborted) this.opts.logger.error({ err }, 'block producer died');
    });
  }

  /** Stops producing; resolves once the loop has exited. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      const parent = this.opts.chain.at(this.opts.chain.head());
      if (!parent) throw new Error('producer started without genesis');
      const periodMs = this.opts.blockPeriodSeconds * this.opts.periodFactor() * 1000;
      await this.sleepUntil(parent.timestamp * 1000 + periodMs);
      await this.runHeight(parent);
    }
  }

  private async runHeight(parent: BftBlockRecord): Promise<void> {
    for (let round = 0; !this.abort.signal.aborted; round++) {
      this.stats.currentRound = round;
      const proposer = selectProposer(this.opts.validators, parent.miner, round);
      if (this.canCommit(proposer)) {
        await this.produceWithRetry(parent, proposer, round);
        return;
      }
      this.stats.roundChanges++;
      this.stats.stalled = true;
      this.opts.logger.debug({ height: parent.number + 1, round, proposer }, 'round expired');
      // Limitation: Besu's round timer doubles without bound; the devnet caps it so that a
      // long halt recovers within maxRoundTimerSeconds once quorum returns.
      const timerSeconds = Math.min(
        this.opts.requestTimeoutSeconds * 2 ** round,
        this.opts.maxRoundTimerSeconds,
      );
      await this.sleepFor(timerSeconds * 1000);
    }
  }

  private canCommit(proposer: string): boolean {
    if (this.opts.isHalted() || !this.opts.isLive(proposer)) return false;
    const live = this.opts.validators.filter((v) => this.opts.isLive(v)).length;
    return live >= quorumSize(this.opts.validators.length);
  }

  private async produceWithRetry(parent: BftBlockRecord, proposer: string, round: number) {
    while (!this.abort.signal.aborted) {
      try {
        await this.produce(parent, proposer, round);
        return;
      } catch (err) {
        if (this.abort.signal.aborted) return;
        this.logFailure(err);
        await this.sleepFor(1000);
      }
    }
  }

  // anvil away is the AnvilWatch's to report, once per outage: a stack trace per retry (one a
  // second) would bury it. Anything else is a devnet bug and keeps its stack.
  private logFailure(err: unknown): void {
    if (isUnreachableError(err)) {
      const reason = err instanceof Error ? err.message : String(err);
      this.opts.logger.debug({ reason }, 'block production failed: anvil unreachable; retrying');
      return;
    }
    this.opts.logger.error({ err }, 'block production failed; retrying');
  }

  private async produce(parent: BftBlockRecord, proposer: string, round: number): Promise<void> {
    const live = this.opts.validators.filter((v) => this.opts.isLive(v));
    const sealers = this.arrivalOrder(live).map((address) => this.keyOf(address));
    // Besu stamps Math.round(now) when the round timer fires; timers fire on whole seconds here,
    // so floor() gives the same value and tolerates up to 1 s of scheduling lag on a busy host.
    const timestamp = Math.max(parent.timestamp + 1, Math.floor(Date.now() / 1000));

    await callRpc(this.opts.anvilUrl, 'anvil_setCoinbase', [proposer]);
    const held = this.opts.hold.entries();
    for (const tx of held) await callRpc(this.opts.anvilUrl, 'anvil_dropTransaction', [tx.hash]);
    const stuck = this.opts.poolStuck?.() ? await this.dropPending() : [];
    await callRpc(this.opts.anvilUrl, 'evm_mine', [timestamp]);
    await this.resubmit([...held.map((tx) => tx.raw), ...stuck]);
    const block = await this.fetchBlock(parent.number + 1);
    const record = sealBlock(block, {
      parentHash: parent.hash,
      validators: this.opts.validators,
      round,
      sealers,
      quorum: quorumSize(this.opts.validators.length),
    });
    this.opts.chain.append(record);

    Object.assign(this.stats, { blocks: this.stats.blocks + 1, lastRound: round, stalled: false });
    this.stats.currentRound = 0;
    this.opts.logger.debug({ number: record.number, round, proposer }, 'block sealed');
  }

  /** Takes every pending transaction out of anvil's pool; returns them raw, nonce order. */
  private async dropPending(): Promise<string[]> {
    const content = await callRpc(this.opts.anvilUrl, 'txpool_content', []);
    const pending = isJsonObject(content) && isJsonObject(content.pending) ? content.pending : {};
    const raws: string[] = [];
    for (const byNonce of Object.values(pending)) {
      if (!isJsonObject(byNonce)) continue;
      const txs = Object.entries(byNonce).sort(([a], [b]) => Number(a) - Number(b));
      for (const [, tx] of txs) {
        const hash = isJsonObject(tx) ? tx.hash : undefined;
        const raw = await callRpc(this.opts.anvilUrl, 'eth_getRawTransactionByHash', [
          hash ?? null,
        ]);
        if (typeof raw === 'string') raws.push(raw);
      }
    }
    await callRpc(this.opts.anvilUrl, 'anvil_dropAllTransactions', []);
    return raws;
  }

  private async resubmit(raws: string[]): Promise<void> {
    for (const raw of raws) {
      await callRpc(this.opts.anvilUrl, 'eth_sendRawTransaction', [raw]).catch(() => undefined);
    }
  }

  /** The order COMMIT messages arrived in: a seeded shuffle, so seal sets vary per block. */
  private arrivalOrder(live: string[]): string[] {
    const order = [...live];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(this.opts.random() * (i + 1));
      [order[i], order[j]] = [order[j] as string, order[i] as string];
    }
    return order;
  }

  private keyOf(address: string): DevKey {
    const key = this.opts.keysByAddress.get(address);
    if (!key) throw new Error(`no key for validator ${address}`);
    return key;
  }

  private async fetchBlock(number: number) {
    const block = await callRpc(this.opts.anvilUrl, 'eth_getBlockByNumber', [
      `0x${number.toString(16)}`,
      false,
    ]);
    if (!isJsonObject(block)) throw new Error(`anvil has no block ${number}`);
    return block;
  }

  private async sleepUntil(epochMs: number): Promise<void> {
    await this.sleepFor(epochMs - Date.now());
  }

  private async sleepFor(ms: number): Promise<void> {
    if (ms <= 0 || this.abort.signal.aborted) return;
    await sleep(ms, undefined, { signal: this.abort.signal }).catch(() => undefined);
  }
}

/** A small seeded PRNG (mulberry32) so seal orders are reproducible from the devnet seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
