import { quorumSize } from '../consensus/proposer.js';
import type { BftChain } from './bft-chain.js';
import { canonicalView, ForkBranch, sealSetView, stuckView, type ChainView } from './chain-view.js';
import type { FaultStore } from './faults.js';
import type { JsonObject } from './jsonrpc.js';
import type { DevKey } from './keys.js';

const hex = (n: number) => `0x${n.toString(16)}`;

/** The chain each node serves, as its rpc-fork and rpc-stuck faults shape it. */
export class NodeViews {
  private readonly forks = new Map<string, ForkBranch>();
  private readonly keysByAddress: Map<string, DevKey>;
  private readonly quorum: number;

  constructor(
    private readonly chain: BftChain,
    private readonly keys: DevKey[],
    private readonly validators: string[],
    private readonly store: FaultStore,
  ) {
    this.keysByAddress = new Map(keys.map((k) => [k.address, k]));
    this.quorum = quorumSize(validators.length);
  }

  /**
   * Node `name`'s view: canonical or a side branch, possibly frozen at a stuck head, with the
   * node's own seal sets. `nodeIndex` is the node's position among all nodes.
   */
  viewOf(name: string, nodeIndex: number): ChainView {
    const fork = this.store.get('rpc-fork', name);
    const base = fork
      ? this.branch(name, Number(fork.params.fromBlock))
      : canonicalView(this.chain);
    const own = /^validator-(\d+)$/.exec(name);
    const ownAddress = own ? this.keys[Number(own[1])]?.address : undefined;
    const sealed = sealSetView(base, this.quorum, nodeIndex, ownAddress);
    const stuck = this.store.get('rpc-stuck', name);
    return stuck ? stuckView(sealed, Number(stuck.params.head)) : sealed;
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
