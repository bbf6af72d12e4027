import { computeAddress, keccak256, toUtf8Bytes } from 'ethers';
import { pathToFileURL } from 'node:url';
import { judgeBlockSeals } from './block-seals.js';
import { encodeExtraData, type BftExtraData } from './extra-data.js';
import { commitDigestOfFields, headerFieldsFromBlock, type RawBlock } from './header.js';
import { quorumSize, selectProposer, sortValidators } from './proposer.js';
import { signCommitSeal } from './seals.js';

/** Result of benchDecode: throughput and CPU cost of the full per-block consensus check. */
export interface BenchDecodeResult {
  blocksPerSecond: number;
  cpuSecondsPerBlock: number;
}

const ZERO32 = `0x${'00'.repeat(32)}`;
const MIX_HASH = '0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365';

/**
 * Times decode + commit digest + seal recovery + judge over `blocks` synthetic QBFT blocks,
 * each sealed by a quorum of `validatorCount` validators with real signatures. Building and
 * signing the blocks is not timed. Not a test: speed goals live outside unit tests.
 */
export async function benchDecode(
  validatorCount: number,
  blocks: number,
): Promise<BenchDecodeResult> {
  const raws = buildBlocks(validatorCount, blocks);
  await new Promise((resolve) => setImmediate(resolve));

  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  for (const raw of raws) checkBlock(raw);
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const cpu = process.cpuUsage(cpuStart);

  return {
    blocksPerSecond: blocks / wallSeconds,
    cpuSecondsPerBlock: (cpu.user + cpu.system) / 1e6 / blocks,
  };
}

// The work a prober does per block; throws if the synthetic block does not verify, so the
// benchmark cannot silently measure a broken path.
function checkBlock(raw: RawBlock): void {
  const { verdict } = judgeBlockSeals(raw);
  if (!verdict.valid) throw new Error(`synthetic block ${String(raw['number'])} failed to verify`);
}

function buildBlocks(validatorCount: number, blocks: number): RawBlock[] {
  const keys = Array.from({ length: validatorCount }, (_, i) =>
    keccak256(toUtf8Bytes(`chainprobe-bench-validator-${i}`)),
  );
  const keyOf = new Map(keys.map((k) => [computeAddress(k).toLowerCase(), k]));
  const validators = sortValidators([...keyOf.keys()]);

  const raws: RawBlock[] = [];
  let prevCoinbase = `0x${'00'.repeat(20)}`;
  for (let n = 1; n <= blocks; n++) {
    const miner = selectProposer(validators, prevCoinbase, 0);
    raws.push(sealBlock(n, miner, validators, keyOf));
    prevCoinbase = miner;
  }
  return raws;
}

function sealBlock(n: number, miner: string, validators: string[], keyOf: Map<string, string>) {
  const extra: BftExtraData = { vanity: ZERO32, validators, vote: null, round: 0, seals: [] };
  const raw = templateBlock(n, miner, encodeExtraData(extra, 'qbft', 'full'));
  const digest = commitDigestOfFields(headerFieldsFromBlock(raw), extra, 'qbft');

  // Seals arrive in no particular order in Besu; rotate the signers per block.
  const signers = validators.map((_, i) => validators[(i + n) % validators.length] ?? '');
  const sealers = signers.slice(0, quorumSize(validators.length));
  extra.seals = sealers.map((v) => signCommitSeal(digest, keyOf.get(v) ?? ''));
  return { ...raw, extraData: encodeExtraData(extra, 'qbft', 'full') };
}

function templateBlock(n: number, miner: string, extraData: string): RawBlock {
  return {
    parentHash: keccak256(toUtf8Bytes(`parent-${n}`)),
    sha3Uncles: '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347',
    miner,
    stateRoot: keccak256(toUtf8Bytes(`state-${n}`)),
    transactionsRoot: '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421',
    receiptsRoot: '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421',
    logsBloom: `0x${'00'.repeat(256)}`,
    difficulty: '0x1',
    number: `0x${n.toString(16)}`,
    gasLimit: '0x1c9c380',
    gasUsed: '0x0',
    timestamp: `0x${(1_700_000_000 + n).toString(16)}`,
    extraData,
    mixHash: MIX_HASH,
    nonce: '0x0000000000000000',
    baseFeePerGas: '0x0',
  };
}

// `npx tsx src/consensus/bench-decode.ts [blocks]` prints one line per validator-set size.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const blocks = Number(process.argv[2] ?? 50);
  for (const validatorCount of [4, 21, 50]) {
    const result = await benchDecode(validatorCount, blocks);
    process.stdout.write(`${JSON.stringify({ validatorCount, blocks, ...result })}\n`);
  }
}
