/** A JSON value as carried by JSON-RPC. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** A JSON-RPC 2.0 request (single). */
export interface RpcRequest {
  jsonrpc?: string;
  id?: Json;
  method: string;
  params?: Json[];
}

/** A JSON-RPC error object, Besu shape: data omitted when absent. */
export interface RpcErrorObject {
  code: number;
  message: string;
  data?: string;
}

/** A JSON-RPC 2.0 response. */
export type RpcResponse =
  { jsonrpc: '2.0'; id: Json; result: Json } | { jsonrpc: '2.0'; id: Json; error: RpcErrorObject };

/** Besu's error messages by code (RpcErrorType), the ones the devnet answers. */
export const BESU_ERRORS = {
  parse: { code: -32700, message: 'Parse error' },
  invalidRequest: { code: -32600, message: 'Invalid Request' },
  methodNotFound: { code: -32601, message: 'Method not found' },
  methodNotEnabled: { code: -32604, message: 'Method not enabled' },
  internal: { code: -32603, message: 'Internal error' },
  invalidBlockParams: { code: -32602, message: 'Invalid block number params' },
  invalidBlockParam: { code: -32602, message: 'Invalid block param (block not found)' },
  invalidBlockHash: { code: -32602, message: 'Invalid block hash params' },
  batchTooLarge: { code: -32005, message: 'Number of requests exceeds max batch size' },
  unknownBlock: { code: -39001, message: 'Unknown block' },
} as const satisfies Record<string, RpcErrorObject>;

/** An error carrying a JSON-RPC error object, thrown by method handlers and clients. */
export class RpcError extends Error {
  /** The JSON-RPC error object to answer with. */
  readonly rpc: RpcErrorObject;

  constructor(rpc: RpcErrorObject, options?: { cause?: unknown }) {
    super(rpc.message, options);
    this.name = 'RpcError';
    this.rpc = rpc;
  }
}

/** Builds a successful response. */
export function rpcResult(id: Json, result: Json): RpcResponse {
  return { jsonrpc: '2.0', id, result };
}

/** Builds an error response. */
export function rpcFailure(id: Json, error: RpcErrorObject): RpcResponse {
  return { jsonrpc: '2.0', id, error: { ...error } };
}

/** Tells whether `value` is a plain JSON object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

let nextId = 1;

/** Calls `method` on the JSON-RPC endpoint `url`; throws RpcError on an error response. */
export async function callRpc(
  url: string,
  method: string,
  params: Json[] = [],
  timeoutMs = 10_000,
): Promise<Json> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new Error(`${method}: HTTP ${response.status} with a non-JSON body`, { cause: err });
  }
  if (!isJsonObject(body)) throw new Error(`${method}: HTTP ${response.status}, not an object`);
  if (isJsonObject(body.error)) {
    const { code, message, data } = body.error;
    const rpc: RpcErrorObject = { code: Number(code), message: String(message) };
    if (typeof data === 'string') rpc.data = data;
    throw new RpcError(rpc);
  }
  return body.result ?? null;
}

/**
 * Tells whether `err` (from callRpc) means the endpoint could not be reached or stopped
 * answering (connection refused or reset, timeout), as opposed to an answer or a bug.
 */
export function isUnreachableError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return true;
  // undici: 'fetch failed' (cause ECONNREFUSED, ECONNRESET...), 'terminated' (body cut off).
  return (
    err instanceof TypeError && (err.message === 'fetch failed' || err.message === 'terminated')
  );
}
