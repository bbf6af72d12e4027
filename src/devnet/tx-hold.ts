/** A signed transaction kept in the pool but never mined (the stuck-transaction fault). */
export interface HeldTransaction {
  hash: string;
  raw: string;
  nonce: number;
}

/**
 * Transactions the block producer must leave unmined: it drops them from anvil's pool before
 * each block and re-submits them after, so pending nonce stays above latest, as with an
 * underpriced transaction stuck in Besu's pool.
 */
export class TxHold {
  private readonly held = new Map<string, HeldTransaction>();

  /** Holds `tx` until release(). */
  hold(tx: HeldTransaction): void {
    this.held.set(tx.hash, tx);
  }

  /** Lets every held transaction be mined with the next block. */
  release(): void {
    this.held.clear();
  }

  /** Releases held transactions that can no longer be pending (their nonce is mined). */
  releaseMined(latestNonce: number): void {
    for (const [hash, tx] of this.held) if (tx.nonce < latestNonce) this.held.delete(hash);
  }

  /** The nonce after the highest held one, or undefined when nothing is held. */
  nextNonce(): number | undefined {
    const nonces = [...this.held.values()].map((tx) => tx.nonce);
    return nonces.length === 0 ? undefined : Math.max(...nonces) + 1;
  }

  /** The held transactions. */
  entries(): HeldTransaction[] {
    return [...this.held.values()];
  }
}
