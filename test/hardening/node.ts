import type { IncomingMessage, ServerResponse } from 'node:http';
import { AGGREGATOR_V3 } from '../../src/probes/oracle/decode.js';
import { SyntheticChain } from '../../src/probes/validators/synthetic-chain.js';
import type { RawBlock } from '../../src/consensus/header.js';
import type { Handler } from '../helpers/jsonrpc-server.js';

/** A JSON-RPC request as the fake node sees it. */
export interface RpcRequest {
  id: unknown;
  method: string;
  params: unknown[];
}

/** What a method answers: a result, or a JSON-RPC error object. */
export type Answer =
  { result: unknown } | { error: { code: unknown; message: string; data?: unknown } };

/** How one JSON-RPC method is answered; `undefined` falls back to the healthy node. */
export type MethodHook = (req: RpcRequest, res: ServerResponse) => Answer | 'handled' | undefined;

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;

/** Selectors of the AggregatorV3 read functions, for routing eth_call. */
const SELECTORS = {
  latestRoundData: AGGREGATOR_V3.getFunction('latestRoundData')?.selector ?? '',
  decimals: AGGREGATOR_V3.getFunction('decimals')?.selector ?? '',
  description: AGGREGATOR_V3.getFunction('description')?.selector ?? '',
};

/** The chain every healthy node serves: 4 validators, head near wall time. */
export function makeChain(blocks = 40): SyntheticChain {
  const chain = new SyntheticChain({
    validators: 4,
    seed: 'chainprobe-hardening',
    genesisTimestamp: Math.floor(Date.now() / 1000) - blocks,
  });
  chain.extend(blocks);
  return chain;
}

/** A feed answer read at the head: price 3000.00000000, updated 5 s ago. */
function feedCall(data: string): Answer {
  const now = BigInt(Math.floor(Date.now() / 1000));
  if (data.startsWith(SELECTORS.decimals))
    return { result: AGGREGATOR_V3.encodeFunctionResult('decimals', [8]) };
  if (data.startsWith(SELECTORS.description))
    return { result: AGGREGATOR_V3.encodeFunctionResult('description', ['ETH / USD']) };
  if (data.startsWith(SELECTORS.latestRoundData)) {
    const row = [7n, 300_000_000_000n, now - 5n, now - 5n, 7n];
    return { result: AGGREGATOR_V3.encodeFunctionResult('latestRoundData', row) };
  }
  return { error: { code: -32000, message: 'Execution reverted' } };
}

/** Answers one method as a healthy Besu RPC node serving `chain` would. */
export function healthyAnswer(chain: SyntheticChain, req: RpcRequest): Answer {
  const p = req.params;
  const byNumber = (tag: unknown): RawBlock | null =>
    tag === 'latest' ? (chain.blocks[chain.head] ?? null) : (chain.blocks[Number(tag)] ?? null);
  switch (req.method) {
    case 'eth_chainId':
      return { result: '0x8a' };
    case 'eth_blockNumber':
      return { result: hex(chain.head) };
    case 'net_peerCount':
      return { result: '0x3' };
    case 'eth_syncing':
      return { result: false };
    case 'eth_getBlockByNumber':
      return { result: byNumber(p[0]) };
    case 'eth_call':
      return feedCall(String((p[0] as { data?: unknown } | undefined)?.data ?? ''));
    case 'qbft_getValidatorsByBlockNumber': {
      const n = p[0] === 'latest' ? chain.head : Number(p[0]);
      return { result: n > chain.head ? null : (chain.sets[n] ?? null) };
    }
    case 'qbft_getPendingVotes':
      return { result: {} };
    case 'qbft_getSignerMetrics':
      return { result: signerMetrics(chain, Number(p[0]), Number(p[1] ?? hex(chain.head))) };
    default:
      return { error: { code: -32601, message: 'Method not found' } };
  }
}

// Besu: proposals by coinbase over [from, to), every set member listed.
function signerMetrics(chain: SyntheticChain, from: number, to: number): unknown[] {
  const counts = new Map<string, number>((chain.sets[to - 1] ?? []).map((v) => [v, 0]));
  for (let n = from; n < Math.min(to, chain.head); n++) {
    const miner = String(chain.blocks[n]?.['miner']);
    counts.set(miner, (counts.get(miner) ?? 0) + 1);
  }
  return [...counts].map(([address, c]) => ({
    address,
    proposedBlockCount: hex(c),
    lastProposedBlockNumber: '0x0',
  }));
}

/** Besu's pretty-printed health answers. */
function healthyGet(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/liveness' || path === '/readiness') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{\n  "status" : "UP"\n}');
    return;
  }
  res.writeHead(404);
  res.end();
}

/** Parses a request body; a broken one becomes an unknown method. */
export function parseRequest(body: string): RpcRequest {
  try {
    const msg = JSON.parse(body) as { id?: unknown; method?: unknown; params?: unknown };
    return {
      id: msg.id ?? null,
      method: typeof msg.method === 'string' ? msg.method : '',
      params: Array.isArray(msg.params) ? msg.params : [],
    };
  } catch {
    return { id: null, method: '', params: [] };
  }
}

/** Writes a JSON-RPC answer. */
export function sendAnswer(res: ServerResponse, id: unknown, answer: Answer): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', id, ...answer }));
}

/**
 * A node handler: healthy answers from `chain`, except methods in `hooks` and GET paths in
 * `gets`, which a hostile case overrides.
 */
export function nodeHandler(
  chain: SyntheticChain,
  hooks: Record<string, MethodHook> = {},
  gets: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {},
): Handler {
  return (req, body, res) => {
    if (req.method === 'GET') {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      (gets[path] ?? healthyGet)(req, res);
      return;
    }
    const rpc = parseRequest(body);
    const hooked = hooks[rpc.method]?.(rpc, res);
    if (hooked === 'handled') return;
    sendAnswer(res, rpc.id, hooked ?? healthyAnswer(chain, rpc));
  };
}
