import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How a test server answers one request. */
export type Handler = (
  req: IncomingMessage,
  body: string,
  res: ServerResponse,
) => void | Promise<void>;

/** A local HTTP server on 127.0.0.1 port 0 whose behaviour a test sets. */
export interface TestServer {
  url: string;
  /** Replaces the handler. */
  handle(handler: Handler): void;
  /** Requests received so far. */
  readonly requests: Array<{ method: string; url: string; body: string }>;
  stop(): Promise<void>;
}

/** Answers a JSON-RPC request with `result` (echoing its id). */
export function rpcResult(result: unknown): Handler {
  return (_req, body, res) => {
    const id = safeId(body);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ jsonrpc: '2.0', id, result }));
  };
}

/** Answers JSON-RPC methods from a table; unknown ones with -32601 like Besu. */
export function rpcMethods(
  table: Record<string, unknown | ((params: unknown[]) => unknown)>,
): Handler {
  return (_req, body, res) => {
    let msg: { id?: unknown; method?: string; params?: unknown[] } = {};
    try {
      msg = JSON.parse(body) as typeof msg;
    } catch {
      // fall through with an empty request
    }
    res.setHeader('content-type', 'application/json');
    const entry = msg.method !== undefined ? table[msg.method] : undefined;
    if (entry === undefined) {
      res.end(
        JSON.stringify({
          jsonrpc: '2.0',
          id: msg.id ?? null,
          error: { code: -32601, message: 'Method not found' },
        }),
      );
      return;
    }
    const result =
      typeof entry === 'function' ? (entry as (p: unknown[]) => unknown)(msg.params ?? []) : entry;
    res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result }));
  };
}

function safeId(body: string): unknown {
  try {
    return (JSON.parse(body) as { id?: unknown }).id ?? null;
  } catch {
    return null;
  }
}

/** Starts a server; every socket is destroyed on stop so hanging handlers end too. */
export async function startTestServer(handler: Handler = rpcResult('0x1')): Promise<TestServer> {
  let current = handler;
  const requests: TestServer['requests'] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', body });
      void Promise.resolve(current(req, body, res)).catch(() => res.destroy());
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    handle: (h) => {
      current = h;
    },
    requests,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
