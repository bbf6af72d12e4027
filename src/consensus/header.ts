import { encodeRlp, keccak256 } from 'ethers';
import { ConsensusError, toConsensusError } from './errors.js';
import {
  decodeExtraData,
  encodeExtraData,
  type BftExtraData,
  type Consensus,
  type ExtraDataForm,
} from './extra-data.js';

/** A raw eth_getBlockByNumber JSON result (Besu BlockResult field names). */
export interface RawBlock {
  [k: string]: unknown;
}

type FieldKind = 'hash' | 'address' | 'bloom' | 'quantity' | 'bytes' | 'nonce';

/** Index of extraData in the header field list. */
export const EXTRA_DATA_INDEX = 12;
/** Index of the block number in the header field list. */
export const NUMBER_INDEX = 8;

const BASE_FIELDS: ReadonlyArray<readonly [string, FieldKind]> = [
  ['parentHash', 'hash'],
  ['sha3Uncles', 'hash'],
  ['miner', 'address'],
  ['stateRoot', 'hash'],
  ['transactionsRoot', 'hash'],
  ['receiptsRoot', 'hash'],
  ['logsBloom', 'bloom'],
  ['difficulty', 'quantity'],
  ['number', 'quantity'],
  ['gasLimit', 'quantity'],
  ['gasUsed', 'quantity'],
  ['timestamp', 'quantity'],
  ['extraData', 'bytes'],
  ['mixHash', 'hash'],
  ['nonce', 'nonce'],
];

// Fork fields in BlockHeader.writeTo order; a group is written only if it and every earlier
// group are present (Besu stops at the first absent one).
// Limitation: balHash and slotNumber (after requestsHash) are not read, because their JSON
// names are not in Besu's BlockResult yet; headers carrying them will hash differently.
const OPTIONAL_GROUPS: ReadonlyArray<ReadonlyArray<readonly [string, FieldKind]>> = [
  [['baseFeePerGas', 'quantity']],
  [['withdrawalsRoot', 'hash']],
  [
    ['blobGasUsed', 'quantity'],
    ['excessBlobGas', 'quantity'],
  ],
  [['parentBeaconBlockRoot', 'hash']],
  [['requestsHash', 'hash']],
];

const FIXED_SIZE: Partial<Record<FieldKind, number>> = { hash: 32, address: 20, bloom: 256 };

/**
 * The header's RLP field list (hex strings) in Besu's order: parentHash ... nonce, then the
 * fork fields present. Quantities are minimal (0 => '0x'), nonce is 8 bytes.
 */
export function headerFieldsFromBlock(raw: RawBlock): string[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConsensusError('bad-shape', 'block is not a JSON object');
  }

  const fields = BASE_FIELDS.map(([name, kind]) => readField(raw, name, kind));
  for (const group of OPTIONAL_GROUPS) {
    if (group.some(([name]) => raw[name] === undefined || raw[name] === null)) break;
    fields.push(...group.map(([name, kind]) => readField(raw, name, kind)));
  }
  return fields;
}

function readField(raw: RawBlock, name: string, kind: FieldKind): string {
  const value = raw[name];
  if (value === undefined || value === null) {
    throw new ConsensusError('missing-field', `block field ${name} is missing`);
  }

  const hex = kind === 'quantity' || kind === 'nonce' ? readQuantity(value) : readData(value);
  const size = FIXED_SIZE[kind];
  if (hex === null || (size !== undefined && hex.length !== 2 + 2 * size)) {
    throw new ConsensusError('bad-field', `block field ${name} is malformed`, {
      detail: [`expected ${kind}${size === undefined ? '' : ` of ${size} bytes`}`],
    });
  }
  if (kind === 'nonce') return nonceHex(hex, name);
  return hex;
}

function readData(value: unknown): string | null {
  if (typeof value !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(value)) return null;
  return value.toLowerCase();
}

// Quantities are accepted as hex strings (leading zeros tolerated: some tools write "0x01"),
// non-negative safe integers or bigints, and re-encoded minimally, at most 32 bytes.
function readQuantity(value: unknown): string | null {
  let digits: string;
  if (typeof value === 'string' && /^0x[0-9a-fA-F]{1,64}$/.test(value)) {
    digits = value.slice(2).toLowerCase().replace(/^0+/, '');
  } else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    digits = value === 0 ? '' : value.toString(16);
  } else if (typeof value === 'bigint' && value >= 0n && value < 1n << 256n) {
    digits = value === 0n ? '' : value.toString(16);
  } else {
    return null;
  }
  return `0x${digits.length % 2 === 0 ? digits : `0${digits}`}`;
}

function nonceHex(hex: string, name: string): string {
  if (hex.length > 18) throw new ConsensusError('bad-field', `block field ${name} exceeds 8 bytes`);
  return `0x${hex.slice(2).padStart(16, '0')}`;
}

// keccak256 of the header RLP with extraData (field 12) replaced by `extraHex`.
function hashWithExtra(fields: string[], extraHex: string): string {
  if (fields.length < BASE_FIELDS.length) {
    throw new ConsensusError('bad-shape', `header has ${fields.length} fields, expected >= 15`);
  }

  const copy = fields.slice();
  copy[EXTRA_DATA_INDEX] = extraHex;
  try {
    return keccak256(encodeRlp(copy));
  } catch (err) {
    throw toConsensusError(err, 'bad-field', 'header field list is not hex');
  }
}

function hashOfForm(fields: string[], extra: BftExtraData, c: Consensus, form: ExtraDataForm) {
  return hashWithExtra(fields, encodeExtraData(extra, c, form));
}

/** Commit-seal digest of a header field list whose extraData decodes to `extra`. */
export function commitDigestOfFields(
  fields: string[],
  extra: BftExtraData,
  consensus: Consensus,
): string {
  return hashOfForm(fields, extra, consensus, 'commit');
}

/**
 * Besu's on-chain block hash of a header field list whose extraData decodes to `extra`.
 * Genesis (number 0) hashes the 'full' encoding of `extra`, as Besu hashes it unchanged.
 */
export function bftHashOfFields(
  fields: string[],
  extra: BftExtraData,
  consensus: Consensus,
): string {
  const isGenesis = fields[NUMBER_INDEX] === '0x';
  return hashOfForm(fields, extra, consensus, isGenesis ? 'full' : 'onchain');
}

/** keccak256 digest that each validator signs in its commit seal for this block. */
export function commitDigest(raw: RawBlock, consensus: Consensus): string {
  const fields = headerFieldsFromBlock(raw);
  const { extra } = decodeExtraData(fields[EXTRA_DATA_INDEX] ?? '', consensus);
  return commitDigestOfFields(fields, extra, consensus);
}

/** Besu's block hash (seals and round excluded); genesis hashes its extraData unchanged. */
export function bftBlockHash(raw: RawBlock, consensus: Consensus): string {
  const fields = headerFieldsFromBlock(raw);
  if (fields[NUMBER_INDEX] === '0x') return keccak256(encodeRlp(fields));

  const { extra } = decodeExtraData(fields[EXTRA_DATA_INDEX] ?? '', consensus);
  return hashOfForm(fields, extra, consensus, 'onchain');
}
