import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  rpcMethods,
  startTestServer,
  type TestServer,
} from '../../../test/helpers/jsonrpc-server.js';
import { startDaemon, type TestDaemon } from '../../../test/helpers/daemon.js';
import { waitFor } from '../../../test/helpers/ports.js';

const H = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
const blockAged = (ageSeconds: number) => () => ({
  number: '0x64',
  hash: H(100),
  parentHash: H(99),
  timestamp: `0x${(Math.floor(Date.now() / 1000) - ageSeconds).toString(16)}`,
});

describe('block probe verdicts', () => {
  let fresh: TestServer;
  let halted: TestServer;
  let probe: TestDaemon;
  beforeAll(async () => {
    fresh = await startTestServer(rpcMethods({ eth_getBlockByNumber: blockAged(1) }));
    halted = await startTestServer(rpcMethods({ eth_getBlockByNumber: blockAged(120) }));
    probe = await startDaemon(`
global: { blockPeriodSeconds: 2, intervalMs: 300, timeoutMs: 250, jitter: 0 }
endpoints:
  - { name: fresh, url: "${fresh.url}", besu: false }
  - { name: halted, url: "${halted.url}", besu: false }
  - { name: gone, url: "http://127.0.0.1:1", besu: false }
probes:
  - { name: block, kind: block }
  - { name: lonely, kind: block, endpoints: [gone] }
`);
  });
  afterAll(async () => {
    await probe?.stop();
    await fresh?.stop();
    await halted?.stop();
  });

  const status = (probeName: string, target: string) =>
    probe.daemon.status.list().find((t) => t.probe === probeName && t.target === target);

  it('fails a head older than max(10 block periods, 30 s) as head_stalled, keeps a fresh one ok', async () => {
    await waitFor(
      () => status('block', 'halted') !== undefined && status('block', 'fresh') !== undefined,
    );
    expect(status('block', 'halted')).toMatchObject({ ok: false, errorClass: 'head_stalled' });
    expect(status('block', 'halted')?.detail).toMatch(/^head #100 is 1\d\ds old \(limit 30s\)$/);
    expect(status('block', 'fresh')).toMatchObject({ ok: true });
  });

  it('fails the network task when no endpoint has answered recently', async () => {
    // Not judged before the endpoint was asked once; failing from then on.
    await waitFor(() => status('lonely', 'network')?.ok === false);
    expect(status('lonely', 'network')).toMatchObject({ ok: false, errorClass: 'no_fresh_data' });
  });
});
