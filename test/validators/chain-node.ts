import type { RawBlock } from '../../src/consensus/header.js';
import type { SyntheticChain } from '../../src/probes/validators/synthetic-chain.js';
import { startTestServer, type TestServer } from '../helpers/jsonrpc-server.js';

/** What the fake Besu node answers besides eth_getBlockByNumber. */
export interface ChainNodeState {
  /** QBFT API enabled (else -32604 Method not enabled, like Besu). */
  api: boolean;
  /** Validator-contract mode: ByBlockNumber(N) is the set after N, pending votes -32604. */
  contractMode: boolean;
  /** Served head; default the chain's head. */
  head?: number;
  /** Served blocks replaced by these (tampering). */
  overrides: Map<number, RawBlock>;
  pendingVotes: Record<string, boolean>;
  /** eth_getBlockByNumber calls by number (head queries as 'latest'). */
  fetched: string[];
}

/** A local JSON-RPC server on 127.0.0.1:0 that serves a SyntheticChain like a Besu node. */
export interface ChainNode {
  url: string;
  state: ChainNodeState;
  server: TestServer;
  stop(): Promise<void>;
}

type Answer = { result: unknown } | { error: { code: number; message: string } };

const hex = (n: number) => `0x${n.toString(16)}`;
const NOT_ENABLED = { error: { code: -32604, message: 'Method not enabled' } };

/** Starts a node serving `chain` (read live, so extending the chain moves the head). */
export async function startChainNode(
  chain: SyntheticChain,
  init: Partial<ChainNodeState> = {},
): Promise<ChainNode> {
  const state: ChainNodeState = {
    api: true,
    contractMode: false,
    overrides: new Map(),
    pendingVotes: {},
    fetched: [],
    ...init,
  };
  const server = await startTestServer((_req, body, res) => {
    const msg = JSON.parse(body) as { id: number; method: string; params?: unknown[] };
    const answer = dispatch(chain, state, msg.method, msg.params ?? []);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, ...answer }));
  });
  return { url: server.url, state, server, stop: () => server.stop() };
}

function dispatch(chain: SyntheticChain, s: ChainNodeState, method: string, p: unknown[]): Answer {
  const head = s.head ?? chain.head;
  const number = (tag: unknown): number => (tag === 'latest' ? head : Number(tag));
  if (method === 'eth_getBlockByNumber') {
    s.fetched.push(String(p[0]));
    const n = number(p[0]);
    return { result: n > head ? null : (s.overrides.get(n) ?? chain.blocks[n] ?? null) };
  }
  if (!method.startsWith('qbft_')) return { error: { code: -32601, message: 'Method not found' } };
  if (!s.api) return NOT_ENABLED;
  return qbft(chain, s, method, p, number, head);
}

function qbft(
  chain: SyntheticChain,
  s: ChainNodeState,
  method: string,
  p: unknown[],
  number: (tag: unknown) => number,
  head: number,
): Answer {
  switch (method) {
    case 'qbft_getValidatorsByBlockNumber': {
      const n = number(p[0]);
      if (n > head) return { result: null };
      // Header mode: the set in N's extraData; contract mode: the set after N.
      const set = s.contractMode ? (chain.sets[n + 1] ?? chain.validators) : chain.sets[n];
      return { result: set ?? null };
    }
    case 'qbft_getSignerMetrics':
      return signerMetrics(chain, p, number, head);
    case 'qbft_getPendingVotes':
      return s.contractMode ? NOT_ENABLED : { result: s.pendingVotes };
    default:
      return { error: { code: -32601, message: 'Method not found' } };
  }
}

// Besu: [from, to) by coinbase, to clamped to the head, set members added with 0.
function signerMetrics(
  chain: SyntheticChain,
  p: unknown[],
  number: (tag: unknown) => number,
  head: number,
): Answer {
  const from = p[0] === undefined ? Math.max(0, head - 100) : number(p[0]);
  const to = Math.min(p[1] === undefined ? head : number(p[1]), head);
  if (from >= to) return { error: { code: -32602, message: 'Invalid block number params' } };
  const counts = new Map<string, { count: number; last: number }>();
  for (let n = from; n < to; n++) {
    const miner = String(chain.blocks[n]?.['miner']);
    counts.set(miner, { count: (counts.get(miner)?.count ?? 0) + 1, last: n });
  }
  for (const v of chain.sets[to - 1] ?? [])
    if (!counts.has(v)) counts.set(v, { count: 0, last: 0 });
  const result = [...counts].map(([address, c]) => ({
    address,
    proposedBlockCount: hex(c.count),
    lastProposedBlockNumber: hex(c.last),
  }));
  return { result };
}
