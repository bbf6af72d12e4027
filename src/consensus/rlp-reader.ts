import { ConsensusError } from './errors.js';

// A strict, lazy RLP reader with Besu's acceptance rules (ethereum/rlp AbstractRLPInput and
// RLPDecodingHelpers). ethers' decodeRlp is not used for decoding because it accepts
// non-canonical encodings (a single byte below 0x80 behind an 0x81 prefix, a long form for
// short payloads, length prefixes with leading zeros) that Besu rejects; matching Besu exactly
// matters because a prober must not call a block valid that no Besu node would import.

/** One RLP item inside a byte array: its kind and where its header and payload lie. */
export interface RlpItem {
  readonly isList: boolean;
  readonly start: number;
  readonly payloadStart: number;
  readonly end: number;
}

const HEX_BODY = /^[0-9a-fA-F]*$/;
const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Parses 0x-prefixed, even-length hex into bytes; throws ConsensusError 'not-hex' otherwise. */
export function hexToBytes(hex: unknown, what = 'value'): Uint8Array {
  if (typeof hex !== 'string' || !hex.startsWith('0x') || hex.length % 2 !== 0) {
    throw new ConsensusError('not-hex', `${what} is not 0x-prefixed even-length hex`);
  }
  if (!HEX_BODY.test(hex.slice(2))) {
    throw new ConsensusError('not-hex', `${what} contains non-hex characters`);
  }

  return Uint8Array.from(Buffer.from(hex.slice(2), 'hex'));
}

/** Lowercase 0x-hex of bytes[from, to). */
export function bytesToHex(bytes: Uint8Array, from = 0, to = bytes.length): string {
  let out = '0x';
  for (let i = from; i < to; i++) out += HEX_BYTE[bytes[i] ?? 0];
  return out;
}

/** Payload length of an item in bytes. */
export function payloadLength(item: RlpItem): number {
  return item.end - item.payloadStart;
}

/** Reads the item header at `offset`; the item must end at or before `limit`. */
export function readRlpItem(bytes: Uint8Array, offset: number, limit: number): RlpItem {
  const prefix = bytes[offset];
  if (prefix === undefined || offset >= limit) throw notRlp('item starts past the end of input');

  if (prefix < 0x80) return { isList: false, start: offset, payloadStart: offset, end: offset + 1 };
  if (prefix <= 0xb7 || (prefix >= 0xc0 && prefix <= 0xf7)) {
    const base = prefix <= 0xb7 ? 0x80 : 0xc0;
    const item = span(prefix >= 0xc0, offset, offset + 1, prefix - base, limit);
    // Besu: a one-byte string below 0x80 must be written as itself, without a prefix.
    if (prefix === 0x81 && (bytes[offset + 1] ?? 0) < 0x80) throw notRlp('non-canonical byte');
    return item;
  }

  const isList = prefix >= 0xf8;
  const sizeLength = prefix - (isList ? 0xf7 : 0xb7);
  return span(
    isList,
    offset,
    offset + 1 + sizeLength,
    readLongSize(bytes, offset, sizeLength, limit),
    limit,
  );
}

function readLongSize(
  bytes: Uint8Array,
  offset: number,
  sizeLength: number,
  limit: number,
): number {
  // Besu caps sizes at a Java int (at most 4 length bytes, below 2^31).
  if (sizeLength > 4) throw notRlp('length prefix longer than 4 bytes');
  if (offset + 1 + sizeLength > limit) throw notRlp('truncated length prefix');
  if (bytes[offset + 1] === 0) throw notRlp('length prefix has leading zeros');

  let size = 0;
  for (let i = 0; i < sizeLength; i++) size = size * 256 + (bytes[offset + 1 + i] ?? 0);
  if (size > 0x7fffffff) throw notRlp('item longer than 2^31-1 bytes');
  if (size < 56) throw notRlp('long form used for a payload under 56 bytes');
  return size;
}

function span(isList: boolean, start: number, payloadStart: number, size: number, limit: number) {
  const end = payloadStart + size;
  if (end > limit) throw notRlp('item runs past the end of its enclosing data');
  return { isList, start, payloadStart, end };
}

/** Headers of the direct children of a list item (their own payloads are not validated). */
export function readRlpChildren(bytes: Uint8Array, list: RlpItem): RlpItem[] {
  const children: RlpItem[] = [];
  let offset = list.payloadStart;
  while (offset < list.end) {
    const child = readRlpItem(bytes, offset, list.end);
    children.push(child);
    offset = child.end;
  }
  return children;
}

/** The single item that must cover `bytes` exactly (Besu rejects trailing data). */
export function readRlpRoot(bytes: Uint8Array): RlpItem {
  if (bytes.length === 0) throw notRlp('empty input');

  const root = readRlpItem(bytes, 0, bytes.length);
  if (root.end !== bytes.length) throw notRlp('extra data after the RLP item');
  return root;
}

function notRlp(message: string): ConsensusError {
  return new ConsensusError('not-rlp', `malformed RLP: ${message}`);
}
