import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { GlobalSchema } from '../../config/schema.js';
import type { ProbeContext } from '../../engine/probe-kind.js';
import { defineCoreMetrics } from '../../metrics/catalogue.js';
import type { RpcClient } from '../../rpc/client.js';
import { ValidatorsOptions } from './kind.js';
import { defineValidatorsMetrics } from './metrics.js';
import { ValidatorsWatcher } from './probe.js';
import { SyntheticChain } from './synthetic-chain.js';

/** Result of benchValidatorsPath: CPU per block and the share of one core at a block period. */
export interface BenchValidatorsResult {
  validatorCount: number;
  blocks: number;
  cpuSecondsPerBlock: number;
  /** cpuSecondsPerBlock / blockPeriodSeconds: the fraction of one core needed to keep up. */
  coreFractionAtPeriod: number;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/**
 * Times the whole per-block path of the validators probe in steady state: one run per new
 * block, as at a 1 s block period with a 1 s interval. Each run fetches the head block and the
 * three QBFT API answers (JSON round-tripped, as a transport would parse them), decodes
 * extraData, recovers quorum seals, checks the BFT hash, attributes slots, judges the window
 * and writes every metric. Building and signing the chain is not timed, nor HTTP itself.
 * Not a test: speed goals live outside unit tests.
 */
export async function benchValidatorsPath(
  validatorCount: number,
  blocks: number,
  blockPeriodSeconds = 1,
): Promise<BenchValidatorsResult> {
  const warm = 64;
  const chain = new SyntheticChain({ validators: validatorCount });
  chain.extend(warm + blocks);
  const served = { head: warm };
  const watcher = newWatcher(chain, served);
  await watcher.run(new AbortController().signal);

  const signal = new AbortController().signal;
  const cpuStart = process.cpuUsage();
  for (let i = 1; i <= blocks; i++) {
    served.head = warm + i;
    const result = await watcher.run(signal);
    if (!result.ok) throw new Error(`bench run failed: ${result.detail ?? result.errorClass}`);
  }
  const cpu = process.cpuUsage(cpuStart);

  const cpuSecondsPerBlock = (cpu.user + cpu.system) / 1e6 / blocks;
  return {
    validatorCount,
    blocks,
    cpuSecondsPerBlock,
    coreFractionAtPeriod: cpuSecondsPerBlock / blockPeriodSeconds,
  };
}

function newWatcher(chain: SyntheticChain, served: { head: number }): ValidatorsWatcher {
  const registry = new Registry();
  const client = {
    call: async (method: string, params: unknown[]) => answer(chain, served.head, method, params),
  };
  const ctx: ProbeContext = {
    global: GlobalSchema.parse({ blockPeriodSeconds: 1 }),
    endpoints: new Map(),
    core: defineCoreMetrics(registry),
    registry,
    logger: pino({ level: 'silent' }),
    now: () => (Number(chain.blocks[served.head]?.['timestamp']) + 0.5) * 1000,
    rpc: () => client as unknown as RpcClient,
  };
  const probe = {
    name: 'bench',
    kind: 'validators',
    enabled: true,
    intervalMs: 1000,
    timeoutMs: 900,
    ...ValidatorsOptions.parse({}),
  };
  return new ValidatorsWatcher(ctx, probe, defineValidatorsMetrics(registry), 'bench');
}

// A Besu node's answers, serialised and parsed again like a JSON-RPC transport would.
function answer(chain: SyntheticChain, head: number, method: string, params: unknown[]): unknown {
  const at = (tag: unknown): number => (tag === 'latest' ? head : Number(tag));
  let result: unknown;
  if (method === 'eth_getBlockByNumber') result = chain.blocks[at(params[0])] ?? null;
  else if (method === 'qbft_getValidatorsByBlockNumber') result = chain.sets[at(params[0])];
  else if (method === 'qbft_getPendingVotes') result = {};
  else if (method === 'qbft_getSignerMetrics')
    result = signerMetrics(chain, at(params[0]), at(params[1]));
  return JSON.parse(JSON.stringify({ result })).result as unknown;
}

function signerMetrics(chain: SyntheticChain, from: number, to: number): unknown[] {
  const counts = new Map<string, number>();
  for (let n = from; n < to; n++) {
    const miner = String(chain.blocks[n]?.['miner']);
    counts.set(miner, (counts.get(miner) ?? 0) + 1);
  }
  return [...counts].map(([address, c]) => ({
    address,
    proposedBlockCount: hex(c),
    lastProposedBlockNumber: hex(to - 1),
  }));
}

// `npx tsx src/probes/validators/bench.ts [blocks]` prints one line per validator-set size.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const blocks = Number(process.argv[2] ?? 100);
  for (const validatorCount of [4, 21]) {
    const result = await benchValidatorsPath(validatorCount, blocks);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}
