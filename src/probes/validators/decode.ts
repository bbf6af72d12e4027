import type { ErrorClass } from '../../engine/error-class.js';
import { isConsensusError, type ConsensusErrorCode } from '../../consensus/errors.js';
import { decodeExtraData, type Consensus, type Vote } from '../../consensus/extra-data.js';
import {
  bftHashOfFields,
  commitDigestOfFields,
  EXTRA_DATA_INDEX,
  headerFieldsFromBlock,
  type RawBlock,
} from '../../consensus/header.js';
import { sortValidators } from '../../consensus/proposer.js';
import { judgeSeals, recoverSigners, type SealVerdict } from '../../consensus/seals.js';
import { RpcError } from '../../rpc/errors.js';
import { asBlockObject, parseData, parseSafeQuantity } from '../../rpc/hex.js';

/** What one block says about consensus, read from its raw eth_getBlockByNumber JSON. */
export interface DecodedBlock {
  number: number;
  hash: string;
  parentHash: string;
  /** Block timestamp, Unix seconds. */
  timestamp: number;
  /** Coinbase: the block's creator (Besu getProposerOfBlock), lowercase. */
  proposer: string;
  consensus: Consensus;
  /** Round in which the block was committed (extraData). */
  round: number;
  /** Validators listed in extraData, as written (empty in validator-contract mode). */
  listedValidators: string[];
  vote: Vote | null;
  /** Number of commit seals the block carries. */
  sealCount: number;
  /** Recovered signer per seal, in seal order; null where unrecoverable. */
  signers: Array<string | null>;
  /** True when the served `hash` equals Besu's BFT hash of the header. */
  hashMatches: boolean;
}

/** A decoded block judged against the validators that must seal it. */
export interface SealedBlock extends DecodedBlock {
  /** Validators that validate this block (after its parent), sorted ascending. */
  validators: string[];
  verdict: SealVerdict;
}

/** The parts of a raw block readable without its extraData (for a block that fails to decode). */
export interface BlockEnvelope {
  number: number;
  hash: string;
  timestamp: number;
  proposer: string;
}

/** Reads number, hash, timestamp and miner of a raw block; null block is a null_result. */
export function decodeEnvelope(raw: unknown): BlockEnvelope {
  const b = asBlockObject(raw);
  return {
    number: parseSafeQuantity(b.number, 'block.number'),
    hash: parseData(b.hash, 'block.hash', 32),
    timestamp: parseSafeQuantity(b.timestamp, 'block.timestamp'),
    proposer: parseData(b.miner, 'block.miner', 20),
  };
}

/**
 * Decodes a raw block once: header fields, extraData (with `consensus`, or detected when
 * 'auto'), commit digest, recovered seal signers and the BFT hash check. Throws RpcError for a
 * malformed envelope and ConsensusError for undecodable consensus data.
 */
export function decodeBlock(raw: RawBlock, consensus: Consensus | 'auto'): DecodedBlock {
  const envelope = decodeEnvelope(raw);
  const fields = headerFieldsFromBlock(raw);
  const decoded = decodeExtraData(fields[EXTRA_DATA_INDEX] ?? '', consensus);
  const { extra } = decoded;

  const digest = commitDigestOfFields(fields, extra, decoded.consensus);
  const hash = bftHashOfFields(fields, extra, decoded.consensus);
  return {
    number: envelope.number,
    hash: envelope.hash,
    parentHash: parseData(raw['parentHash'], 'block.parentHash', 32),
    timestamp: envelope.timestamp,
    proposer: envelope.proposer,
    consensus: decoded.consensus,
    round: extra.round,
    listedValidators: extra.validators,
    vote: extra.vote,
    sealCount: extra.seals.length,
    signers: recoverSigners(digest, extra.seals),
    hashMatches: hash === envelope.hash,
  };
}

/** True when the block is in validator-contract mode (no validators in its extraData). */
export function isContractMode(block: DecodedBlock): boolean {
  return block.listedValidators.length === 0;
}

/**
 * Judges a decoded block's seals against the validators that must seal it: the block's own
 * list in header mode, or `contractSet` (qbft_getValidatorsByBlockNumber(N-1)) in contract mode.
 */
export function sealBlock(block: DecodedBlock, contractSet?: readonly string[]): SealedBlock {
  const validators = sortValidators(
    isContractMode(block) ? [...(contractSet ?? [])] : block.listedValidators,
  );
  return { ...block, validators, verdict: judgeSeals(validators, block.signers) };
}

// Header-shape failures are bad_header; everything about extraData itself is bad_extra_data.
const HEADER_CODES: ReadonlySet<ConsensusErrorCode> = new Set(['missing-field', 'bad-field']);

/** The failure class of an error thrown while decoding a block (RpcError keeps its code). */
export function classifyBlockError(err: unknown): ErrorClass {
  if (err instanceof RpcError) return err.code;
  if (!isConsensusError(err)) return 'internal';
  return HEADER_CODES.has(err.code) ? 'bad_header' : 'bad_extra_data';
}

/** Decodes a validator list result (qbft_getValidatorsByBlockNumber): sorted lowercase. */
export function decodeValidatorList(raw: unknown, what: string): string[] {
  if (raw === null) throw new RpcError('null_result', `${what}: unknown block`);
  if (!Array.isArray(raw)) throw new RpcError('bad_response', `${what} is not a list`);
  return sortValidators(raw.map((a, i) => parseData(a, `${what}[${i}]`, 20)));
}

/** qbft_getPendingVotes result: `{address: true (add) | false (drop)}`. */
export function decodePendingVotes(raw: unknown): { add: number; drop: number } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new RpcError('bad_response', 'pending votes are not an object');
  }
  const values = Object.values(raw as Record<string, unknown>);
  if (values.some((v) => typeof v !== 'boolean')) {
    throw new RpcError('bad_response', 'a pending vote is not a boolean');
  }
  const add = values.filter((v) => v === true).length;
  return { add, drop: values.length - add };
}

/** qbft_getSignerMetrics result: proposals per address over the requested [from, to) range. */
export function decodeSignerMetrics(raw: unknown): Map<string, number> {
  if (!Array.isArray(raw)) throw new RpcError('bad_response', 'signer metrics are not a list');
  const out = new Map<string, number>();
  raw.forEach((entry: unknown, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const address = parseData(e.address, `signerMetrics[${i}].address`, 20);
    out.set(address, parseSafeQuantity(e.proposedBlockCount, `signerMetrics[${i}].count`));
  });
  return out;
}
