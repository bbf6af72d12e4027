import { Interface, type Result } from 'ethers';
import type { ErrorClass } from '../../engine/error-class.js';
import { RpcError } from '../../rpc/errors.js';

/** The AggregatorV3 read functions the oracle probe calls. */
export const AGGREGATOR_V3 = new Interface([
  'function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, ' +
    'uint256 updatedAt, uint80 answeredInRound)',
  'function decimals() view returns (uint8)',
  'function description() view returns (string)',
]);

const REVERT_ABI = new Interface(['error Error(string)', 'error Panic(uint256)']);

/**
 * One latestRoundData() answer, exact. answeredInRound is deliberately dropped: it is deprecated
 * upstream and OCR feeds set it equal to roundId, so it proves nothing.
 */
export interface RoundData {
  /** uint80: may exceed 2^53 (proxies put the phase in the top 16 bits), so never a number. */
  roundId: bigint;
  answer: bigint;
  /** Unix seconds, as the contract stores them (uint256, unchecked). */
  startedAt: bigint;
  updatedAt: bigint;
}

/** Calldata of a no-argument AggregatorV3 function. */
export function encodeCall(fn: 'latestRoundData' | 'decimals' | 'description'): string {
  return AGGREGATOR_V3.encodeFunctionData(fn);
}

/** Decodes latestRoundData() return data; an empty or short answer is a bad_response. */
export function decodeRoundData(data: unknown): RoundData {
  const r = decodeResult('latestRoundData', data);
  return {
    roundId: r[0] as bigint,
    answer: r[1] as bigint,
    startedAt: r[2] as bigint,
    updatedAt: r[3] as bigint,
  };
}

/** Decodes decimals() return data (uint8). */
export function decodeDecimals(data: unknown): number {
  return Number(decodeResult('decimals', data)[0] as bigint);
}

/** Decodes description(): printable ASCII only, at most 64 characters (outsider text). */
export function decodeDescription(data: unknown): string {
  return sanitize(String(decodeResult('description', data)[0]));
}

function decodeResult(fn: 'latestRoundData' | 'decimals' | 'description', data: unknown): Result {
  if (typeof data !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(data)) {
    throw new RpcError('bad_response', `${fn}() result is not hex data`);
  }
  // A call to an address without code succeeds with empty data: the address is not a feed.
  if (data === '0x') throw new RpcError('bad_response', `${fn}() returned no data (no contract?)`);
  try {
    return AGGREGATOR_V3.decodeFunctionResult(fn, data);
  } catch (err) {
    throw new RpcError('bad_response', `${fn}() result does not decode`, { cause: err });
  }
}

/**
 * Class of a failed eth_call. anvil and geth answer a revert with code 3 and the revert data;
 * Besu with -32000 "Execution reverted" and the data.
 */
export function classifyCallError(err: RpcError): ErrorClass {
  if (err.code !== 'rpc_error') return err.code;
  if (err.extra.rpcCode === 3) return 'reverted';
  // Limitation: the JSON-RPC client keeps only the error code, and Besu uses -32000 for more
  // than reverts ("Block not found", "World state unavailable"). At the head block those are
  // rare, so -32000 on eth_call is taken as a revert.
  if (err.extra.rpcCode === -32000) return 'reverted';
  return err.code;
}

/**
 * A short, safe description of revert data: the Error(string) reason, a panic code, or the
 * selector. `undefined` means the transport did not keep the data.
 */
export function describeRevert(data: string | undefined): string {
  if (data === undefined) return 'reverted';
  if (data === '0x' || data === '') return 'reverted without data';
  try {
    const parsed = REVERT_ABI.parseError(data);
    if (parsed?.name === 'Error') return `reverted: ${sanitize(String(parsed.args[0]))}`;
    if (parsed?.name === 'Panic') return `panicked: 0x${(parsed.args[0] as bigint).toString(16)}`;
  } catch {
    // Not a standard error: name its selector below.
  }
  return `reverted with custom error ${sanitize(data.slice(0, 10).toLowerCase())}`;
}

function sanitize(text: string): string {
  const printable = text.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 64 ? `${printable.slice(0, 61)}...` : printable;
}
