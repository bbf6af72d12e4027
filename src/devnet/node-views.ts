import type { BftChain } from './bft-chain.js';
import { canonicalView, ForkBranch, stuckView, type ChainView } from './chain-view.js';
import type { FaultStore } from './faults.js';
import type { JsonObject } from './jsonrpc.js';
import type { DevKey } from './keys.js';

const hex = (n: number) => `0x${n.toString(16)}`;

/** The chain each node serves, as its rpc-fork and rpc-stuck faults shape it. */
export class NodeViews {
  private readonly forks = new Map<string, ForkBranch>();
  private readonly keysByAddress: Map<string, DevKey>;

  constructor(
    private readonly chain: BftChain,
    keys: DevKey[],
    private readonly validators: string[],
    private readonly store: FaultStore,
  ) {
    this.keysByAddress = new Map(keys.map((k) => [k.address, k]));
  }

  /** Node `name`'s view: canonical, or a side branch, possibly frozen at a stuck head. */
  viewOf(name: string): ChainView {
    const fork = this.store.get('rpc-fork', name);
    const base = fork
      ? this.branch(name, Number(fork.params.fromBlock))
      : canonicalView(this.chain);
    const stuck = this.store.get('rpc-stuck', name);
    return stuck ? stuckView(base, Number(stuck.params.head)) : base;
  }

  /** Besu's eth_syncing for node `name`: an object while it is stuck behind the chain. */
  syncingOf(name: string): false | JsonObject {
    const stuck = this.store.get('rpc-stuck', name);
    if (!stuck) return false;
    const current = hex(Math.min(Number(stuck.params.head), this.chain.head()));
    return { startingBlock: current, currentBlock: current, highestBlock: hex(this.chain.head()) };
  }

  // One branch per node and fork point, so its hashes stay stable while the fault is on.
  private branch(name: string, fromBlock: number): ForkBranch {
    const key = `${name}@${fromBlock}`;
    let branch = this.forks.get(key);
    if (!branch) {
      branch = new ForkBranch(this.chain, this.keysByAddress, this.validators, fromBlock);
      this.forks.set(key, branch);
    }
    return branch;
  }
}
