import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino, type Logger } from 'pino';
import { decodeExtraData, type BftExtraData } from '../consensus/extra-data.js';
import { bftBlockHash, commitDigest } from '../consensus/header.js';
import { selectProposer } from '../consensus/proposer.js';
import { judgeSeals, recoverSigners, type SealVerdict } from '../consensus/seals.js';
import { isJsonObject, type Json, type JsonObject } from './jsonrpc.js';

/** An HTTP JSON-RPC exchange as a test sees it: status and parsed body (or text). */
export interface RpcExchange {
  status: number;
  body: unknown;
}

/** Posts a JSON-RPC request (or batch, when `method` is an array of requests) to `url`. */
export async function postRpc(
  url: string,
  method: string | object[],
  params: Json[] = [],
  timeoutMs = 10_000,
): Promise<RpcExchange> {
  const payload = Array.isArray(method) ? method : { jsonrpc: '2.0', id: 1, method, params };
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Non-JSON body (429, 500, gateway pages): keep the text.
  }
  return { status: response.status, body };
}

/** Calls `method` and returns its result; throws on an error response. */
export async function rpcResultOf(url: string, method: string, params: Json[] = []): Promise<Json> {
  const { status, body } = await postRpc(url, method, params);
  if (!isJsonObject(body) || 'error' in body) {
    throw new Error(`${method} -> HTTP ${status} ${JSON.stringify(body)}`);
  }
  return body.result ?? null;
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined/false. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** The served block `number` (hex or tag) from `url`. */
export async function fetchBlock(url: string, number: number | string): Promise<JsonObject> {
  const tag = typeof number === 'number' ? `0x${number.toString(16)}` : number;
  const block = await rpcResultOf(url, 'eth_getBlockByNumber', [tag, false]);
  if (!isJsonObject(block)) throw new Error(`no block ${tag} at ${url}`);
  return block;
}

/** What the codec says about one served block and its parent. */
export interface BlockCheck {
  number: number;
  extra: BftExtraData;
  verdict: SealVerdict;
  hashMatches: boolean;
  parentLinks: boolean;
  /** The proposer Besu would pick for the block's round. */
  expectedMiner: string;
  miner: string;
  /** Designated proposers of the rounds that expired before the committing one. */
  skippedProposers: string[];
}

/** Checks `block` against its parent with the consensus codec (QBFT rules). */
export function checkBlock(block: JsonObject, parent: JsonObject): BlockCheck {
  const { extra } = decodeExtraData(String(block.extraData), 'qbft');
  const signers = recoverSigners(commitDigest(block, 'qbft'), extra.seals);
  const prevCoinbase = String(parent.miner);
  const rounds = Array.from({ length: extra.round }, (_, r) => r);
  return {
    number: Number(block.number),
    extra,
    verdict: judgeSeals(extra.validators, signers),
    hashMatches: bftBlockHash(block, 'qbft') === block.hash,
    parentLinks: block.parentHash === parent.hash,
    expectedMiner: selectProposer(extra.validators, prevCoinbase, extra.round),
    miner: String(block.miner),
    skippedProposers: rounds.map((r) => selectProposer(extra.validators, prevCoinbase, r)),
  };
}

/** Opens a fresh TCP connection to `url`'s port; resolves to the error code or 'connected'. */
export function probeConnect(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

/** Whether a process with this pid exists (process.kill(pid, 0) throws ESRCH when not). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** The executable name of a process, from /proc (Linux): 'anvil', or 'node' for the launcher. */
export function commOf(pid: number): string {
  return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
}

/** A debug-level pino logger that keeps every line, parsed. */
export function collectingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, lines };
}
