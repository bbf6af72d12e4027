import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { parseConfig } from '../../src/config/load.js';
import { Daemon } from '../../src/engine/daemon.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';
import { rpcMethods, startTestServer, type TestServer } from '../helpers/jsonrpc-server.js';
import { waitFor } from '../helpers/ports.js';

const H = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
const block = {
  number: '0x5',
  hash: H(5),
  parentHash: H(4),
  timestamp: `0x${Math.floor(Date.now() / 1000).toString(16)}`,
};

const yaml = (endpoints: string[], url: string) => `
global: { intervalMs: 200, timeoutMs: 150, jitter: 0 }
endpoints:
${endpoints.map((e) => `  - { name: ${e}, url: "${url}", besu: false }`).join('\n')}
probes:
  - { name: rpc, kind: rpc }
  - { name: block, kind: block }
`;

describe('Daemon reload', () => {
  let server: TestServer;
  let daemon: Daemon;
  beforeAll(async () => {
    server = await startTestServer(
      rpcMethods({
        eth_chainId: '0x8a',
        eth_blockNumber: '0x5',
        net_peerCount: '0x3',
        eth_syncing: false,
        eth_getBlockByNumber: block,
      }),
    );
    daemon = new Daemon({
      config: parseConfig(yaml(['a', 'b'], server.url), PROBE_KINDS, {}),
      kinds: PROBE_KINDS,
      logger: pino({ level: 'silent' }),
      version: 't',
    });
    daemon.start();
  });
  afterAll(async () => {
    await daemon.stop();
    await server.stop();
  });

  const text = () => daemon.registry.metrics();

  it('deletes every series of an endpoint that left the configuration', async () => {
    await waitFor(async () => (await text()).includes('chainprobe_block_head_number{endpoint="b"'));
    await daemon.reload(parseConfig(yaml(['a'], server.url), PROBE_KINDS, {}));
    const after = await text();
    expect(after).not.toMatch(/endpoint="b"/);
    expect(after).not.toMatch(/target="b"/);
    await waitFor(async () => (await text()).includes('chainprobe_block_head_number{endpoint="a"'));
    expect(
      await daemon.registry.getSingleMetricAsString('chainprobe_config_last_reload_successful'),
    ).toMatch(/ 1$/m);
  });

  it('keeps running on a rejected reload and says so in a metric', async () => {
    daemon.rejectReload();
    expect(
      await daemon.registry.getSingleMetricAsString('chainprobe_config_last_reload_successful'),
    ).toMatch(/ 0$/m);
    expect(daemon.currentConfig.endpoints.map((e) => e.name)).toEqual(['a']);
  });
});
