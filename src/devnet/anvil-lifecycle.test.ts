import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilProcess } from './anvil.js';
import { AnvilWatch } from './anvil-watch.js';
import { startDevnet } from './devnet.js';
import { findFreePort } from './ports.js';
import { collectingLogger, commOf, isRunning, probeConnect, waitFor } from './testing.js';

const started: Array<{ stop(): Promise<void> }> = [];
const paused: number[] = [];

afterAll(async () => {
  for (const pid of paused) if (isRunning(pid)) process.kill(pid, 'SIGCONT');
  await Promise.all(started.map((s) => s.stop()));
});

async function newAnvil(): Promise<AnvilProcess> {
  const port = await findFreePort();
  const genesisTimestamp = Math.floor(Date.now() / 1000);
  const anvil = await startAnvil({ port, chainId: 138, genesisTimestamp });
  started.push(anvil);
  return anvil;
}

describe('startAnvil', () => {
  it('runs the anvil binary itself: the pid it reports is anvil, and stop() frees the port', async () => {
    const anvil = await newAnvil();

    expect(anvil.binary.kind).toBe('binary');
    expect(commOf(anvil.pid)).toBe('anvil');

    await anvil.stop();
    expect(isRunning(anvil.pid)).toBe(false);
    expect(await probeConnect(anvil.url)).toBe('ECONNREFUSED');
    await anvil.stop(); // idempotent
  });

  it('leaves nothing holding the port after SIGKILL of the reported pid', async () => {
    const anvil = await newAnvil();

    process.kill(anvil.pid, 'SIGKILL');

    expect(await anvil.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(isRunning(anvil.pid)).toBe(false);
    expect(await probeConnect(anvil.url)).toBe('ECONNREFUSED');
  });

  it('fails fast, with the reason, when the executable cannot be started', async () => {
    const port = await findFreePort();
    const start = startAnvil({ port, chainId: 138, genesisTimestamp: 0, binary: '/nonexistent' });

    await expect(start).rejects.toMatchObject({
      code: 'anvil-start-failed',
      message: 'anvil exited during start-up (not started)',
      detail: ['spawn /nonexistent ENOENT'],
    });
  });
});

describe('AnvilWatch', () => {
  it('logs one line when anvil stops answering and one when it answers again', async () => {
    const anvil = await newAnvil();
    const { logger, lines } = collectingLogger();
    const watch = new AnvilWatch({ anvil, logger, intervalMs: 100, timeoutMs: 300 });
    watch.start();

    paused.push(anvil.pid);
    process.kill(anvil.pid, 'SIGSTOP');
    await waitFor(async () => watch.health === 'unreachable', 10_000, 'unreachable', 50);
    expect(watch.downReason()).toBe(`devnet: anvil (pid ${anvil.pid}) is not answering`);
    await sleep(1000); // about five more failed probes: none may log

    process.kill(anvil.pid, 'SIGCONT');
    await waitFor(async () => watch.health === 'up', 10_000, 'answering again', 50);
    watch.stop();
    await anvil.stop();

    const loud = lines.filter((l) => Number(l.level) >= 30);
    expect(loud.map((l) => l.msg)).toEqual(['anvil not answering', 'anvil answers again']);
    expect(loud[0]).toMatchObject({ anvilPid: anvil.pid, reason: 'timeout' });
    expect(await Promise.race([watch.failed.catch(() => 'rejected'), sleep(50, 'pending')])).toBe(
      'pending',
    );
  });
});

describe('devnet stop()', () => {
  it('leaves no anvil process and frees its port', async () => {
    const devnet = await startDevnet({ blockPeriodSeconds: 1, kube: false, seed: 'stop-test' });
    started.push(devnet);
    const { pid, url, kind } = devnet.anvil;
    expect(kind).toBe('binary');
    expect(commOf(pid)).toBe('anvil');

    await devnet.stop();

    expect(isRunning(pid)).toBe(false);
    expect(await probeConnect(url)).toBe('ECONNREFUSED');
  });
});
