import { spawn, type ChildProcess } from 'node:child_process';
import { resolveAnvilBinary, type AnvilBinary } from './anvil-binary.js';
import { DevnetError } from './devnet-error.js';
import { callRpc } from './jsonrpc.js';

/** Options for the anvil process under the devnet. */
export interface AnvilOptions {
  port: number;
  chainId: number;
  /** Genesis timestamp, unix seconds. */
  genesisTimestamp: number;
  /** Path of the anvil executable; default resolveAnvilBinary() ($CHAINPROBE_ANVIL first). */
  binary?: string;
}

/** How anvil ended, as Node reports it: an exit code or a signal (the other is null). */
export interface AnvilExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running anvil process. */
export interface AnvilProcess {
  url: string;
  /** Pid of the executable started: anvil's own unless only the npm launcher was found. */
  pid: number;
  binary: AnvilBinary;
  /** Resolves once the process has exited, for whatever reason (stop() included). */
  exited: Promise<AnvilExit>;
  /** Stops anvil (SIGTERM, SIGKILL after 3 s) and resolves once it has exited; idempotent. */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 3000;

/**
 * Starts anvil with mining off (the QBFT producer mines with explicit timestamps), London rules
 * (headers carry baseFee only, like a Besu London chain) and a zero base fee (Besu zeroBaseFee).
 * No dev accounts: every funded key is derived from the devnet seed.
 */
export async function startAnvil(opts: AnvilOptions): Promise<AnvilProcess> {
  const binary: AnvilBinary = opts.binary
    ? { path: opts.binary, kind: 'override' }
    : resolveAnvilBinary();
  // Own session and process group (detached): stop() signals the group, so a launcher's child
  // (npm wrapper, override script) goes too; and a terminal's Ctrl-C or SIGHUP reaches the
  // devnet only, which stops anvil last (anvil dying first would read as a crash).
  const child = spawn(binary.path, anvilArgs(opts), {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  const exited = exitOf(child);
  const stderr = tailOf(child);
  if (child.pid !== undefined) killOnProcessExit(child);
  const url = `http://127.0.0.1:${opts.port}`;
  const stop = () => stopGroup(child, exited, binary.kind !== 'binary');

  try {
    await waitForAnvil(url, exited, stderr);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, pid: child.pid ?? -1, binary, exited, stop };
}

function anvilArgs(opts: AnvilOptions): string[] {
  // prettier-ignore
  return [
    '--host', '127.0.0.1', '--port', String(opts.port), '--chain-id', String(opts.chainId),
    '--no-mining', '--hardfork', 'london', '--base-fee', '0', '--gas-price', '0',
    '--accounts', '0', '--timestamp', String(opts.genesisTimestamp), '--silent',
  ];
}

/** Resolves when `child` exits, or fails to spawn (code and signal both null then). */
function exitOf(child: ChildProcess): Promise<AnvilExit> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // 'error': failed to spawn (no pid), or a signal could not be delivered (ignored here).
    child.on('error', () => {
      if (child.pid === undefined) resolve({ code: null, signal: null });
    });
  }).then((exit) => {
    LIVE.delete(child);
    return exit as AnvilExit;
  });
}

/** Keeps the last 4000 characters of anvil's stderr, for start-up errors. */
function tailOf(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-4000);
  });
  child.on('error', (err) => {
    text += `\n${err.message}`;
  });
  return () => text.trim();
}

async function waitForAnvil(url: string, exited: Promise<AnvilExit>, stderr: () => string) {
  let exit: AnvilExit | undefined;
  void exited.then((e) => (exit = e));
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (exit) {
      const how = exit.signal ?? (exit.code === null ? 'not started' : `code ${exit.code}`);
      throw new DevnetError('anvil-start-failed', `anvil exited during start-up (${how})`, {
        detail: stderr().split('\n').slice(-5),
      });
    }
    try {
      await callRpc(url, 'eth_chainId', [], 1000);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new DevnetError('anvil-start-failed', `anvil did not answer on ${url} within 15 s`, {
    detail: stderr().split('\n').slice(-5),
  });
}

/**
 * Stops anvil's process group: SIGTERM, SIGKILL after a grace period; waits for the leader.
 * `sweep`: the leader may be a launcher whose child outlives it, so SIGKILL the group after.
 */
async function stopGroup(child: ChildProcess, exited: Promise<AnvilExit>, sweep: boolean) {
  if (child.pid === undefined) return;
  const running = child.exitCode === null && child.signalCode === null;
  if (running) signalGroup(child, 'SIGTERM');
  const timer = running ? setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_GRACE_MS) : null;
  await exited;
  if (timer) clearTimeout(timer);
  if (sweep) signalGroup(child, 'SIGKILL');
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid as number), signal);
  } catch {
    // No such group (already gone) or not permitted: fall back to the leader alone.
    child.kill(signal);
  }
}

// Children still running; killed if this process exits without stopping them (an uncaught
// exception, process.exit). Limitation: nothing runs on SIGKILL of this process.
const LIVE = new Set<ChildProcess>();
let hooked = false;

function killOnProcessExit(child: ChildProcess): void {
  if (!hooked) process.on('exit', killLeftovers);
  hooked = true;
  LIVE.add(child);
}

function killLeftovers(): void {
  for (const child of LIVE) signalGroup(child, 'SIGKILL');
  LIVE.clear();
}
