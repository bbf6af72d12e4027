import type { ErrorClass } from '../../engine/error-class.js';
import { RpcError } from '../../rpc/errors.js';

/** How eth_sendRawTransaction failed, as far as the sender could tell. */
export interface SendFailure {
  /** Transport class when no JSON-RPC answer arrived (timeout, connection_refused, ...). */
  transport?: ErrorClass;
  /** HTTP status when it was not 200 (and not Besu's 400 with a JSON-RPC body). */
  httpStatus?: number;
  /** JSON-RPC error code. */
  rpcCode?: number;
  /** JSON-RPC error message; used for classification only, never logged or labelled. */
  message?: string;
}

/** A send failure's class, or `already_known` when the node already holds this transaction. */
export type SendVerdict = ErrorClass | 'already_known';

// Node texts, lower-cased, first match wins (replacement before plain underpriced). Besu's are
// RpcErrorType's messages; anvil's and geth's are their pool and validation errors.
const MESSAGE_CLASSES: ReadonlyArray<readonly [RegExp, SendVerdict]> = [
  [/nonce too low|nonce has already been used/, 'rejected_nonce_too_low'],
  [
    /replacement transaction underpriced|replacement fee too low|to replace existing/,
    'rejected_underpriced',
  ],
  [/known transaction|already known|already imported/, 'already_known'],
  [
    /underpriced|gas price below|gas price too low|less than block base fee/,
    'rejected_underpriced',
  ],
  [/fee cap too low|feecap too low|below current base fee/, 'rejected_underpriced'],
  [/pool is full|txpool is full|pool_full|transaction pool full/, 'rejected_pool_full'],
  [/insufficient funds|upfront cost exceeds|exceeds account balance/, 'insufficient_funds'],
];

// Limitation: Besu's RpcErrorType has no pool-full error (its pools evict instead), so
// rejected_pool_full is seen only from clients and proxies that refuse (geth's "txpool is full").
// Besu's codes when a proxy replaced the message (RpcErrorType): -32001 NONCE_TOO_LOW,
// -32004 TRANSACTION_UPFRONT_COST_EXCEEDS_BALANCE, -32009 GAS_PRICE_TOO_LOW and
// GAS_PRICE_BELOW_CURRENT_BASE_FEE; -32601/-32604 method not found / not enabled.
const CODE_CLASSES: ReadonlyMap<number, SendVerdict> = new Map([
  [-32001, 'rejected_nonce_too_low'],
  [-32004, 'insufficient_funds'],
  [-32009, 'rejected_underpriced'],
  [-32601, 'send_refused'],
  [-32604, 'send_refused'],
]);

/**
 * The class of a failed eth_sendRawTransaction: the one place node error texts are read. An
 * HTTP error status or a method the path does not serve is send_refused; unknown texts are
 * rpc_error.
 */
export function classifySendFailure(failure: SendFailure): SendVerdict {
  if (failure.httpStatus !== undefined) return 'send_refused';
  if (failure.rpcCode === undefined) return failure.transport ?? 'network';
  if (failure.rpcCode === -32601 || failure.rpcCode === -32604) return 'send_refused';

  const message = (failure.message ?? '').toLowerCase();
  for (const [pattern, verdict] of MESSAGE_CLASSES) if (pattern.test(message)) return verdict;
  return CODE_CLASSES.get(failure.rpcCode) ?? 'rpc_error';
}

/** What a thrown error says about a failed send; anything but an RpcError is internal. */
export function sendFailureOf(err: unknown): SendFailure {
  if (!(err instanceof RpcError)) return { transport: 'internal' };
  const { httpStatus, rpcCode, rpcMessage } = err.extra;
  // Besu's HTTP 400 carries a JSON-RPC error: the code decides, not the status.
  if (rpcCode !== undefined) return { rpcCode, message: rpcMessage ?? '' };
  if (httpStatus !== undefined) return { httpStatus };
  return { transport: err.code };
}
