/**
 * The privileged JSON-RPC methods the `security` probe asks every public endpoint for, with the
 * exact params it sends. Reviewed list: each entry is either read-only or sent with params that
 * name nothing to act on, so an endpoint that serves the method answers -32602 Invalid params
 * (or a harmless read) and changes no state. Never add a method here that writes with the given
 * params; test/security/requests.test.ts inspects every request the probe sends.
 */
export const PRIVILEGED_METHODS = [
  // ADMIN: read-only, returns this node's enode, ports and protocols.
  { method: 'admin_nodeInfo', params: [] },
  // ADMIN: read-only, lists connected peers and their addresses.
  { method: 'admin_peers', params: [] },
  // DEBUG: the block parameter is not a block number, so nothing is traced (-32602 if served).
  { method: 'debug_traceBlockByNumber', params: ['not-a-block'] },
  // DEBUG: read-only list of invalid blocks this node saw.
  { method: 'debug_getBadBlocks', params: [] },
  // TRACE: the block parameter is not a block number, so nothing is traced (-32602 if served).
  { method: 'trace_block', params: ['not-a-block'] },
  // TXPOOL: read-only, every pending transaction in the pool (Besu's name).
  { method: 'txpool_besuTransactions', params: [] },
  // TXPOOL: read-only, the pool's contents (Geth's name, served by some gateways' backends).
  { method: 'txpool_content', params: [] },
  // MINER: read-only getter; miner_start/stop/set* are never sent.
  { method: 'miner_getMinGasPrice', params: [] },
  // PERSONAL: read-only list of the node's unlocked-capable accounts (Geth-style backends).
  { method: 'personal_listAccounts', params: [] },
  // PERM: read-only, the node allowlist.
  { method: 'perm_getNodesAllowlist', params: [] },
  // QBFT: no params at all, so there is no address to vote for: -32602 if served.
  { method: 'qbft_proposeValidatorVote', params: [] },
  // QBFT: no params at all, so there is no vote to discard: -32602 if served.
  { method: 'qbft_discardValidatorVote', params: [] },
  // IBFT: as for QBFT, no params, nothing to vote for.
  { method: 'ibft_proposeValidatorVote', params: [] },
  // IBFT: as for QBFT, no params, nothing to discard.
  { method: 'ibft_discardValidatorVote', params: [] },
] as const satisfies ReadonlyArray<{ method: string; params: readonly string[] }>;

/** The name of a method on the reviewed list: the only values of the `method` label. */
export type PrivilegedMethod = (typeof PRIVILEGED_METHODS)[number]['method'];

/**
 * Methods the probe may call for its other checks (chain identity, validators, accounts,
 * contracts): all read-only. Tests hold every request the probe sends against this list plus
 * PRIVILEGED_METHODS.
 */
export const READ_METHODS = [
  'eth_chainId',
  'eth_blockNumber',
  'eth_getBlockByNumber',
  'eth_getBalance',
  'eth_getTransactionCount',
  'eth_call',
  'eth_getStorageAt',
  'qbft_getValidatorsByBlockNumber',
  'qbft_getPendingVotes',
] as const;
