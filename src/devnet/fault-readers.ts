import type { FaultStore } from './faults.js';
import type { GatewayFaults } from './gateway.js';
import type { NodeHttpFaults } from './node-server.js';
import type { PublisherFaults } from './publisher.js';

/** The HTTP-level faults of node `node`, read from the store on every request. */
export function nodeHttpFaults(store: FaultStore, node: string): NodeHttpFaults {
  return {
    hangs: () => store.isOn('rpc-hang', node),
    latencyMs: () => Number(store.get('rpc-slow', node)?.params.latencyMs ?? 0),
    rateLimit: () => {
      const fault = store.get('rpc-rate-limit', node);
      return fault ? Number(fault.params.rps) : undefined;
    },
    error: () => {
      const fault = store.get('rpc-error', node);
      return fault
        ? { rate: Number(fault.params.rate), mode: String(fault.params.mode) }
        : undefined;
    },
  };
}

/** The gateway's faults, read from the store on every request. */
export function gatewayFaults(store: FaultStore): GatewayFaults {
  return {
    error: () => {
      const fault = store.get('gateway-error', 'gateway');
      if (!fault) return undefined;
      return { status: Number(fault.params.status), rate: Number(fault.params.rate) };
    },
    refusedMethod: () => {
      const fault = store.get('gateway-refuse-send', 'gateway');
      return fault
        ? { method: String(fault.params.method), mode: String(fault.params.mode) }
        : undefined;
    },
    privilegedGroups: () => {
      const fault = store.get('gateway-exposes-admin', 'gateway');
      return fault ? String(fault.params.groups).split(',') : [];
    },
  };
}

/** Pending votes the validator-vote-unknown fault adds to every QBFT node's own. */
export function voteFaults(store: FaultStore): () => Array<[string, boolean]> {
  return () => {
    const fault = store.get('validator-vote-unknown');
    return fault ? [[String(fault.params.address), true]] : [];
  };
}

/** The publisher's faults, read from the store on every heartbeat. */
export function publisherFaults(store: FaultStore): PublisherFaults {
  return {
    stopped: () => store.isOn('publisher-stopped'),
    breakerForcedOpen: () => store.isOn('breaker-open'),
    stuckTx: () => store.isOn('publisher-stuck-tx'),
    badAnswer: () => {
      const fault = store.get('oracle-bad-answer');
      return fault ? BigInt(fault.params.answer as number) : undefined;
    },
  };
}
