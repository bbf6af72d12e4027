import { readBody, type RequestHandler } from './http-endpoint.js';
import { answerPrivileged } from './privileged.js';

/** The gateway's fault knob: answer `status` to a fraction `rate` of requests. */
export interface GatewayFaults {
  error(): { status: number; rate: number } | undefined;
  /** A JSON-RPC method the gateway refuses (HTTP 403 or -32601), e.g. eth_sendRawTransaction. */
  refusedMethod?(): { method: string; mode: string } | undefined;
  /** API groups the gateway serves itself (gateway-exposes-admin); none when absent. */
  privilegedGroups?(): string[];
}

/** Options of the gateway in front of the RPC nodes. */
export interface GatewayOptions {
  backends: string[];
  faults: GatewayFaults;
  /** Backend timeout before a 502, ms (Application Gateway default is 20 s; 10 s here). */
  backendTimeoutMs?: number;
  random?: () => number;
}

/**
 * A round-robin reverse proxy like an Application Gateway: a backend that refuses connections
 * is skipped for the next one; when none answers, or one times out, the client gets 502.
 */
export function createGatewayHandler(opts: GatewayOptions): RequestHandler {
  let next = 0;
  const random = opts.random ?? Math.random;

  return async (req, res) => {
    const error = opts.faults.error();
    if (error && random() < error.rate) {
      res.writeHead(error.status, { 'content-type': 'text/html' });
      res.end(`<html><body><h1>${error.status} ${statusText(error.status)}</h1></body></html>`);
      return;
    }
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    const leaked = body === undefined ? undefined : answerPrivileged(body, exposedGroups(opts));
    if (leaked !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(leaked);
      return;
    }
    if (refuseMethod(opts.faults.refusedMethod?.(), body, res)) return;
    const start = next++ % opts.backends.length;
    for (let i = 0; i < opts.backends.length; i++) {
      const backend = opts.backends[(start + i) % opts.backends.length] as string;
      const outcome = await forward(backend, req.method ?? 'GET', req.url ?? '/', body, opts);
      if (outcome === 'refused') continue;
      if (outcome === 'timeout') break;
      res.writeHead(outcome.status, { 'content-type': outcome.contentType });
      res.end(outcome.body);
      return;
    }
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
  };
}

// Limitation: only a single (non-batch) request naming the method is refused.
function refuseMethod(
  refused: { method: string; mode: string } | undefined,
  body: string | undefined,
  res: Parameters<RequestHandler>[1],
): boolean {
  if (!refused || body === undefined) return false;
  let request: { id?: unknown; method?: unknown };
  try {
    request = JSON.parse(body) as { id?: unknown; method?: unknown };
  } catch {
    return false;
  }
  if (request === null || request.method !== refused.method) return false;
  if (refused.mode === 'http403') {
    res.writeHead(403, { 'content-type': 'text/html' });
    res.end('<html><body><h1>403 Forbidden</h1></body></html>');
    return true;
  }
  const error = { code: -32601, message: 'Method not found' };
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', id: request.id ?? null, error }));
  return true;
}

function exposedGroups(opts: GatewayOptions): string[] {
  return opts.faults.privilegedGroups?.() ?? [];
}

function statusText(status: number): string {
  return status === 503 ? 'Service Temporarily Unavailable' : 'Bad Gateway';
}

type Outcome = 'refused' | 'timeout' | { status: number; contentType: string; body: string };

async function forward(
  backend: string,
  method: string,
  path: string,
  body: string | undefined,
  opts: GatewayOptions,
): Promise<Outcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(new URL(path, backend), {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(opts.backendTimeoutMs ?? 10_000),
      });
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? 'application/json',
        body: await response.text(),
      };
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
      // A kept-alive connection the backend closed just as it was reused fails without the
      // backend being down; like a real gateway, try that backend once more on a new one.
      if (attempt === 0 && !isRefused(err)) continue;
      return 'refused';
    }
  }
}

function isRefused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: unknown } }).cause;
  return cause?.code === 'ECONNREFUSED';
}
