import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopChild } from '../helpers/anvil.js';

/** Root of the repository (where tsx resolves from). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A child process of the bench, stopped by its pid. */
export interface BenchChild {
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Spawns a TypeScript file of test/bench in its own Node process (through tsx). */
export function spawnTs(file: string, args: string[], nodeFlags: string[] = []): BenchChild {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', path, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { pid: child.pid ?? -1, child, stop: () => stopChild(child) };
}

/** Resolves with the first stdout line that parses as JSON; rejects on exit or timeout. */
export function firstJsonLine<T>(bench: BenchChild, timeoutMs: number): Promise<T> {
  const { child } = bench;
  return new Promise<T>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(`no output within ${timeoutMs} ms`), timeoutMs);
    const fail = (why: string): void => {
      clearTimeout(timer);
      reject(new Error(`${why}; stderr: ${err.slice(-400)}`));
    };
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n').slice(0, -1)) {
        if (!line.startsWith('{')) continue;
        clearTimeout(timer);
        resolve(JSON.parse(line) as T);
        return;
      }
    });
    child.once('exit', (code) => fail(`child exited (${code})`));
  });
}

/** A running load server process and the base URLs of its servers. */
export interface LoadServers extends BenchChild {
  urls: string[];
  /** Server-side handling times, seconds, by request path (when started with record). */
  stats(): Promise<Record<string, number[]>>;
}

/** Starts rpc-server-child.ts: `servers` JSON-RPC servers answering after `delayMs`. */
export async function startLoadServers(opts: {
  servers: number;
  delayMs: number;
  record?: boolean;
}): Promise<LoadServers> {
  const child = spawnTs('./rpc-server-child.ts', [JSON.stringify({ record: false, ...opts })]);
  try {
    const { ports } = await firstJsonLine<{ ports: number[] }>(child, 20_000);
    const urls = ports.map((p) => `http://127.0.0.1:${p}`);
    const stats = async (): Promise<Record<string, number[]>> =>
      (await (await fetch(`${urls[0]}/__stats`)).json()) as Record<string, number[]>;
    return { ...child, urls, stats };
  } catch (err) {
    await child.stop();
    throw err;
  }
}
