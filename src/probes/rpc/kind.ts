import { Gauge, type Registry } from 'prom-client';
import { z } from 'zod';
import type { ProbeKind } from '../../engine/probe-kind.js';
import { probeRpcEndpoint } from './probe.js';
import { endpointsFor } from '../targets.js';

/** Options of the `rpc` probe. */
export const RpcOptions = z.strictObject({
  checkPeers: z
    .boolean()
    .default(true)
    .describe('Also ask net_peerCount (needs the NET API group).'),
  checkSyncing: z.boolean().default(true).describe('Also ask eth_syncing.'),
});
export type RpcOptions = z.output<typeof RpcOptions>;

/** Metrics of the `rpc` probe; latency and errors per method come from the transport. */
export function defineRpcMetrics(registry: Registry) {
  const r = [registry];
  const labelNames = ['endpoint'] as const;
  return {
    chainId: new Gauge({
      name: 'chainprobe_rpc_chain_id',
      help: 'Chain id reported by eth_chainId.',
      labelNames,
      registers: r,
    }),
    chainIdMatch: new Gauge({
      name: 'chainprobe_rpc_chain_id_match',
      help: '1 if eth_chainId equals the configured chainId, else 0.',
      labelNames,
      registers: r,
    }),
    peers: new Gauge({
      name: 'chainprobe_rpc_peer_count',
      help: 'Peers reported by net_peerCount.',
      labelNames,
      registers: r,
    }),
    syncing: new Gauge({
      name: 'chainprobe_rpc_syncing',
      help: '1 if eth_syncing reports the node as syncing, else 0.',
      labelNames,
      registers: r,
    }),
    syncBlocksBehind: new Gauge({
      name: 'chainprobe_rpc_sync_blocks_behind',
      help: 'highestBlock minus currentBlock from eth_syncing (0 when not syncing).',
      labelNames,
      registers: r,
    }),
  };
}
export type RpcMetrics = ReturnType<typeof defineRpcMetrics>;

/** The `rpc` kind: liveness, chain id, peers and sync state of each JSON-RPC endpoint. */
export const rpcKind: ProbeKind<RpcOptions, RpcMetrics> = {
  kind: 'rpc',
  description: 'JSON-RPC availability, latency, errors, chain id, peers and sync state',
  options: RpcOptions,
  defineMetrics: defineRpcMetrics,
  create(ctx, probe, metrics) {
    const targets = endpointsFor(ctx, probe);
    return {
      tasks: targets.map((ep) => ({
        target: ep.name,
        run: (signal) => probeRpcEndpoint(ctx, probe, metrics, ep.name, signal),
      })),
      dispose: () => {
        for (const ep of targets)
          for (const m of Object.values(metrics)) m.remove({ endpoint: ep.name });
      },
    };
  },
};
