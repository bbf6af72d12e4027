import { startKubeApi } from './kube/server.js';
import type { KubeApiFault, PodFault } from './faults.js';

/** A pod as the Kubernetes stand-in lists it. */
export interface KubePod {
  name: string;
  component?: 'validator' | 'rpc';
  app?: string;
  validatorAddress?: string;
}

/** The running Kubernetes stand-in, as the devnet uses it. */
export interface KubeStandIn {
  url: string;
  setPodFault(pod: string, fault: PodFault | null): void;
  setApiFault(fault: KubeApiFault | null): void;
  stop(): Promise<void>;
}

/** Starts the Kubernetes API stand-in (src/devnet/kube/server.ts) for namespace `namespace`. */
export async function startKubeStandIn(opts: {
  namespace: string;
  pods: KubePod[];
  port?: number;
}): Promise<KubeStandIn> {
  const api = await startKubeApi({
    namespace: opts.namespace,
    pods: opts.pods,
    ...(opts.port === undefined ? {} : { port: opts.port }),
  });
  return {
    url: api.url,
    setPodFault: (pod, fault) => api.setPodFault(pod, fault),
    setApiFault: (fault) => api.setApiFault(fault),
    stop: () => api.stop(),
  };
}
