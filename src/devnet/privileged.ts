import { CLIENT_VERSION } from './besu-rpc.js';
import { isJsonObject, rpcFailure, rpcResult, type Json, type RpcResponse } from './jsonrpc.js';

// What a misconfigured gateway leaks when it serves these read-only methods. Everything else of
// an exposed group answers -32602, as a served method does to a probe's deliberately bad params.
const READ_ONLY_ANSWERS: Readonly<Record<string, Json>> = {
  admin_nodeInfo: {
    enode: `enode://${'ab'.repeat(64)}@10.0.0.11:30303`,
    name: CLIENT_VERSION,
    ports: { discovery: 30303, listener: 30303 },
  },
  admin_peers: [],
  debug_getBadBlocks: [],
  txpool_besuTransactions: [],
  txpool_content: { pending: {}, queued: {} },
};

/**
 * The gateway's answer to a request for a method of an exposed API group (`groups`: admin,
 * debug, ...), or undefined when the request is not for one. Only single requests are served;
 * nothing here changes devnet state.
 */
export function answerPrivileged(body: string, groups: readonly string[]): string | undefined {
  let request: unknown;
  try {
    request = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isJsonObject(request) || typeof request.method !== 'string') return undefined;
  const group = request.method.split('_')[0] ?? '';
  if (!groups.includes(group)) return undefined;
  const id = request.id ?? null;
  const known = READ_ONLY_ANSWERS[request.method];
  const response: RpcResponse =
    known === undefined
      ? rpcFailure(id, { code: -32602, message: 'Invalid params' })
      : rpcResult(id, known);
  return JSON.stringify(response);
}
