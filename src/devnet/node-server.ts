import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleRequest, MAX_BATCH_SIZE, type NodeRpcContext } from './besu-rpc.js';
import { readBody, sendJson, sendPrettyJson, type RequestHandler } from './http-endpoint.js';
import { BESU_ERRORS, isJsonObject, rpcFailure, type RpcResponse } from './jsonrpc.js';

/** The HTTP-level faults of one node, read per request. */
export interface NodeHttpFaults {
  hangs(): boolean;
  latencyMs(): number;
  /** Requests per second allowed before 429 (0: none), or undefined when not limited. */
  rateLimit(): number | undefined;
  error(): { rate: number; mode: string } | undefined;
}

/** Builds the request handler of a Besu-like node: JSON-RPC on POST /, health on GET. */
export function createNodeHandler(
  ctx: NodeRpcContext,
  faults: NodeHttpFaults,
  random: () => number = Math.random,
): RequestHandler {
  const recent: number[] = [];

  return async (req, res) => {
    if (faults.hangs()) return; // Accept and never answer; the socket dies when the node stops.
    const latency = faults.latencyMs();
    if (latency > 0) await sleep(latency);
    if (isRateLimited(recent, faults.rateLimit())) {
      res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '1' });
      res.end('Too Many Requests');
      return;
    }
    const error = faults.error();
    const failing = error !== undefined && random() < error.rate;
    const mode = error?.mode === 'mixed' ? (random() < 0.5 ? 'jsonrpc' : 'http500') : error?.mode;
    if (failing && mode === 'http500') {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal Server Error');
      return;
    }
    await route(req, res, ctx, failing);
  };
}

function isRateLimited(recent: number[], rps: number | undefined): boolean {
  if (rps === undefined) return false;
  const now = Date.now();
  while (recent.length > 0 && (recent[0] as number) < now - 1000) recent.shift();
  if (recent.length >= rps) return true;
  recent.push(now);
  return false;
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: NodeRpcContext,
  fail: boolean,
) {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method === 'GET' && url.pathname === '/liveness') {
    sendPrettyJson(res, 200, { status: 'UP' });
  } else if (req.method === 'GET' && url.pathname === '/readiness') {
    const ready = isReady(ctx, url.searchParams);
    sendPrettyJson(res, ready ? 200 : 503, { status: ready ? 'UP' : 'DOWN' });
  } else if (req.method === 'GET' && url.pathname === '/') {
    res.writeHead(201);
    res.end();
  } else if (req.method === 'POST' && url.pathname === '/' && ctx.anvilDown?.()) {
    await serveAnvilDown(req, res, ctx.anvilDown() as string);
  } else if (req.method === 'POST' && url.pathname === '/') {
    await serveJsonRpc(req, res, ctx, fail);
  } else {
    res.writeHead(404);
    res.end();
  }
}

/** Besu ReadinessCheck: enough peers and within maxBlocksBehind; a non-number gives DOWN. */
export function isReady(ctx: NodeRpcContext, query: URLSearchParams): boolean {
  const minPeers = Number(query.get('minPeers') ?? '1');
  const maxBehind = Number(query.get('maxBlocksBehind') ?? '2');
  if (!Number.isInteger(minPeers) || !Number.isInteger(maxBehind)) return false;
  if (ctx.anvilDown?.()) return false;
  if (ctx.peerCount() < minPeers) return false;

  const sync = ctx.syncing();
  if (sync === false) return true;
  return Number(sync.highestBlock) - Number(sync.currentBlock) <= maxBehind;
}

async function serveJsonRpc(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: NodeRpcContext,
  fail: boolean,
) {
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    sendJson(res, 400, rpcFailure(null, BESU_ERRORS.parse));
    return;
  }
  const answer = (request: unknown): Promise<RpcResponse> =>
    fail ? Promise.resolve(internalError(request)) : handleRequest(request, ctx);

  if (Array.isArray(body)) {
    if (body.length === 0) return sendJson(res, 400, rpcFailure(null, BESU_ERRORS.invalidRequest));
    if (body.length > MAX_BATCH_SIZE) {
      return sendJson(res, 200, rpcFailure(null, BESU_ERRORS.batchTooLarge));
    }
    sendJson(res, 200, await Promise.all(body.map(answer)));
    return;
  }
  if (!isJsonObject(body) || typeof body.method !== 'string') {
    sendJson(res, 400, rpcFailure(null, BESU_ERRORS.invalidRequest));
    return;
  }
  sendJson(res, 200, await answer(body));
}

function internalError(request: unknown): RpcResponse {
  const id = isJsonObject(request) ? (request.id ?? null) : null;
  return rpcFailure(id, BESU_ERRORS.internal);
}

/**
 * The node has lost its EVM (the devnet's anvil): answer at once, HTTP 502 with a JSON-RPC
 * internal error whose `data` says why, rather than let the client wait for a timeout.
 */
async function serveAnvilDown(req: IncomingMessage, res: ServerResponse, reason: string) {
  let id: unknown = null;
  try {
    const body: unknown = JSON.parse(await readBody(req));
    if (isJsonObject(body)) id = body.id ?? null;
  } catch {
    // Unparsable or batch: the error goes out with id null.
  }
  sendJson(
    res,
    502,
    rpcFailure(id as RpcResponse['id'], { ...BESU_ERRORS.internal, data: reason }),
  );
}
