import { RpcError } from './errors.js';

const QUANTITY = /^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$/;
const DATA = /^0x([0-9a-fA-F]{2})*$/;

/** Parses a JSON-RPC QUANTITY ("0x1a"); anything else is a bad_response naming `field`. */
export function parseQuantity(value: unknown, field: string): bigint {
  // Besu and anvil both send minimal hex; tolerate leading zeros, reject everything else.
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(value)) {
    throw new RpcError('bad_response', `${field} is not a hex quantity`);
  }
  return BigInt(value);
}

/** A QUANTITY that must fit a double exactly (block numbers, timestamps, counts). */
export function parseSafeQuantity(value: unknown, field: string): number {
  const n = parseQuantity(value, field);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RpcError('bad_response', `${field} is larger than 2^53`);
  }
  return Number(n);
}

/** Checks a DATA value of an exact byte length (hashes: 32, addresses: 20). */
export function parseData(value: unknown, field: string, bytes?: number): string {
  if (typeof value !== 'string' || !DATA.test(value)) {
    throw new RpcError('bad_response', `${field} is not hex data`);
  }
  if (bytes !== undefined && value.length !== 2 + bytes * 2) {
    throw new RpcError('bad_response', `${field} is not ${bytes} bytes`);
  }
  return value.toLowerCase();
}

/** True for a strictly minimal QUANTITY. */
export function isMinimalQuantity(value: string): boolean {
  return QUANTITY.test(value);
}

/** A raw eth_getBlockBy* result as an object: null is a null_result, a non-object bad_response. */
export function asBlockObject(raw: unknown): Record<string, unknown> {
  if (raw === null || raw === undefined) {
    throw new RpcError('null_result', 'the node returned no block');
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new RpcError('bad_response', 'block is not an object');
  }
  return raw as Record<string, unknown>;
}
