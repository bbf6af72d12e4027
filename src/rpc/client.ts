import { Pool } from 'undici';
import type { ErrorClass } from '../engine/error-class.js';
import { readCappedBody, type BodyErrors } from './body.js';
import {
  RpcError,
  classifyHttpStatus,
  classifyRpcErrorCode,
  classifyTransportError,
  transportCode,
} from './errors.js';
import { safeDecode } from '../redact.js';

/** What the client tells its observer after each call (for metrics). */
export interface CallObservation {
  method: string;
  /** Time from sending the request to reading the last body byte; null when none arrived. */
  seconds: number | null;
  errorClass: ErrorClass | null;
}

/** TLS options of an https endpoint: trusted CAs (PEM, replacing the system roots) and SNI. */
export interface ClientTls {
  ca: string;
  /** DNS name sent as SNI and verified in the certificate; default the URL host. */
  serverName?: string;
}

/** Options of one endpoint's client. */
export interface RpcClientOptions {
  url: string;
  headers?: Record<string, string>;
  tls?: ClientTls | undefined;
  maxConnections?: number;
  maxResponseBytes?: number;
  onCall?: (obs: CallObservation) => void;
}

/** Options of one call: the caller's signal and an optional tighter deadline. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** A plain HTTP GET's outcome (Besu health endpoints). */
export interface HttpGetResult {
  status: number;
  body: unknown;
  seconds: number;
}

/**
 * A thin JSON-RPC 2.0 client over one keep-alive pool. Unlike ethers' JsonRpcProvider it never
 * retries, batches or polls for the network, so each call is one request and its timing is the
 * endpoint's. Every failure is thrown as an RpcError whose code is its class.
 */
export class RpcClient {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly headers: Record<string, string>;
  private readonly maxBytes: number;
  private nextId = 1;

  constructor(private readonly opts: RpcClientOptions) {
    const url = new URL(opts.url);
    this.pool = new Pool(url.origin, {
      connections: opts.maxConnections ?? 4,
      pipelining: 1,
      keepAliveTimeout: 10_000,
      // Our own AbortSignal deadline governs; undici's timers only back it up.
      headersTimeout: 600_000,
      bodyTimeout: 600_000,
      ...(opts.tls ? { connect: connectOptions(opts.tls) } : {}),
    });
    this.path = `${url.pathname}${url.search}`;
    this.headers = { 'content-type': 'application/json', ...authHeader(url), ...opts.headers };
    this.maxBytes = opts.maxResponseBytes ?? 8 * 1024 * 1024;
  }

  /** Calls `method` and returns its `result`; throws RpcError. A null result is returned. */
  async call<T = unknown>(
    method: string,
    params: unknown[] = [],
    opts: CallOptions = {},
  ): Promise<T> {
    const id = this.nextId++;
    const payload = JSON.stringify({ jsonrpc: '2.0', id, method, params });
    let seconds: number | null = null;
    try {
      const exchanged = await this.exchange('POST', this.path, payload, opts);
      const { status, text } = exchanged;
      seconds = exchanged.seconds;
      const result = parseJsonRpc(status, text, id) as T;
      this.observe(method, seconds, null);
      return result;
    } catch (err) {
      const rpcErr = err instanceof RpcError ? err : toRpcError(err, false);
      this.observe(method, seconds, rpcErr.code);
      throw rpcErr;
    }
  }

  /** GETs a path on the endpoint's origin and parses a JSON body when there is one. */
  async get(path: string, opts: CallOptions = {}): Promise<HttpGetResult> {
    const { status, text, seconds } = await this.exchange('GET', path, undefined, opts);
    let body: unknown = text;
    try {
      body = text.length > 0 ? JSON.parse(text) : null;
    } catch {
      // Not JSON: the caller judges the raw text.
    }
    return { status, body, seconds };
  }

  /** Closes idle connections; in-flight requests are aborted. */
  async close(): Promise<void> {
    await this.pool.destroy();
  }

  private observe(method: string, seconds: number | null, errorClass: ErrorClass | null): void {
    this.opts.onCall?.({ method, seconds, errorClass });
  }

  private async exchange(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    opts: CallOptions,
  ): Promise<{ status: number; text: string; seconds: number }> {
    const deadline = new AbortController();
    let timedOut = false;
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            deadline.abort();
          }, opts.timeoutMs);
    // A signal of its own per call (not the run's, which every call of a run shares): undici
    // holds an abort listener on it until the response closes. The run's abort is forwarded by
    // one listener removed after the call (AbortSignal.any cost a tenth of a run's CPU).
    const signal = deadline.signal;
    const onOuterAbort = (): void => {
      // The engine aborts with a TimeoutError reason when the run's hard deadline passes.
      if ((opts.signal?.reason as { name?: string } | undefined)?.name === 'TimeoutError')
        timedOut = true;
      deadline.abort(opts.signal?.reason);
    };
    opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
    try {
      // A run aborted before this call fires no event: forward it by hand.
      if (opts.signal?.aborted) onOuterAbort();
      if (signal.aborted)
        throw new RpcError(timedOut ? 'timeout' : 'aborted', 'aborted before sending');
      // The clock starts when the request is handed to the pool, after our own set-up (signals,
      // timers), so the reported latency is the endpoint's and not chainprobe's bookkeeping.
      const started = performance.now();
      const res = await this.pool.request({ method, path, headers: this.headers, body, signal });
      const text = await readCappedBody(res.body, this.maxBytes, RPC_BODY_ERRORS);
      const seconds = (performance.now() - started) / 1000;
      const status = res.statusCode;
      if (method === 'GET' || status === 200) return { status, text, seconds };
      return { status, text: checkStatus(status, text), seconds };
    } catch (err) {
      throw toRpcError(err, timedOut);
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onOuterAbort);
    }
  }
}

/** The TLS options of a connection to an endpoint with `tls` set (Pool, or node:tls itself). */
export function connectOptions(tls: ClientTls): { ca: string; servername?: string } {
  // With a servername, Node verifies the certificate against it instead of the URL host.
  return { ca: tls.ca, ...(tls.serverName !== undefined ? { servername: tls.serverName } : {}) };
}

function authHeader(url: URL): Record<string, string> {
  if (!url.username && !url.password) return {};
  // Userinfo that is not valid percent-encoding ("%zz") is sent as written, never a throw.
  const user = safeDecode(url.username);
  const pass = safeDecode(url.password);
  return { authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}

function toRpcError(err: unknown, timedOut: boolean): RpcError {
  if (err instanceof RpcError) return timedOut && err.code === 'aborted' ? retag(err) : err;
  const code = classifyTransportError(err, timedOut);
  // "tls" alone does not tell a wrong CA from a wrong name; the system code does.
  const sys = code === 'tls' || code === 'network' ? transportCode(err) : null;
  const detail = sys ? `${describeClass(code)} (${sys})` : describeClass(code);
  return new RpcError(code, detail, { cause: err });
}

function retag(err: RpcError): RpcError {
  return new RpcError('timeout', describeClass('timeout'), { cause: err });
}

// Besu answers a JSON-RPC parse error or invalid request with HTTP 400 and a JSON-RPC body;
// other non-200 statuses are failures of their own class.
function checkStatus(status: number, text: string): string {
  if (status === 400 && text.includes('"jsonrpc"')) return text;
  throw new RpcError(classifyHttpStatus(status), `HTTP status ${status}`, { httpStatus: status });
}

const RPC_BODY_ERRORS: BodyErrors = {
  tooLarge: (max) => new RpcError('body_too_large', `response body larger than ${max} bytes`),
  notUtf8: (cause) => new RpcError('invalid_json', 'response body is not valid UTF-8', { cause }),
};

/** Parses and checks a JSON-RPC 2.0 response to request `id`; returns `result`. */
export function parseJsonRpc(status: number, text: string, id: number): unknown {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch (err) {
    throw new RpcError('invalid_json', 'response is not JSON', { cause: err, httpStatus: status });
  }
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
    throw new RpcError('invalid_response', 'response is not a JSON-RPC object');
  }
  const obj = msg as Record<string, unknown>;
  if (obj.jsonrpc !== '2.0' || obj.id !== id) {
    throw new RpcError('invalid_response', 'response is not a JSON-RPC 2.0 answer to this request');
  }
  if ('error' in obj && obj.error !== undefined && obj.error !== null) {
    const error = obj.error as { code?: unknown; message?: unknown; data?: unknown };
    const code = typeof error.code === 'number' ? error.code : 0;
    // The message and data are the endpoint's words: kept for decoders (revert data) and
    // details, bounded in size, never used as a label.
    const rpcMessage = typeof error.message === 'string' ? error.message.slice(0, 200) : undefined;
    const rpcData =
      typeof error.data === 'string' && /^0x[0-9a-fA-F]{0,4096}$/.test(error.data)
        ? error.data
        : undefined;
    throw new RpcError(classifyRpcErrorCode(code), `JSON-RPC error ${code}`, {
      rpcCode: code,
      rpcMessage,
      rpcData,
    });
  }
  if (!('result' in obj)) throw new RpcError('invalid_response', 'response has no result');
  return obj.result;
}

/** A short, fixed description per class, safe for logs (never echoes endpoint text). */
export function describeClass(code: ErrorClass): string {
  return code.replace(/_/g, ' ');
}
