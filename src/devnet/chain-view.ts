import { sealBlock, withSealSet, type BftBlockRecord, type BftChain } from './bft-chain.js';
import type { DevKey } from './keys.js';

/** The chain as one node sees it: its head, its blocks and their hashes. */
export interface ChainView {
  /** Highest block number this node serves. */
  head(): number;
  /** The block at `number` as this node serves it (undefined above its head). */
  record(number: number): BftBlockRecord | undefined;
  /** The number of the block this node knows by BFT hash `hash`. */
  numberOfHash(hash: string): number | undefined;
}

/** The canonical chain, as every healthy node serves it. */
export function canonicalView(chain: BftChain): ChainView {
  return {
    head: () => chain.head(),
    record: (number) => chain.at(number),
    numberOfHash: (hash) => chain.numberOfHash(hash),
  };
}

/** `inner` frozen at `stuckHead`: the node stopped importing blocks. */
export function stuckView(inner: ChainView, stuckHead: number): ChainView {
  const head = () => Math.min(stuckHead, inner.head());
  return {
    head,
    record: (number) => (number <= head() ? inner.record(number) : undefined),
    numberOfHash: (hash) => {
      const number = inner.numberOfHash(hash);
      return number !== undefined && number <= head() ? number : undefined;
    },
  };
}

/**
 * A side branch from `fromNumber`: the same bodies, but each header's timestamp moved by one
 * second and re-sealed by the same signers, so every hash from `fromNumber` on differs while
 * seals and the parentHash chain still verify.
 */
export class ForkBranch implements ChainView {
  private readonly cache = new Map<number, BftBlockRecord>();
  private readonly numberByHash = new Map<string, number>();

  constructor(
    private readonly chain: BftChain,
    private readonly keysByAddress: Map<string, DevKey>,
    private readonly validators: string[],
    readonly fromNumber: number,
  ) {}

  /** Follows the canonical head. */
  head(): number {
    return this.chain.head();
  }

  /** The canonical block below the fork point, the side-branch block from it on. */
  record(number: number): BftBlockRecord | undefined {
    if (number < this.fromNumber || number < 1) return this.chain.at(number);
    const cached = this.cache.get(number);
    if (cached) return cached;

    const canonical = this.chain.at(number);
    const parent = this.record(number - 1);
    if (!canonical || !parent) return undefined;
    const sealers = canonical.sealPool.map((c) => this.keysByAddress.get(c.address));
    const record = sealBlock(
      { ...canonical.header, hash: canonical.anvilHash },
      {
        parentHash: parent.hash,
        validators: this.validators,
        round: canonical.round,
        sealers: sealers.filter((key): key is DevKey => key !== undefined),
        quorum: canonical.signers.length,
        timestamp: canonical.timestamp + 1,
      },
    );
    this.cache.set(number, record);
    this.numberByHash.set(record.hash, number);
    return record;
  }

  /** Side-branch hashes from the fork point, canonical hashes below it. */
  numberOfHash(hash: string): number | undefined {
    const lower = hash.toLowerCase();
    const branch = this.numberByHash.get(lower);
    if (branch !== undefined) return branch;
    const canonical = this.chain.numberOfHash(lower);
    return canonical !== undefined && canonical < this.fromNumber ? canonical : undefined;
  }
}

/**
 * `inner` as node number `nodeIndex` stores it: each block carries `quorum` seals picked for
 * this node (a validator's own seal first), so seal sets differ between nodes.
 */
export function sealSetView(
  inner: ChainView,
  quorum: number,
  nodeIndex: number,
  ownAddress?: string,
): ChainView {
  return {
    head: () => inner.head(),
    record: (number) => {
      const record = inner.record(number);
      return record && number > 0
        ? withSealSet(record, quorum, nodeIndex + number, ownAddress)
        : record;
    },
    numberOfHash: (hash) => inner.numberOfHash(hash),
  };
}
