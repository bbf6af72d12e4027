import { benchDecode } from '../../src/consensus/bench-decode.js';
import { benchValidatorsPath } from '../../src/probes/validators/bench.js';
import { goalRow, infoRow, type BenchRow } from './rows.js';

/** Options of the consensus-decoding benchmark. */
export interface DecodeOptions {
  /** Validator-set sizes; the goal applies at `goalValidators`. */
  sizes?: number[];
  /** Blocks timed per size (fewer for larger sets: signing them is slow and untimed). */
  blocks?: (validators: number) => number;
  goalValidators?: number;
}

const BENCH = '5 decode';
const GOAL_PERCENT = 10;

/**
 * Benchmark 5: blocks per second through decode + commit digest + seal recovery + judge
 * (benchDecode), and the validators probe's whole per-block path (benchValidatorsPath: fetch
 * answers, decode, recover seals, hash check, slot attribution, window, metrics), as a share
 * of one core at a 1 s block period.
 */
export async function benchDecodeRows(opts: DecodeOptions = {}): Promise<BenchRow[]> {
  const sizes = opts.sizes ?? [4, 21, 50];
  const blocksFor = opts.blocks ?? ((v: number) => (v <= 4 ? 200 : v <= 21 ? 100 : 40));
  const goalAt = opts.goalValidators ?? 21;
  const rows: BenchRow[] = [];
  for (const v of sizes) {
    const blocks = blocksFor(v);
    const d = await benchDecode(v, blocks);
    const p = await benchValidatorsPath(v, blocks, 1);
    const pathBlocksPerCpuSecond = 1 / p.cpuSecondsPerBlock;
    const note = `seal check ${(d.cpuSecondsPerBlock * 1000).toFixed(2)} ms CPU/block; probe path ${(p.cpuSecondsPerBlock * 1000).toFixed(2)} ms CPU/block (${pathBlocksPerCpuSecond.toFixed(0)} blocks/CPU-s); ${blocks} blocks`;
    rows.push(
      infoRow({
        bench: BENCH,
        measure: `${v} validators: blocks/s (seal check)`,
        value: d.blocksPerSecond,
        unit: 'blocks/s',
        note,
      }),
    );
    if (v !== goalAt) continue;
    rows.push(
      goalRow(
        {
          bench: BENCH,
          measure: `${v} validators, 1 s blocks: seal check`,
          value: d.cpuSecondsPerBlock * 100,
          unit: '% core',
          goal: `< ${GOAL_PERCENT}%`,
          note: 'benchDecode CPU per block / 1 s',
        },
        GOAL_PERCENT,
        true,
      ),
    );
    rows.push(
      goalRow(
        {
          bench: BENCH,
          measure: `${v} validators, 1 s blocks: validators probe`,
          value: p.coreFractionAtPeriod * 100,
          unit: '% core',
          goal: `< ${GOAL_PERCENT}%`,
          note: 'benchValidatorsPath: one run per block incl. QBFT API answers and metrics',
        },
        GOAL_PERCENT,
        true,
      ),
    );
  }
  return rows;
}
