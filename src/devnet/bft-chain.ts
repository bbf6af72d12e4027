import { bftBlockHash, commitDigest } from '../consensus/header.js';
import { decodeExtraData, encodeExtraData, type BftExtraData } from '../consensus/extra-data.js';
import { signCommitSeal } from '../consensus/seals.js';
import type { DevKey } from './keys.js';
import { isJsonObject, type Json, type JsonObject } from './jsonrpc.js';

/** Besu's BFT mixHash constant ("...ctical byzantine fault tolerance"). */
export const BFT_MIX_HASH = '0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365';

const ZERO_VANITY = `0x${'00'.repeat(32)}`;
const ZERO_ADDRESS = `0x${'00'.repeat(20)}`;

/** One block as the devnet serves it: Besu's QBFT header over anvil's body. */
export interface BftBlockRecord {
  number: number;
  /** Hash anvil knows the block by. */
  anvilHash: string;
  /** Besu's BFT on-chain hash (round and seals excluded). */
  hash: string;
  parentHash: string;
  miner: string;
  round: number;
  timestamp: number;
  /** Addresses whose commit seals the block carries, in seal order. */
  signers: string[];
  /** Every live validator's commit seal, in arrival order (a node keeps the first quorum). */
  sealPool: CommitSeal[];
  /** The header fields that replace anvil's when serving (hash, parentHash, extraData...). */
  header: JsonObject;
}

/** One validator's commit seal over a block. */
export interface CommitSeal {
  address: string;
  seal: string;
}

/** What sealing a block needs besides anvil's block. */
export interface SealInput {
  /** The BFT hash of the parent as served (canonical or side branch). */
  parentHash: string;
  validators: string[];
  round: number;
  /** Keys of the live validators, in the order their COMMIT arrived. */
  sealers: DevKey[];
  /** Seals the block carries: the first `quorum` sealers (default all). */
  quorum?: number;
  /** Replaces anvil's timestamp (side branches only). */
  timestamp?: number;
}

// Anvil reports blob fields even under London; a London Besu header has none.
const DROPPED_FIELDS = ['blobGasUsed', 'excessBlobGas', 'withdrawalsRoot', 'withdrawals'];

/** Rewrites anvil's header into Besu's BFT form and seals it; pure apart from signing. */
export function sealBlock(anvilBlock: JsonObject, input: SealInput): BftBlockRecord {
  const timestamp = input.timestamp ?? Number(anvilBlock.timestamp);
  const extra: BftExtraData = {
    vanity: ZERO_VANITY,
    validators: input.validators,
    vote: null,
    round: input.round,
    seals: [],
  };
  const header = baseHeader(anvilBlock, {
    parentHash: input.parentHash,
    timestamp,
    extraData: encodeExtraData(extra, 'qbft', 'commit'),
  });

  // Seals sign the header with the actual round and no seals (Besu's committed-seal hash).
  const sealPool = signCommits(commitDigest(header, 'qbft'), input.sealers);
  const carried = sealPool.slice(0, input.quorum ?? sealPool.length);
  const seals = carried.map((c) => c.seal);
  header.extraData = encodeExtraData({ ...extra, seals }, 'qbft', 'full');
  header.hash = bftBlockHash(header, 'qbft');

  return {
    number: Number(anvilBlock.number),
    anvilHash: String(anvilBlock.hash),
    hash: String(header.hash),
    parentHash: input.parentHash,
    miner: String(anvilBlock.miner).toLowerCase(),
    round: input.round,
    timestamp,
    signers: carried.map((c) => c.address),
    sealPool,
    header,
  };
}

function signCommits(digest: string, sealers: DevKey[]): CommitSeal[] {
  return sealers.map((key) => ({
    address: key.address,
    seal: signCommitSeal(digest, key.privateKey),
  }));
}

/**
 * The same block as another node stores it: Besu seals each node's copy with the COMMITs that
 * node held on reaching quorum, so seal sets differ between nodes while the hash (which
 * excludes seals) does not. Picks `count` seals from the pool, `first` (a validator's own
 * seal) ahead, then the pool rotated by `offset`.
 */
export function withSealSet(
  record: BftBlockRecord,
  count: number,
  offset: number,
  first?: string,
): BftBlockRecord {
  const pool = record.sealPool;
  if (pool.length <= count && first === undefined) return record;
  const rotated = pool.map((_, i) => pool[(i + offset) % pool.length] as CommitSeal);
  const own = rotated.filter((c) => c.address === first);
  const picked = [...own, ...rotated.filter((c) => c.address !== first)].slice(0, count);

  const { extra } = decodeExtraData(String(record.header.extraData), 'qbft');
  const seals = picked.map((c) => c.seal);
  const extraData = encodeExtraData({ ...extra, seals }, 'qbft', 'full');
  const signers = picked.map((c) => c.address);
  return { ...record, signers, header: { ...record.header, extraData } };
}

/** Rewrites anvil's genesis into a QBFT genesis: [zero vanity, validators, c0, 80, c0]. */
export function sealGenesis(anvilGenesis: JsonObject, validators: string[]): BftBlockRecord {
  const extra: BftExtraData = { vanity: ZERO_VANITY, validators, vote: null, round: 0, seals: [] };
  const header = baseHeader(anvilGenesis, {
    parentHash: `0x${'00'.repeat(32)}`,
    timestamp: Number(anvilGenesis.timestamp),
    extraData: encodeExtraData(extra, 'qbft', 'full'),
  });
  header.miner = ZERO_ADDRESS;
  // Genesis hashes its extraData unchanged (BftBlockHashing.serializeHeader).
  header.hash = bftBlockHash(header, 'qbft');
  return {
    number: 0,
    anvilHash: String(anvilGenesis.hash),
    hash: String(header.hash),
    parentHash: String(header.parentHash),
    miner: ZERO_ADDRESS,
    round: 0,
    timestamp: Number(anvilGenesis.timestamp),
    signers: [],
    sealPool: [],
    header,
  };
}

function baseHeader(
  anvilBlock: JsonObject,
  over: { parentHash: string; timestamp: number; extraData: string },
): JsonObject {
  const header: JsonObject = {};
  for (const [key, value] of Object.entries(anvilBlock)) {
    if (key === 'transactions' || key === 'uncles' || DROPPED_FIELDS.includes(key)) continue;
    header[key] = value;
  }
  const number = Number(anvilBlock.number);
  header.parentHash = over.parentHash;
  header.miner = String(anvilBlock.miner).toLowerCase();
  header.timestamp = `0x${over.timestamp.toString(16)}`;
  header.extraData = over.extraData;
  header.mixHash = BFT_MIX_HASH;
  header.difficulty = '0x1';
  header.nonce = '0x0000000000000000';
  header.totalDifficulty = `0x${(number + 1).toString(16)}`;
  return header;
}

/** Serves anvil's block under `record`'s header, rewriting each transaction's blockHash. */
export function serveBlock(anvilBlock: JsonObject, record: BftBlockRecord): JsonObject {
  const served: JsonObject = { ...record.header };
  const transactions = anvilBlock.transactions;
  served.transactions = Array.isArray(transactions)
    ? transactions.map((tx: Json) => (isJsonObject(tx) ? { ...tx, blockHash: record.hash } : tx))
    : [];
  served.uncles = [];
  served.size = anvilBlock.size ?? '0x0';
  return served;
}

/** The canonical chain of sealed blocks, with anvil-hash <-> BFT-hash lookups. */
export class BftChain {
  private readonly records: BftBlockRecord[] = [];
  private readonly numberByHash = new Map<string, number>();
  private readonly numberByAnvilHash = new Map<string, number>();

  /** Appends the next block; its number must follow the head. */
  append(record: BftBlockRecord): void {
    if (record.number !== this.records.length) {
      throw new Error(`block ${record.number} does not follow head ${this.records.length - 1}`);
    }
    this.records.push(record);
    this.numberByHash.set(record.hash, record.number);
    this.numberByAnvilHash.set(record.anvilHash, record.number);
  }

  /** Number of the head block (-1 before genesis). */
  head(): number {
    return this.records.length - 1;
  }

  /** The record at `number`, if sealed. */
  at(number: number): BftBlockRecord | undefined {
    return this.records[number];
  }

  /** Number of the block with BFT hash `hash`. */
  numberOfHash(hash: string): number | undefined {
    return this.numberByHash.get(hash.toLowerCase());
  }

  /** Number of the block anvil knows as `anvilHash`. */
  numberOfAnvilHash(anvilHash: string): number | undefined {
    return this.numberByAnvilHash.get(anvilHash.toLowerCase());
  }
}
