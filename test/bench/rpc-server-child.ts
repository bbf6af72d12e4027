/**
 * A JSON-RPC load server run as its own process, so the process under measurement is never
 * the one answering. argv[2] is JSON: { servers, delayMs, record }. It starts `servers` HTTP
 * servers on 127.0.0.1 port 0, answers every path like a healthy Besu node after exactly
 * `delayMs` measured server-side (from the request event to res.end), prints one JSON line
 * `{"ports":[...]}` and, with `record`, keeps each request's handling time by path, served by
 * GET /__stats. SIGTERM stops it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

interface Options {
  servers: number;
  delayMs: number;
  record: boolean;
}

const RESULTS: Record<string, unknown> = {
  eth_chainId: '0x8a',
  eth_blockNumber: '0x10',
  net_peerCount: '0x4',
  eth_syncing: false,
};

const opts = JSON.parse(process.argv[2] ?? '{}') as Options;
const handled = new Map<string, number[]>();
const sockets = new Set<Socket>();

function answer(body: string): string {
  let msg: { id?: unknown; method?: string } = {};
  try {
    msg = JSON.parse(body) as typeof msg;
  } catch {
    // answered as a parse error below
  }
  const result = msg.method === undefined ? undefined : RESULTS[msg.method];
  if (result === undefined)
    return JSON.stringify({
      jsonrpc: '2.0',
      id: msg.id ?? null,
      error: { code: -32601, message: 'Method not found' },
    });
  return JSON.stringify({ jsonrpc: '2.0', id: msg.id, result });
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const arrived = performance.now();
  const path = req.url ?? '/';
  if (req.method === 'GET' && path === '/__stats') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(Object.fromEntries(handled)));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const text = answer(Buffer.concat(chunks).toString('utf8'));
    const finish = (): void => {
      const waited = performance.now() - arrived;
      // setTimeout may fire early by a fraction of a millisecond; never answer before delayMs.
      if (waited < opts.delayMs) {
        setTimeout(finish, Math.max(0, opts.delayMs - waited));
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(text);
      if (opts.record) record(path, performance.now() - arrived);
    };
    if (opts.delayMs > 0) setTimeout(finish, opts.delayMs);
    else finish();
  });
}

function record(path: string, ms: number): void {
  const list = handled.get(path) ?? [];
  list.push(ms / 1000);
  handled.set(path, list);
}

async function main(): Promise<void> {
  const ports: number[] = [];
  for (let i = 0; i < opts.servers; i++) {
    const server = createServer(handle);
    server.keepAliveTimeout = 60_000;
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 1024, resolve));
    ports.push((server.address() as AddressInfo).port);
  }
  process.stdout.write(`${JSON.stringify({ ports })}\n`);
}

process.on('SIGTERM', () => {
  for (const s of sockets) s.destroy();
  process.exit(0);
});
void main();
