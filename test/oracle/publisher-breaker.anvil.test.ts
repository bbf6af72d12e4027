import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeInstance } from '../../src/engine/probe-kind.js';
import { BreakerOptions, breakerKind } from '../../src/probes/breaker/kind.js';
import { PublisherOptions, publisherKind } from '../../src/probes/publisher/kind.js';
import { recordingLogger } from '../helpers/registry.js';
import { startChain, type TestChain } from './chain.js';
import { compileContract, type Artifact } from './fixtures/compile.js';
import { common, makeHarness, runTask, stateOf, valueOf, type Harness } from './harness.js';

const MOCK_SOL = fileURLToPath(new URL('./fixtures/MockAggregator.sol', import.meta.url));
const PUBLISHER = '0x00000000000000000000000000000000000b0b0b';
const ONE_ETHER = 10n ** 18n;
const hex = (n: bigint) => `0x${n.toString(16)}`;

let chain: TestChain;
let h: Harness;
let mockArt: Artifact;
let mock: string;
const log = recordingLogger();

// --- a stand-in publisher replica serving its breaker as JSON and as Prometheus text ---
let server: Server;
let base = '';
let breakerState = 'closed';
let lastAuth: string | undefined;
const ROUTES: Record<string, (res: ServerResponse) => void> = {
  '/status': (res) => json(res, { breaker: { state: breakerState, consecutiveFailures: 0 } }),
  '/metrics': (res) =>
    text(
      res,
      ['closed', 'open', 'half-open']
        .map(
          (s) =>
            `oracle_publisher_circuit_breaker_state{state="${s}"} ${s === breakerState ? 1 : 0}`,
        )
        .join('\n'),
    ),
  '/numeric': (res) =>
    text(res, `# TYPE cb_open gauge\ncb_open{replica="0"} ${breakerState === 'closed' ? 0 : 1}\n`),
  '/weird': (res) => json(res, { breaker: { state: 'tripped' } }),
  '/big': (res) => text(res, 'x'.repeat(2 * 1024 * 1024)),
  '/redirect': (res) => {
    res.writeHead(302, { location: '/status' });
    res.end();
  },
  '/slow': () => {
    // Never answers; the source's timeout must fire. The socket is closed in afterAll.
  },
};
function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
function text(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
  res.end(body);
}
function handle(req: IncomingMessage, res: ServerResponse): void {
  lastAuth = req.headers.authorization;
  const route = ROUTES[new URL(req.url ?? '/', 'http://x').pathname];
  if (route) route(res);
  else {
    res.writeHead(404);
    res.end();
  }
}

beforeAll(async () => {
  [mockArt, chain] = await Promise.all([compileContract(MOCK_SOL, 'MockAggregator'), startChain()]);
  mock = await chain.deploy(mockArt, [8, 'MOCK / USD']);
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  h = makeHarness({ anvil: chain.url }, log.logger);
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await h?.close();
  await chain?.stop();
});

describe('publisher probe on anvil', () => {
  let instance: ProbeInstance;
  const labels = { publisher: 'publisher-0' };
  const run = () => runTask(instance, 'publisher-0');
  const gauge = (name: string) => valueOf(h.registry, `chainprobe_publisher_${name}`, labels);

  beforeAll(async () => {
    await chain.rpc('anvil_setBalance', [PUBLISHER, hex(10n * ONE_ETHER)]);
    await chain.rpc('anvil_impersonateAccount', [PUBLISHER]);
    const probe = {
      ...common('publisher'),
      ...PublisherOptions.parse({
        accounts: [{ name: 'publisher-0', address: PUBLISHER, minBalanceEther: 1 }],
        stuckAfterSeconds: 60,
      }),
    };
    instance = publisherKind.create(
      h.ctx,
      probe,
      publisherKind.defineMetrics(h.registry, h.ctx.global),
    );
  });

  const sendFromPublisher = (value: bigint) =>
    chain.rpc<string>('eth_sendTransaction', [
      { from: PUBLISHER, to: chain.account, value: hex(value) },
    ]);
  /** Sends and waits for the block: the balance the probe reads must already have dropped. */
  const spendFromPublisher = async (value: bigint) => {
    const r = await chain.receipt(await sendFromPublisher(value));
    expect(r.status).toBe('0x1');
  };

  it('reads the balance in ether, no runway before a second reading', async () => {
    expect(await run()).toMatchObject({ ok: true });
    expect(await gauge('balance_ether')).toBe(10);
    expect(await gauge('nonce_gap')).toBe(0);
    expect(await gauge('runway_seconds')).toBeUndefined();
  });

  it('measures the spend rate and a finite runway once the balance drops', async () => {
    await spendFromPublisher(ONE_ETHER);
    h.clock.shiftSeconds += 10;
    expect(await run()).toMatchObject({ ok: true });
    const spend = (await gauge('spend_ether_per_second')) ?? 0;
    // 1 ether plus gas over 10 s of shifted clock plus the few real ms between the runs.
    expect(spend).toBeGreaterThan(0.095);
    expect(spend).toBeLessThan(0.101);
    const runway = (await gauge('runway_seconds')) ?? 0;
    expect(runway).toBeGreaterThan(85);
    expect(runway).toBeLessThan(95);
    expect(await gauge('nonce')).toBe(1);
  });

  it('sees a nonce gap for an unmined transaction, stuck once it persists', async () => {
    await chain.rpc('evm_setAutomine', [false]);
    try {
      await sendFromPublisher(1n);
      expect(await run()).toMatchObject({ ok: true });
      expect(await gauge('nonce_gap')).toBe(1);
      h.clock.shiftSeconds += 61;
      expect(await run()).toMatchObject({ ok: false, errorClass: 'stuck_transaction' });
      expect(await gauge('nonce_unchanged_seconds')).toBeGreaterThanOrEqual(61);
      await chain.rpc('evm_mine', []);
    } finally {
      await chain.rpc('evm_setAutomine', [true]);
    }
    expect(await run()).toMatchObject({ ok: true });
    expect(await gauge('nonce_gap')).toBe(0);
    expect(await gauge('nonce')).toBe(2);
    expect(await gauge('nonce_unchanged_seconds')).toBe(0);
  });

  it('is low_balance below minBalanceEther', async () => {
    await chain.rpc('anvil_setBalance', [PUBLISHER, hex(ONE_ETHER / 2n)]);
    const result = await run();
    expect(result).toMatchObject({ ok: false, errorClass: 'low_balance' });
    expect(result.detail).toMatch(/^balance 0\.5 ether, runway \d+s, nonce gap 0$/);
  });
});

describe('breaker probe', () => {
  let instance: ProbeInstance;
  const state = (source: string) =>
    stateOf(h.registry, 'chainprobe_breaker_state', 'state', { source });
  const transitions = (source: string, from: string, to: string) =>
    valueOf(h.registry, 'chainprobe_breaker_transitions_total', { source, from, to });
  const GOOD = ['json', 'prom', 'numeric', 'contract'];
  const runAll = (names: string[]) => Promise.all(names.map((n) => runTask(instance, n)));
  const setPaused = (p: boolean) => chain.transact(mock, mockArt.abi, 'setPaused', [p]);

  beforeAll(() => {
    const url = (path: string) => `${base}${path}`;
    const probe = {
      ...common('breaker'),
      ...BreakerOptions.parse({
        sources: [
          { name: 'json', type: 'http-json', url: url('/status'), pointer: '/breaker/state' },
          {
            name: 'prom',
            type: 'prometheus',
            url: url('/metrics'),
            metric: 'oracle_publisher_circuit_breaker_state',
            stateLabel: 'state',
          },
          {
            name: 'numeric',
            type: 'prometheus',
            url: url('/numeric'),
            metric: 'cb_open',
            labels: { replica: '0' },
            states: { '0': 'closed', '1': 'open' },
          },
          { name: 'contract', type: 'contract', endpoint: 'anvil', address: mock },
          {
            name: 'down',
            type: 'http-json',
            url: 'http://127.0.0.1:9/status',
            pointer: '/breaker/state',
          },
          { name: 'big', type: 'http-json', url: url('/big'), pointer: '' },
          { name: 'slow', type: 'http-json', url: url('/slow'), pointer: '', timeoutMs: 200 },
          { name: 'redirect', type: 'http-json', url: url('/redirect'), pointer: '/breaker/state' },
          { name: 'weird', type: 'http-json', url: url('/weird'), pointer: '/breaker/state' },
          {
            name: 'creds',
            type: 'http-json',
            url: `http://probe:s3cret@${base.slice(7)}/status`,
            pointer: '/breaker/state',
          },
          {
            name: 'no-code',
            type: 'contract',
            address: '0x000000000000000000000000000000000000dead',
          },
        ],
      }),
    };
    instance = breakerKind.create(
      h.ctx,
      probe,
      breakerKind.defineMetrics(h.registry, h.ctx.global),
    );
  });

  afterAll(async () => {
    await instance?.dispose?.();
  });

  it('reads closed from every kind of source, with no transition yet', async () => {
    const results = await runAll(GOOD);
    expect(results.every((r) => r.ok && r.detail === 'closed')).toBe(true);
    for (const s of GOOD) expect(await state(s)).toBe('closed');
    expect(await transitions('json', 'closed', 'open')).toBe(0);
  });

  it('shows a forced-open breaker as open, counts the transition and times the episode', async () => {
    breakerState = 'open';
    await setPaused(true);
    await runAll(GOOD);
    for (const s of GOOD) {
      expect(await state(s)).toBe('open');
      expect(await transitions(s, 'closed', 'open')).toBe(1);
    }
    h.clock.shiftSeconds += 30;
    breakerState = 'half-open';
    await runAll(['json', 'prom']);
    expect(await state('json')).toBe('half-open');
    expect(await transitions('prom', 'open', 'half-open')).toBe(1);
    const openFor = await valueOf(h.registry, 'chainprobe_breaker_open_seconds', {
      source: 'json',
    });
    expect(openFor).toBeGreaterThanOrEqual(30);
  });

  it('returns to closed with the open time at 0', async () => {
    breakerState = 'closed';
    await setPaused(false);
    await runAll(GOOD);
    for (const s of GOOD) expect(await state(s)).toBe('closed');
    expect(await transitions('json', 'half-open', 'closed')).toBe(1);
    expect(await transitions('contract', 'open', 'closed')).toBe(1);
    expect(await valueOf(h.registry, 'chainprobe_breaker_open_seconds', { source: 'json' })).toBe(
      0,
    );
  });

  it.each([
    { desc: 'unreachable', source: 'down', cls: 'connection_refused' },
    { desc: 'oversized', source: 'big', cls: 'body_too_large' },
    { desc: 'slow', source: 'slow', cls: 'timeout' },
    { desc: 'redirected', source: 'redirect', cls: 'http_redirect' },
    { desc: 'unmappable', source: 'weird', cls: 'unmapped_state' },
    { desc: 'codeless-contract', source: 'no-code', cls: 'bad_response' },
  ])('shows an $desc source as unknown ($cls), never closed', async ({ source, cls }) => {
    const result = await runTask(instance, source);
    expect(result).toMatchObject({ ok: false, errorClass: cls });
    expect(result.detail).not.toContain('127.0.0.1');
    expect(await state(source)).toBe('unknown');
  });

  it('sends URL credentials as a Basic header, never in the detail', async () => {
    const result = await runTask(instance, 'creds');
    expect(result).toMatchObject({ ok: true, detail: 'closed' });
    expect(lastAuth).toBe(`Basic ${Buffer.from('probe:s3cret').toString('base64')}`);
  });

  it('logs each breaker transition once, and never a URL or a credential', () => {
    const left = log.lines.filter((l) => l.msg === 'breaker state changed' && l.source === 'json');
    expect(left.map((l) => l.to)).toEqual(['open', 'half-open']);
    const text = JSON.stringify(log.lines);
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain('s3cret');
  });

  it('deletes its series on dispose', async () => {
    await instance.dispose?.();
    const m = h.registry.getSingleMetric('chainprobe_breaker_state');
    expect((await m?.get())?.values).toEqual([]);
  });
});
