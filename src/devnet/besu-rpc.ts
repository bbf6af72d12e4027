import type { ChainView } from './chain-view.js';
import type { BftChain } from './bft-chain.js';
import { serveBlock } from './bft-chain.js';
import {
  BESU_ERRORS,
  RpcError,
  callRpc,
  isJsonObject,
  rpcFailure,
  rpcResult,
  type Json,
  type JsonObject,
  type RpcErrorObject,
  type RpcRequest,
  type RpcResponse,
} from './jsonrpc.js';

/** Besu's client version string as the devnet reports it. */
export const CLIENT_VERSION = 'besu/v26.3.0/linux-x86_64/openjdk-java-21';

/** Besu's default --rpc-http-max-batch-size. */
export const MAX_BATCH_SIZE = 1024;

/** What one node's JSON-RPC handler reads from the devnet, evaluated per request. */
export interface NodeRpcContext {
  name: string;
  qbftApi: boolean;
  anvilUrl: string;
  chain: BftChain;
  validators: string[];
  requestTimeoutSeconds: number;
  /** The chain as this node sees it (canonical, stuck, or a side branch). */
  view(): ChainView;
  chainId(): number;
  peerCount(): number;
  /** Besu's eth_syncing result: false, or {startingBlock, currentBlock, highestBlock}. */
  syncing(): false | JsonObject;
  /** This node's validator address, for validator nodes. */
  validatorAddress?: string;
  /** Votes proposed through qbft_proposeValidatorVote (recorded, never applied). */
  pendingVotes: Map<string, boolean>;
  /** Votes a fault adds to the recorded ones (validator-vote-unknown). */
  faultVotes?(): Array<[string, boolean]>;
  /** Why anvil cannot serve (it exited or stopped answering), or undefined while it is up. */
  anvilDown?(): string | undefined;
}

const QBFT_METHODS = new Set([
  'qbft_getValidatorsByBlockNumber',
  'qbft_getValidatorsByBlockHash',
  'qbft_getSignerMetrics',
  'qbft_getPendingVotes',
  'qbft_getRequestTimeoutSeconds',
  'qbft_proposeValidatorVote',
  'qbft_discardValidatorVote',
]);

// Groups Besu knows but that these nodes do not enable (default APIs are ETH, NET, WEB3), and
// IBFT methods, which a QBFT chain does not register.
// Limitation: every name with these prefixes answers -32604, even ones Besu does not have.
const DISABLED_PREFIXES = [
  'admin_',
  'debug_',
  'txpool_',
  'trace_',
  'miner_',
  'perm_',
  'priv_',
  'eea_',
  'plugins_',
  'ibft_',
];

/** eth_ methods forwarded to anvil with the block parameter at this index resolved first. */
const BLOCK_PARAM_INDEX: Record<string, number> = {
  eth_getBalance: 1,
  eth_getCode: 1,
  eth_getTransactionCount: 1,
  eth_getStorageAt: 2,
  eth_call: 1,
  eth_estimateGas: 1,
  eth_getProof: 2,
  eth_createAccessList: 1,
  eth_feeHistory: 1,
};

/** eth_/web3_ methods forwarded unchanged (results get anvil hashes rewritten). */
const FORWARDED = new Set([
  'eth_gasPrice',
  'eth_maxPriorityFeePerGas',
  'eth_sendRawTransaction',
  'eth_newFilter',
  'eth_newBlockFilter',
  'eth_newPendingTransactionFilter',
  'eth_getFilterChanges',
  'eth_getFilterLogs',
  'eth_uninstallFilter',
  'web3_sha3',
  'eth_blobBaseFee',
]);

type Handler = (params: Json[], ctx: NodeRpcContext) => Promise<Json>;

const hex = (n: number) => `0x${n.toString(16)}`;

/** Answers one JSON-RPC request the way a Besu QBFT node would. */
export async function handleRequest(request: unknown, ctx: NodeRpcContext): Promise<RpcResponse> {
  if (!isJsonObject(request) || typeof request.method !== 'string') {
    return rpcFailure(null, BESU_ERRORS.invalidRequest);
  }
  const req = request as unknown as RpcRequest;
  const id = req.id ?? null;
  const params = Array.isArray(req.params) ? req.params : [];
  try {
    return rpcResult(id, await dispatch(req.method, params, ctx));
  } catch (err) {
    if (err instanceof RpcError) return rpcFailure(id, err.rpc);
    return rpcFailure(id, BESU_ERRORS.internal);
  }
}

/**
 * Re-shapes anvil's errors for the cases a client is likely to meet into Besu's codes and
 * messages (RpcErrorType); anything else passes through as anvil wrote it.
 * Limitation: only reverts, funds and nonce errors are mapped.
 */
export function toBesuError(anvilError: RpcErrorObject): RpcErrorObject {
  const message = anvilError.message.toLowerCase();
  if (anvilError.code === 3 || message.startsWith('execution reverted')) {
    const reason = anvilError.message.replace(/^execution reverted:?\s*/i, '');
    return {
      code: -32000,
      message: reason ? `Execution reverted: ${reason}` : 'Execution reverted',
      ...(anvilError.data === undefined ? {} : { data: anvilError.data }),
    };
  }
  if (message.includes('insufficient funds')) {
    return { code: -32004, message: 'Upfront cost exceeds account balance' };
  }
  if (message.includes('nonce too low')) return { code: -32001, message: 'Nonce too low' };
  return anvilError;
}

async function dispatch(method: string, params: Json[], ctx: NodeRpcContext): Promise<Json> {
  if (QBFT_METHODS.has(method)) {
    if (!ctx.qbftApi) throw new RpcError(BESU_ERRORS.methodNotEnabled);
    return (QBFT_HANDLERS[method] as Handler)(params, ctx);
  }
  if (DISABLED_PREFIXES.some((prefix) => method.startsWith(prefix))) {
    throw new RpcError(BESU_ERRORS.methodNotEnabled);
  }
  const handler = ETH_HANDLERS[method];
  if (handler) return handler(params, ctx);
  if (method in BLOCK_PARAM_INDEX) return forwardWithBlock(method, params, ctx);
  if (FORWARDED.has(method)) return rewriteHashes(await anvil(ctx, method, params), ctx);
  throw new RpcError(BESU_ERRORS.methodNotFound);
}

async function anvil(ctx: NodeRpcContext, method: string, params: Json[]): Promise<Json> {
  try {
    return await callRpc(ctx.anvilUrl, method, params);
  } catch (err) {
    if (err instanceof RpcError) throw new RpcError(toBesuError(err.rpc));
    throw err;
  }
}

/** Resolves a block tag or number to a served block number; throws Besu's errors. */
export function resolveBlockNumber(param: Json | undefined, view: ChainView): number {
  if (param === undefined || param === null || param === 'latest' || param === 'pending') {
    return view.head();
  }
  if (param === 'earliest') return 0;
  if (param === 'safe' || param === 'finalized') throw new RpcError(BESU_ERRORS.unknownBlock);
  if (typeof param === 'string' && /^0x[0-9a-fA-F]+$/.test(param)) return Number(param);
  // Decimal block numbers are deprecated in Besu 26.3 but still accepted.
  if (typeof param === 'string' && /^[0-9]+$/.test(param)) return Number(param);
  throw new RpcError(BESU_ERRORS.invalidBlockParam);
}

function isHash(value: Json | undefined): value is string {
  return typeof value === 'string' && /^0x[0-9a-fA-F]{64}$/.test(value);
}

/** Replaces every anvil block hash in `value` with the hash this node serves for that block. */
function rewriteHashes(value: Json, ctx: NodeRpcContext): Json {
  if (typeof value === 'string') {
    if (value.length !== 66) return value;
    const number = ctx.chain.numberOfAnvilHash(value);
    return number === undefined ? value : (ctx.view().record(number)?.hash ?? value);
  }
  if (Array.isArray(value)) return value.map((item) => rewriteHashes(item, ctx));
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) out[key] = rewriteHashes(item, ctx);
  return out;
}

/** Drops an object (tx, receipt, log) whose block is above this node's head: it has not seen it. */
function hideUnseen(value: Json, ctx: NodeRpcContext): Json {
  if (!isJsonObject(value) || typeof value.blockNumber !== 'string') return value;
  return Number(value.blockNumber) > ctx.view().head() ? null : value;
}

async function blockAt(number: number, full: boolean, ctx: NodeRpcContext): Promise<Json> {
  const record = ctx.view().record(number);
  if (!record || number > ctx.view().head()) return null;
  const block = await anvil(ctx, 'eth_getBlockByHash', [record.anvilHash, full]);
  if (!isJsonObject(block)) return null;
  return serveBlock(block, record);
}

function anvilHashOf(hash: Json | undefined, ctx: NodeRpcContext): string | undefined {
  if (!isHash(hash)) throw new RpcError(BESU_ERRORS.invalidBlockHash);
  const number = ctx.view().numberOfHash(hash);
  return number === undefined ? undefined : ctx.view().record(number)?.anvilHash;
}

/** Resolves the block parameter (tag, number or EIP-1898 object) to what anvil should get. */
function anvilBlockParam(param: Json | undefined, ctx: NodeRpcContext): Json {
  if (param === 'pending' && ctx.view().head() === ctx.chain.head()) return 'pending';
  if (isJsonObject(param)) {
    if (param.blockHash !== undefined) {
      const anvilHash = anvilHashOf(param.blockHash, ctx);
      if (!anvilHash) throw new RpcError(BESU_ERRORS.invalidBlockHash);
      return { blockHash: anvilHash };
    }
    return hex(resolveBlockNumber(param.blockNumber, ctx.view()));
  }
  const number = resolveBlockNumber(param, ctx.view());
  if (number > ctx.view().head()) throw new RpcError(BESU_ERRORS.invalidBlockParam);
  return hex(number);
}

async function forwardWithBlock(method: string, params: Json[], ctx: NodeRpcContext) {
  const index = BLOCK_PARAM_INDEX[method] as number;
  const forwarded = [...params];
  // eth_estimateGas and eth_createAccessList may omit the block: Besu then uses 'pending'.
  if (params.length > index || method === 'eth_call') {
    forwarded[index] = anvilBlockParam(params[index], ctx);
  }
  return rewriteHashes(await anvil(ctx, method, forwarded), ctx);
}

async function getLogs(params: Json[], ctx: NodeRpcContext): Promise<Json> {
  const filter = isJsonObject(params[0]) ? { ...params[0] } : {};
  const head = ctx.view().head();
  if (filter.blockHash !== undefined) {
    const anvilHash = anvilHashOf(filter.blockHash, ctx);
    if (!anvilHash) return [];
    filter.blockHash = anvilHash;
  } else {
    const from = resolveBlockNumber(filter.fromBlock ?? 'latest', ctx.view());
    const to = Math.min(resolveBlockNumber(filter.toBlock ?? 'latest', ctx.view()), head);
    if (from > to) return [];
    Object.assign(filter, { fromBlock: hex(from), toBlock: hex(to) });
  }
  const logs = await anvil(ctx, 'eth_getLogs', [filter]);
  return rewriteHashes(Array.isArray(logs) ? logs : [], ctx);
}

async function byBlockHash(method: string, params: Json[], ctx: NodeRpcContext) {
  const anvilHash = anvilHashOf(params[0], ctx);
  if (!anvilHash) return null;
  return rewriteHashes(await anvil(ctx, method, [anvilHash, ...params.slice(1)]), ctx);
}

async function byBlockNumber(method: string, params: Json[], ctx: NodeRpcContext) {
  const number = resolveBlockNumber(params[0], ctx.view());
  const record = ctx.view().record(number);
  if (!record || number > ctx.view().head()) return null;
  const anvilMethod = method
    .replace('ByNumber', 'ByHash')
    .replace('NumberAndIndex', 'HashAndIndex');
  return rewriteHashes(await anvil(ctx, anvilMethod, [record.anvilHash, ...params.slice(1)]), ctx);
}

const ETH_HANDLERS: Record<string, Handler> = {
  web3_clientVersion: async () => CLIENT_VERSION,
  net_version: async (_p, ctx) => String(ctx.chainId()),
  net_listening: async () => true,
  net_peerCount: async (_p, ctx) => hex(ctx.peerCount()),
  eth_chainId: async (_p, ctx) => hex(ctx.chainId()),
  eth_protocolVersion: async () => '0x44',
  eth_accounts: async () => [],
  eth_mining: async (_p, ctx) => ctx.validatorAddress !== undefined,
  eth_hashrate: async () => '0x0',
  eth_syncing: async (_p, ctx) => ctx.syncing(),
  eth_blockNumber: async (_p, ctx) => hex(ctx.view().head()),
  eth_getBlockByNumber: async (p, ctx) =>
    blockAt(resolveBlockNumber(p[0], ctx.view()), p[1] === true, ctx),
  eth_getBlockByHash: async (p, ctx) => {
    const number = isHash(p[0]) ? ctx.view().numberOfHash(p[0]) : undefined;
    if (!isHash(p[0])) throw new RpcError(BESU_ERRORS.invalidBlockHash);
    return number === undefined ? null : blockAt(number, p[1] === true, ctx);
  },
  eth_getBlockTransactionCountByHash: (p, ctx) =>
    byBlockHash('eth_getBlockTransactionCountByHash', p, ctx),
  eth_getBlockTransactionCountByNumber: (p, ctx) =>
    byBlockNumber('eth_getBlockTransactionCountByNumber', p, ctx),
  eth_getTransactionByBlockHashAndIndex: (p, ctx) =>
    byBlockHash('eth_getTransactionByBlockHashAndIndex', p, ctx),
  eth_getTransactionByBlockNumberAndIndex: (p, ctx) =>
    byBlockNumber('eth_getTransactionByBlockNumberAndIndex', p, ctx),
  eth_getBlockReceipts: async (p, ctx) => {
    const number = isHash(p[0])
      ? ctx.view().numberOfHash(p[0])
      : resolveBlockNumber(p[0], ctx.view());
    const record = number === undefined ? undefined : ctx.view().record(number);
    if (!record || (number ?? 0) > ctx.view().head()) return null;
    return rewriteHashes(await anvil(ctx, 'eth_getBlockReceipts', [record.anvilHash]), ctx);
  },
  eth_getUncleCountByBlockHash: async () => '0x0',
  eth_getUncleCountByBlockNumber: async () => '0x0',
  eth_getTransactionByHash: async (p, ctx) =>
    hideUnseen(rewriteHashes(await anvil(ctx, 'eth_getTransactionByHash', p), ctx), ctx),
  eth_getTransactionReceipt: async (p, ctx) =>
    hideUnseen(rewriteHashes(await anvil(ctx, 'eth_getTransactionReceipt', p), ctx), ctx),
  eth_getLogs: getLogs,
};

function validatorsAt(number: number, ctx: NodeRpcContext): Json {
  // Header mode with no votes: every block carries (and is validated by) the same set.
  return ctx.view().record(number) && number <= ctx.view().head() ? [...ctx.validators] : null;
}

function signerMetrics(params: Json[], ctx: NodeRpcContext): Json {
  const head = ctx.view().head();
  const from =
    params[0] === undefined ? Math.max(0, head - 100) : resolveBlockNumber(params[0], ctx.view());
  const to = Math.min(
    params[1] === undefined ? head : resolveBlockNumber(params[1], ctx.view()),
    head,
  );
  if (from >= to) throw new RpcError(BESU_ERRORS.invalidBlockParams);

  // [from, to): Besu excludes the end block; counts are by coinbase.
  const metrics = new Map<string, { count: number; last: number }>();
  for (let n = from; n < to; n++) {
    const miner = ctx.view().record(n)?.miner;
    if (miner === undefined) continue;
    const entry = metrics.get(miner) ?? { count: 0, last: 0 };
    metrics.set(miner, { count: entry.count + 1, last: n });
  }
  for (const validator of ctx.validators) {
    if (!metrics.has(validator)) metrics.set(validator, { count: 0, last: 0 });
  }
  return [...metrics].map(([address, m]) => ({
    address,
    proposedBlockCount: hex(m.count),
    lastProposedBlockNumber: hex(m.last),
  }));
}

const QBFT_HANDLERS: Record<string, Handler> = {
  qbft_getValidatorsByBlockNumber: async (p, ctx) =>
    validatorsAt(resolveBlockNumber(p[0], ctx.view()), ctx),
  qbft_getValidatorsByBlockHash: async (p, ctx) => {
    if (!isHash(p[0])) throw new RpcError(BESU_ERRORS.invalidBlockHash);
    const number = ctx.view().numberOfHash(p[0]);
    return number === undefined ? null : validatorsAt(number, ctx);
  },
  qbft_getSignerMetrics: async (p, ctx) => signerMetrics(p, ctx),
  qbft_getPendingVotes: async (_p, ctx) =>
    Object.fromEntries([...ctx.pendingVotes, ...(ctx.faultVotes?.() ?? [])]),
  qbft_getRequestTimeoutSeconds: async (_p, ctx) => ctx.requestTimeoutSeconds,
  qbft_proposeValidatorVote: async (p, ctx) => {
    if (typeof p[0] !== 'string' || typeof p[1] !== 'boolean') {
      throw new RpcError({ code: -32602, message: 'Invalid params' });
    }
    ctx.pendingVotes.set(p[0].toLowerCase(), p[1]);
    return true;
  },
  qbft_discardValidatorVote: async (p, ctx) => {
    if (typeof p[0] !== 'string') throw new RpcError({ code: -32602, message: 'Invalid params' });
    ctx.pendingVotes.delete(p[0].toLowerCase());
    return true;
  },
};
