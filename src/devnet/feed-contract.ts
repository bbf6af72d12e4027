import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ContractFactory, Wallet, type InterfaceAbi } from 'ethers';
import { callRpc, isJsonObject } from './jsonrpc.js';

/** The compiled PriceFeed contract. */
export interface FeedArtifact {
  abi: unknown[];
  bytecode: string;
}

/** Path of the feed's Solidity source. */
export const FEED_SOURCE_PATH = fileURLToPath(
  new URL('./contracts/PriceFeed.sol', import.meta.url),
);

// London has no PUSH0/MCOPY; the chain runs London rules, so the bytecode must too.
const EVM_VERSION = 'london';

interface SolcOutput {
  errors?: Array<{ severity: string; formattedMessage: string }>;
  contracts?: Record<
    string,
    Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>
  >;
}

interface Solc {
  compile(input: string): string;
}

/**
 * Compiles PriceFeed.sol with the npm solc package; the artifact is cached under the OS temp
 * dir keyed by source, compiler version and EVM version, since solc-js takes seconds.
 */
export async function compileFeed(): Promise<FeedArtifact> {
  const source = await readFile(FEED_SOURCE_PATH, 'utf8');
  const require = createRequire(import.meta.url);
  // Key on the package version so a cache hit does not load the 8 MB compiler.
  const { version } = require('solc/package.json') as { version: string };
  const key = createHash('sha256').update(`${version}\n${EVM_VERSION}\n${source}`).digest('hex');
  const dir = join(tmpdir(), 'chainprobe-devnet-solc');
  const cached = join(dir, `PriceFeed-${key.slice(0, 16)}.json`);

  try {
    return JSON.parse(await readFile(cached, 'utf8')) as FeedArtifact;
  } catch {
    // Not cached yet (or unreadable): compile below.
  }
  const artifact = compileSource(require('solc') as Solc, source);
  await mkdir(dir, { recursive: true });
  const partial = `${cached}.${process.pid}.tmp`;
  await writeFile(partial, JSON.stringify(artifact));
  await rename(partial, cached);
  return artifact;
}

function compileSource(solc: Solc, source: string): FeedArtifact {
  const input = {
    language: 'Solidity',
    sources: { 'PriceFeed.sol': { content: source } },
    settings: {
      evmVersion: EVM_VERSION,
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) {
    throw new Error(
      `PriceFeed.sol does not compile:\n${errors.map((e) => e.formattedMessage).join('\n')}`,
    );
  }
  const contract = output.contracts?.['PriceFeed.sol']?.PriceFeed;
  if (!contract) throw new Error('solc produced no PriceFeed contract');
  return { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
}

/** Constructor arguments of one feed. */
export interface FeedDeployment {
  decimals: number;
  description: string;
  transmitter: string;
}

/**
 * Deploys one PriceFeed from `deployerKey` through `rpcUrl` (nonce `nonce`) and resolves to
 * its address once a receipt shows it mined.
 */
export async function deployFeed(
  rpcUrl: string,
  deployerKey: string,
  nonce: number,
  artifact: FeedArtifact,
  feed: FeedDeployment,
  chainId: number,
): Promise<string> {
  const wallet = new Wallet(deployerKey);
  const factory = new ContractFactory(artifact.abi as InterfaceAbi, artifact.bytecode);
  const deployTx = await factory.getDeployTransaction(
    feed.decimals,
    feed.description,
    feed.transmitter,
  );
  const raw = await wallet.signTransaction({
    ...deployTx,
    type: 2,
    chainId,
    nonce,
    gasLimit: 2_000_000,
    maxFeePerGas: 1_000_000_000n,
    maxPriorityFeePerGas: 0n,
  });
  const hash = String(await callRpc(rpcUrl, 'eth_sendRawTransaction', [raw]));
  return waitForContract(rpcUrl, hash);
}

async function waitForContract(rpcUrl: string, hash: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const receipt = await callRpc(rpcUrl, 'eth_getTransactionReceipt', [hash]);
    if (isJsonObject(receipt)) {
      if (receipt.status !== '0x1') throw new Error(`PriceFeed deployment ${hash} reverted`);
      return String(receipt.contractAddress).toLowerCase();
    }
    await sleep(200);
  }
  throw new Error(`PriceFeed deployment ${hash} not mined within 60 s`);
}
