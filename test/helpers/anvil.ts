import { spawn, type ChildProcess } from 'node:child_process';
import { resolveAnvilBinary } from '../../src/devnet/anvil-binary.js';
import { freePort, waitFor } from './ports.js';

// The real binary, not the npm launcher: its pid is anvil's, so stopChild() leaves nothing behind.
const ANVIL = resolveAnvilBinary().path;

/** A running anvil, stopped by its pid. */
export interface Anvil {
  url: string;
  port: number;
  pid: number;
  /** Sends a JSON-RPC call and returns its result (throws on a JSON-RPC error). */
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  stop(): Promise<void>;
}

/** Starts anvil on a free loopback port with the given chain id and block time. */
export async function startAnvil(
  opts: { chainId?: number; blockTime?: number; args?: string[] } = {},
): Promise<Anvil> {
  const port = await freePort();
  const args = [
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--chain-id',
    String(opts.chainId ?? 138),
    '--silent',
  ];
  if (opts.blockTime) args.push('--block-time', String(opts.blockTime));
  const child: ChildProcess = spawn(ANVIL, [...args, ...(opts.args ?? [])], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const rpc = async <T>(method: string, params: unknown[] = []): Promise<T> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    const body = (await res.json()) as { result?: T; error?: { message: string } };
    if (body.error) throw new Error(body.error.message);
    return body.result as T;
  };
  await waitFor(async () => (await rpc<string>('eth_chainId')) !== undefined, 20_000);
  return {
    url,
    port,
    pid: child.pid ?? -1,
    rpc,
    stop: () => stopChild(child),
  };
}

/** Stops a child process by pid: SIGTERM, then SIGKILL after a grace period. */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
