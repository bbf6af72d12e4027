import type { ProbeContext, ProbeResult } from '../../engine/probe-kind.js';
import type { ProbeCommon } from '../../config/schema.js';
import { RpcError } from '../../rpc/errors.js';
import { decodeSyncing, judgeChainId } from './judge.js';
import { parseSafeQuantity } from '../../rpc/hex.js';
import type { RpcMetrics, RpcOptions } from './kind.js';
import { failure } from '../result.js';

/**
 * One run against one endpoint: eth_chainId and eth_blockNumber must answer and the chain id
 * must match; net_peerCount and eth_syncing are reported when the node serves them.
 */
export async function probeRpcEndpoint(
  ctx: ProbeContext,
  probe: ProbeCommon & RpcOptions,
  metrics: RpcMetrics,
  endpoint: string,
  signal: AbortSignal,
): Promise<ProbeResult> {
  const rpc = ctx.rpc(endpoint);
  const labels = { endpoint };
  try {
    const { chainId, matches } = judgeChainId(
      await rpc.call('eth_chainId', [], { signal }),
      ctx.global.chainId,
    );
    metrics.chainId.set(labels, chainId);
    metrics.chainIdMatch.set(labels, matches ? 1 : 0);
    parseSafeQuantity(await rpc.call('eth_blockNumber', [], { signal }), 'eth_blockNumber');

    if (probe.checkPeers)
      await reportOptional(
        () => rpc.call('net_peerCount', [], { signal }),
        (v) => {
          metrics.peers.set(labels, parseSafeQuantity(v, 'net_peerCount'));
        },
      );
    if (probe.checkSyncing)
      await reportOptional(
        () => rpc.call('eth_syncing', [], { signal }),
        (v) => {
          const sync = decodeSyncing(v);
          metrics.syncing.set(labels, sync.syncing ? 1 : 0);
          metrics.syncBlocksBehind.set(labels, sync.blocksBehind);
        },
      );

    if (!matches) {
      return {
        ok: false,
        errorClass: 'chain_id_mismatch',
        detail: `chain id ${chainId}, expected ${ctx.global.chainId}`,
      };
    }
    return { ok: true };
  } catch (err) {
    return failure(err);
  }
}

// A method the node does not serve (API group disabled) is a configuration fact, not a failure.
async function reportOptional(
  call: () => Promise<unknown>,
  report: (v: unknown) => void,
): Promise<void> {
  try {
    report(await call());
  } catch (err) {
    if (err instanceof RpcError && err.code === 'method_unavailable') return;
    throw err;
  }
}
