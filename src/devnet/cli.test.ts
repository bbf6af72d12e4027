import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { PORT_OFFSETS } from './ports.js';
import { commOf, isRunning, probeConnect, rpcResultOf, waitFor } from './testing.js';

let child: ChildProcess | undefined;

afterAll(async () => {
  // SIGTERM first so the CLI stops its anvil; SIGKILL would orphan it.
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child?.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child?.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
});

describe('devnet CLI start', () => {
  it('runs on the fixed port map and stops cleanly on SIGTERM, leaving no anvil behind', async () => {
    // A random base below the OS's ephemeral ports (32768+, where free ports and other tests'
    // anvils land), apart from anvil-exit.test.ts's range: the map needs B..B+40 free.
    const base = 20_000 + Math.floor(Math.random() * 120) * 100;
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/devnet/cli.ts',
        'start',
        '--base-port',
        String(base),
        '--block-period',
        '1',
        '--validators',
        '4',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((resolve) =>
      child?.on('exit', (code) => resolve(code)),
    );

    await waitFor(async () => out.includes('ready'), 60_000, 'the devnet to start', 100);
    const pid = Number(/anvil .*\(pid (\d+)\)/.exec(out)?.[1]);
    const gateway = `http://127.0.0.1:${base}`;
    const validator3 = `http://127.0.0.1:${base + PORT_OFFSETS.validatorBase + 3}`;
    const control = `http://127.0.0.1:${base + PORT_OFFSETS.control}`;

    expect(await rpcResultOf(gateway, 'eth_chainId')).toBe('0x8a');
    expect(await rpcResultOf(validator3, 'qbft_getRequestTimeoutSeconds')).toBe(1);
    expect((await fetch(`${control}/state`)).status).toBe(200);
    expect(out).toContain(`http://127.0.0.1:${base + PORT_OFFSETS.publisher}/status`);
    expect(out).toContain(`kube API     http://127.0.0.1:${base + PORT_OFFSETS.kube}`);
    expect(commOf(pid)).toBe('anvil'); // the binary, not the npm launcher (node)

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(isRunning(pid)).toBe(false);
    expect(await probeConnect(gateway)).toBe('ECONNREFUSED');
    expect(await probeConnect(`http://127.0.0.1:${base + PORT_OFFSETS.anvil}`)).toBe(
      'ECONNREFUSED',
    );
  });
});
