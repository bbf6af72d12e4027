import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { isDevnetError } from './devnet-error.js';
import { startDevnet, type Devnet } from './devnet.js';
import { PORT_OFFSETS } from './ports.js';
import { collectingLogger, commOf, isRunning, postRpc, probeConnect, waitFor } from './testing.js';

let devnet: Devnet | undefined;
let cli: ChildProcess | undefined;

afterAll(async () => {
  await devnet?.stop();
  if (!cli || cli.exitCode !== null || cli.signalCode !== null) return;
  const exited = new Promise((resolve) => cli?.once('exit', resolve));
  cli.kill('SIGTERM');
  await exited;
});

const EXIT_LINE = 'anvil exited; nothing restarts it';

describe('a devnet whose anvil is killed', () => {
  it('logs one line, answers HTTP 502 at once, rejects `failed`, and still stops', async () => {
    const { logger, lines } = collectingLogger();
    devnet = await startDevnet({ blockPeriodSeconds: 1, heartbeatSeconds: 1, kube: false, logger });
    const rpc0 = devnet.endpoints.find((e) => e.name === 'rpc-0')?.url ?? '';
    const gateway = devnet.endpoints.find((e) => e.name === 'gateway')?.url ?? '';
    const { pid, url } = devnet.anvil;
    expect(commOf(pid)).toBe('anvil');
    const before = lines.length;

    process.kill(pid, 'SIGKILL');
    const err: unknown = await devnet.failed.catch((e: unknown) => e);
    // A window in which a once-a-second retry loop would have logged four times.
    await sleep(4000);

    expect(isDevnetError(err, 'anvil-exited')).toBe(true);
    expect((err as Error).message).toBe(`Anvil (pid ${pid}) exited (signal SIGKILL)`);
    const loud = lines.slice(before).filter((l) => Number(l.level) >= 40);
    expect(loud).toEqual([
      expect.objectContaining({ msg: EXIT_LINE, anvilPid: pid, signal: 'SIGKILL' }),
    ]);
    // No stack traces (pino writes an Error under `err` as an object with its stack).
    expect(lines.slice(before).filter((l) => typeof l.err === 'object')).toEqual([]);
    expect(isRunning(pid)).toBe(false);
    expect(await probeConnect(url)).toBe('ECONNREFUSED');

    const answer = await postRpc(rpc0, 'eth_blockNumber', [], 2000);
    expect(answer).toEqual({
      status: 502,
      body: {
        jsonrpc: '2.0',
        id: 1,
        error: {
          code: -32603,
          message: 'Internal error',
          data: `devnet: anvil (pid ${pid}) exited (signal SIGKILL)`,
        },
      },
    });
    expect((await postRpc(gateway, 'eth_chainId', [], 2000)).status).toBe(502);
    expect((await fetch(`${rpc0}/readiness`)).status).toBe(503);
    expect(devnet.state()).toMatchObject({ anvil: { pid, health: 'exited' } });

    await devnet.stop();
    expect(await probeConnect(rpc0)).toBe('ECONNREFUSED');
  });
});

describe('the devnet CLI when its anvil is killed', () => {
  it('exits 1 with one clear message, leaving no anvil and no port behind', async () => {
    // A random base below the OS's ephemeral ports (32768+), apart from cli.test.ts's range:
    // the map needs B..B+40 free.
    const base = 10_000 + Math.floor(Math.random() * 100) * 100;
    cli = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/devnet/cli.ts', 'start', '--base-port', String(base), '--no-kube'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    cli.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    cli.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => cli?.on('exit', (c) => resolve(c)));
    await waitFor(async () => out.includes('ready'), 60_000, 'the devnet to start', 100);
    const pid = Number(/ anvil .*\(pid (\d+)\)/.exec(out)?.[1]);
    expect(commOf(pid)).toBe('anvil');

    process.kill(pid, 'SIGKILL');

    expect(await exited).toBe(1);
    expect(err).toContain(
      `chainprobe devnet: Anvil (pid ${pid}) exited (signal SIGKILL); nothing restarts it`,
    );
    const loud = err
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((line) => line.level >= 40);
    expect(loud.map((l) => l.msg)).toEqual([EXIT_LINE]);
    expect(isRunning(pid)).toBe(false);
    expect(await probeConnect(`http://127.0.0.1:${base + PORT_OFFSETS.anvil}`)).toBe(
      'ECONNREFUSED',
    );
    expect(await probeConnect(`http://127.0.0.1:${base}`)).toBe('ECONNREFUSED');
  });
});
