import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { callRpc } from './jsonrpc.js';

/** Options for the anvil process under the devnet. */
export interface AnvilOptions {
  port: number;
  chainId: number;
  /** Genesis timestamp, unix seconds. */
  genesisTimestamp: number;
  /** Path of the anvil binary; default $CHAINPROBE_ANVIL, else node_modules/.bin/anvil. */
  binary?: string;
}

/** A running anvil process. */
export interface AnvilProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const DEFAULT_BINARY = fileURLToPath(new URL('../../node_modules/.bin/anvil', import.meta.url));

/**
 * Starts anvil with mining off (the QBFT producer mines with explicit timestamps), London rules
 * (headers carry baseFee only, like a Besu London chain) and a zero base fee (Besu zeroBaseFee).
 * No dev accounts: every funded key is derived from the devnet seed.
 */
export async function startAnvil(opts: AnvilOptions): Promise<AnvilProcess> {
  const child = spawn(
    opts.binary ?? process.env.CHAINPROBE_ANVIL ?? DEFAULT_BINARY,
    anvilArgs(opts),
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${opts.port}`;

  try {
    await waitForAnvil(url, child, () => stderr);
  } catch (err) {
    await killChild(child);
    throw err;
  }
  const pid = child.pid ?? -1;
  return { url, pid, stop: () => killChild(child) };
}

function anvilArgs(opts: AnvilOptions): string[] {
  // prettier-ignore
  return [
    '--host', '127.0.0.1', '--port', String(opts.port), '--chain-id', String(opts.chainId),
    '--no-mining', '--hardfork', 'london', '--base-fee', '0', '--gas-price', '0',
    '--accounts', '0', '--timestamp', String(opts.genesisTimestamp), '--silent',
  ];
}

async function waitForAnvil(url: string, child: ChildProcess, stderr: () => string) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`anvil exited (${child.exitCode}): ${stderr()}`);
    try {
      await callRpc(url, 'eth_chainId', [], 1000);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`anvil did not answer on ${url} within 15 s: ${stderr()}`);
}

/** Kills `child` by pid (SIGTERM, then SIGKILL after 3 s) and waits for it to exit. */
async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}
