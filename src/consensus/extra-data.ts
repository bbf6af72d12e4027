import { encodeRlp } from 'ethers';
import { ConsensusError, type ConsensusErrorCode } from './errors.js';
import {
  bytesToHex,
  hexToBytes,
  payloadLength,
  readRlpChildren,
  readRlpRoot,
  type RlpItem,
} from './rlp-reader.js';

/** The two Besu BFT protocols whose extraData this module reads and writes. */
export type Consensus = 'qbft' | 'ibft2';

/** A validator vote carried by a block: add or drop `recipient` (lowercase 0x address). */
export interface Vote {
  recipient: string;
  add: boolean;
}

/** Decoded BFT extraData; addresses lowercase 0x-hex, vanity and 65-byte seals 0x-hex. */
export interface BftExtraData {
  vanity: string;
  validators: string[];
  vote: Vote | null;
  round: number;
  seals: string[];
}

/** Which variant to encode: as stored in a block, as hashed for commit seals, or for the hash. */
export type ExtraDataForm = 'full' | 'commit' | 'onchain';

type RlpValue = string | RlpValue[];

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const MAX_ROUND = 0xffffffff;

/**
 * Decodes QBFT or IBFT 2.0 extraData with Besu's exact acceptance rules. 'auto' picks the codec
 * from the encoding: a `80` vote or a 4-byte round means IBFT2, otherwise QBFT. Throws only
 * ConsensusError (IBFT 1.0 legacy vanity‖RLP extraData gets 'ibft1-legacy').
 */
export function decodeExtraData(
  hex: string,
  consensus: Consensus | 'auto' = 'auto',
): { consensus: Consensus; extra: BftExtraData } {
  const bytes = hexToBytes(hex, 'extraData');
  const items = readBftItems(bytes);
  const chosen = consensus === 'auto' ? detectConsensus(items) : consensus;

  return { consensus: chosen, extra: decodeItems(bytes, items, chosen) };
}

function readBftItems(bytes: Uint8Array): RlpItem[] {
  let root: RlpItem;
  try {
    root = readRlpRoot(bytes);
  } catch (err) {
    rejectLegacy(bytes);
    throw err;
  }

  if (!root.isList) {
    rejectLegacy(bytes);
    throw new ConsensusError('bad-shape', 'extraData is an RLP string, not a list');
  }
  return readRlpChildren(bytes, root);
}

// IBFT 1.0 writes 32 vanity bytes followed by RLP[validators, proposerSeal, committedSeals];
// recognising it turns a confusing 'not-rlp' into an actionable "wrong consensus" message.
function rejectLegacy(bytes: Uint8Array): void {
  if (bytes.length <= 32) return;

  let first: RlpItem | undefined;
  try {
    const rest = bytes.subarray(32);
    const root = readRlpRoot(rest);
    first = root.isList ? readRlpChildren(rest, root)[0] : undefined;
  } catch {
    return;
  }
  if (first?.isList) {
    throw new ConsensusError(
      'ibft1-legacy',
      'extraData is IBFT 1.0 (vanity ‖ RLP), not QBFT/IBFT2',
    );
  }
}

// Markers in priority order: the vote slot is `80` only in IBFT2 and `c0` only in QBFT; with a
// vote present, IBFT2 always writes a 4-byte round (a QBFT round needs 2^24 round changes to
// reach 4 bytes).
function detectConsensus(items: RlpItem[]): Consensus {
  const vote = items[2];
  const round = items[3];
  if (vote !== undefined && payloadLength(vote) === 0) return vote.isList ? 'qbft' : 'ibft2';
  if (round !== undefined && !round.isList && payloadLength(round) === 4) return 'ibft2';
  return 'qbft';
}

function decodeItems(bytes: Uint8Array, items: RlpItem[], consensus: Consensus): BftExtraData {
  // QBFT leaves the outer list leniently (trailing items ignored); IBFT2 requires exactly 5.
  const isShapeOk = consensus === 'qbft' ? items.length >= 5 : items.length === 5;
  const [vanity, validators, vote, round, seals] = items;
  if (!isShapeOk || !vanity || !validators || !vote || !round || !seals) {
    throw new ConsensusError('bad-shape', `${consensus} extraData has ${items.length} items`, {
      detail: [consensus === 'qbft' ? 'expected at least 5' : 'expected exactly 5'],
    });
  }

  return {
    vanity: readVanity(bytes, vanity),
    validators: readValidators(bytes, validators),
    vote: consensus === 'qbft' ? readQbftVote(bytes, vote) : readIbft2Vote(bytes, vote),
    round: consensus === 'qbft' ? readScalarRound(bytes, round) : readFixedRound(bytes, round),
    seals: readSeals(bytes, seals),
  };
}

function readVanity(bytes: Uint8Array, item: RlpItem): string {
  // No Besu header rule checks the vanity length, so any byte string is accepted.
  if (item.isList) throw new ConsensusError('bad-vanity', 'vanity is a list, not bytes');
  return bytesToHex(bytes, item.payloadStart, item.end);
}

function readValidators(bytes: Uint8Array, item: RlpItem): string[] {
  if (!item.isList) throw new ConsensusError('bad-validator', 'validators is not a list');
  return readRlpChildren(bytes, item).map((child) => readAddress(bytes, child, 'bad-validator'));
}

function readAddress(bytes: Uint8Array, item: RlpItem, code: ConsensusErrorCode): string {
  if (item.isList || payloadLength(item) !== 20) {
    throw new ConsensusError(code, 'address is not a 20-byte string');
  }
  return bytesToHex(bytes, item.payloadStart, item.end);
}

// QBFT (QbftExtraDataCodec.decodeVote): `c0` = no vote; [addr, ""] (or any empty item) = DROP;
// [addr, 0xff] = ADD; [addr, 0x00] = DROP.
function readQbftVote(bytes: Uint8Array, item: RlpItem): Vote | null {
  if (item.isList && payloadLength(item) === 0) return null;

  const [recipient, type] = readVoteItems(bytes, item);
  if (payloadLength(type) === 0) return { recipient, add: false };
  return { recipient, add: readVoteByte(bytes, type) };
}

// IBFT2 (IbftExtraDataCodec.decodeVote): `80` = no vote; [addr, 0xff] = ADD; [addr, 0x00] = DROP.
function readIbft2Vote(bytes: Uint8Array, item: RlpItem): Vote | null {
  if (!item.isList && payloadLength(item) === 0) return null;

  const [recipient, type] = readVoteItems(bytes, item);
  return { recipient, add: readVoteByte(bytes, type) };
}

function readVoteItems(bytes: Uint8Array, item: RlpItem): [string, RlpItem] {
  if (!item.isList) throw new ConsensusError('bad-vote', 'vote is neither empty nor a list');

  const children = readRlpChildren(bytes, item);
  const [recipient, type] = children;
  if (children.length !== 2 || !recipient || !type) {
    throw new ConsensusError('bad-vote', `vote has ${children.length} items, expected 2`);
  }
  return [readAddress(bytes, recipient, 'bad-vote'), type];
}

function readVoteByte(bytes: Uint8Array, item: RlpItem): boolean {
  const value = bytes[item.payloadStart];
  if (item.isList || payloadLength(item) !== 1 || (value !== 0xff && value !== 0x00)) {
    throw new ConsensusError('bad-vote', 'vote type is neither 0xff (add) nor 0x00 (drop)');
  }
  return value === 0xff;
}

// QBFT round: RLP scalar (readIntScalar), at most 4 bytes, no leading zero byte (0 is `80`).
function readScalarRound(bytes: Uint8Array, item: RlpItem): number {
  const size = payloadLength(item);
  if (item.isList || size > 4)
    throw new ConsensusError('bad-round', 'round is not a 4-byte scalar');
  if (size > 0 && bytes[item.payloadStart] === 0) {
    throw new ConsensusError('bad-round', 'round has a leading zero byte (IBFT2 encoding?)');
  }
  return readUint(bytes, item);
}

// IBFT2 round: exactly 4 bytes, big-endian (readInt).
function readFixedRound(bytes: Uint8Array, item: RlpItem): number {
  if (item.isList || payloadLength(item) !== 4) {
    throw new ConsensusError('bad-round', 'IBFT2 round is not exactly 4 bytes');
  }
  return readUint(bytes, item);
}

function readUint(bytes: Uint8Array, item: RlpItem): number {
  let value = 0;
  for (let i = item.payloadStart; i < item.end; i++) value = value * 256 + (bytes[i] ?? 0);
  return value;
}

function readSeals(bytes: Uint8Array, item: RlpItem): string[] {
  if (!item.isList) throw new ConsensusError('bad-seal', 'commit seals are not a list');
  return readRlpChildren(bytes, item).map((child, index) => readSeal(bytes, child, index));
}

// Besu decodes each seal with SECPSignature.decode: 65 bytes, 1 <= r, s < n, recId 0 or 1.
function readSeal(bytes: Uint8Array, item: RlpItem, index: number): string {
  if (item.isList || payloadLength(item) !== 65) {
    throw new ConsensusError('bad-seal', `seal ${index} is not a 65-byte string`);
  }

  const hex = bytesToHex(bytes, item.payloadStart, item.end);
  if (!isSealWellFormed(hex)) {
    throw new ConsensusError('bad-seal', `seal ${index} has r/s out of range or recId not 0/1`);
  }
  return hex;
}

/** True when a 0x-hex seal is 65 bytes with 1 <= r, s < n and a recovery id of 0 or 1. */
export function isSealWellFormed(seal: string): boolean {
  if (!/^0x[0-9a-fA-F]{130}$/.test(seal)) return false;

  const r = BigInt(`0x${seal.slice(2, 66)}`);
  const s = BigInt(`0x${seal.slice(66, 130)}`);
  const recId = seal.slice(130);
  return (
    r >= 1n && r < SECP256K1_N && s >= 1n && s < SECP256K1_N && (recId === '00' || recId === '01')
  );
}

/**
 * Encodes extraData: 'full' as in a block; 'commit' as hashed for commit seals (QBFT: actual
 * round, empty seal list; IBFT2: seals omitted); 'onchain' as hashed for the block hash (QBFT:
 * round 0, empty seals; IBFT2: round and seals omitted).
 */
export function encodeExtraData(
  extra: BftExtraData,
  consensus: Consensus,
  form: ExtraDataForm,
): string {
  checkEncodable(extra);
  const head: RlpValue[] = [extra.vanity, extra.validators, encodeVote(extra.vote, consensus)];

  if (consensus === 'qbft') {
    const round = form === 'onchain' ? 0 : extra.round;
    return encodeRlp([...head, scalarHex(round), form === 'full' ? extra.seals : []]);
  }
  if (form === 'onchain') return encodeRlp(head);
  const round = extra.round.toString(16).padStart(8, '0');
  return encodeRlp(
    form === 'full' ? [...head, `0x${round}`, extra.seals] : [...head, `0x${round}`],
  );
}

function encodeVote(vote: Vote | null, consensus: Consensus): RlpValue {
  if (vote === null) return consensus === 'qbft' ? [] : '0x';
  // QBFT writes DROP as an empty string (writeNull); IBFT2 writes the byte 0x00.
  if (vote.add) return [vote.recipient, '0xff'];
  return [vote.recipient, consensus === 'qbft' ? '0x' : '0x00'];
}

function scalarHex(value: number): string {
  if (value === 0) return '0x';
  const hex = value.toString(16);
  return `0x${hex.length % 2 === 0 ? hex : `0${hex}`}`;
}

function checkEncodable(extra: BftExtraData): void {
  checkHex(extra.vanity, 'bad-vanity', 'vanity');
  for (const v of extra.validators) checkHex(v, 'bad-validator', 'validator', 20);
  if (extra.vote !== null) checkHex(extra.vote.recipient, 'bad-vote', 'vote recipient', 20);
  // Seals are only checked to be hex so that fault-injection tools can write malformed ones.
  for (const seal of extra.seals) checkHex(seal, 'bad-seal', 'seal');
  if (!Number.isInteger(extra.round) || extra.round < 0 || extra.round > MAX_ROUND) {
    throw new ConsensusError('bad-round', `round ${extra.round} is not a uint32`);
  }
}

function checkHex(value: unknown, code: ConsensusErrorCode, what: string, size?: number): void {
  const ok = typeof value === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(value);
  if (!ok || (size !== undefined && value.length !== 2 + 2 * size)) {
    throw new ConsensusError(
      code,
      `${what} is not ${size === undefined ? '' : `${size}-byte `}hex`,
    );
  }
}
