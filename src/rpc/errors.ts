import type { ErrorClass } from '../engine/error-class.js';

/** A failed JSON-RPC or HTTP exchange. `code` is its class; the message is safe to log. */
export class RpcError extends Error {
  constructor(
    readonly code: ErrorClass,
    message: string,
    readonly extra: {
      httpStatus?: number;
      rpcCode?: number;
      /** The JSON-RPC error message, at most 200 characters (endpoint text: never a label). */
      rpcMessage?: string;
      /** The JSON-RPC error data when it is hex (e.g. revert data). */
      rpcData?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: extra.cause });
    this.name = 'RpcError';
  }
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

const CODE_CLASSES: Record<string, ErrorClass> = {
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset',
  UND_ERR_CLOSED: 'connection_reset',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_NONAME: 'dns',
  EAI_FAIL: 'dns',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'body_too_large',
  EHOSTUNREACH: 'network',
  ENETUNREACH: 'network',
  EADDRNOTAVAIL: 'network',
};

/**
 * Maps any error thrown while talking to an endpoint to its class. `timedOut` says whether our
 * own deadline fired, which turns an abort into a timeout rather than a shutdown.
 */
export function classifyTransportError(err: unknown, timedOut = false): ErrorClass {
  if (err instanceof RpcError) return err.code;
  if (timedOut) return 'timeout';
  for (const e of causeChain(err)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
        return 'tls';
      }
      // Own keys only: a code like "toString" must not find Object.prototype's members.
      const cls = Object.hasOwn(CODE_CLASSES, code) ? CODE_CLASSES[code] : undefined;
      if (cls) return cls;
    }
    const name = (e as { name?: unknown }).name;
    if (name === 'AbortError') return 'aborted';
    // undici's HTTPParserError: the peer does not speak HTTP/1.1 (an SSH or SMTP port, a proxy
    // answering garbage). Its code is often unset, so the name decides.
    if (name === 'HTTPParserError' || (typeof code === 'string' && code.startsWith('HPE_')))
      return 'invalid_response';
  }
  return 'network';
}

/**
 * The system or TLS error code behind a transport failure (ERR_TLS_CERT_ALTNAME_INVALID,
 * UNABLE_TO_VERIFY_LEAF_SIGNATURE, EHOSTUNREACH...), for a failure's detail where the class
 * alone is vague; null when there is none. Only upper-case identifiers, so no endpoint text.
 */
export function transportCode(err: unknown): string | null {
  for (const e of causeChain(err)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,63}$/.test(code)) return code;
  }
  return null;
}

/** Class of a non-200 HTTP status. */
export function classifyHttpStatus(status: number): ErrorClass {
  if (status === 429) return 'rate_limited';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status >= 300 && status < 400) return 'http_redirect';
  if (status >= 500) return 'http_5xx';
  return 'http_4xx';
}

/** Class of a JSON-RPC error object's code: unavailable methods are a state of their own. */
export function classifyRpcErrorCode(code: number): ErrorClass {
  // -32601 Method not found, -32604 Method not enabled (Besu, RpcErrorType).
  if (code === -32601 || code === -32604) return 'method_unavailable';
  return 'rpc_error';
}

function causeChain(err: unknown): unknown[] {
  const out: unknown[] = [];
  let cur = err;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    out.push(cur);
    cur = (cur as { cause?: unknown }).cause;
  }
  return out;
}
