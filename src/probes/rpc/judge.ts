import { RpcError } from '../../rpc/errors.js';
import { parseSafeQuantity } from '../../rpc/hex.js';

/** What eth_syncing says: not syncing, or how far behind the node is. */
export interface SyncState {
  syncing: boolean;
  /** highestBlock - currentBlock while syncing, else 0. */
  blocksBehind: number;
}

/** Decodes eth_syncing: `false`, or an object with currentBlock and highestBlock. */
export function decodeSyncing(result: unknown): SyncState {
  if (result === false) return { syncing: false, blocksBehind: 0 };
  if (result === null || typeof result !== 'object' || Array.isArray(result)) {
    throw new RpcError('bad_response', 'eth_syncing is neither false nor an object');
  }
  const obj = result as Record<string, unknown>;
  const current = parseSafeQuantity(obj.currentBlock, 'eth_syncing.currentBlock');
  const highest = parseSafeQuantity(obj.highestBlock, 'eth_syncing.highestBlock');
  return { syncing: true, blocksBehind: Math.max(0, highest - current) };
}

/** Decodes eth_chainId and judges it against the expected chain id. */
export function judgeChainId(
  result: unknown,
  expected: number,
): { chainId: number; matches: boolean } {
  const chainId = parseSafeQuantity(result, 'eth_chainId');
  return { chainId, matches: chainId === expected };
}
