import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

interface KubeModule {
  startKubeApi(opts: { namespace: string; pods: KubePod[] }): Promise<KubeStandIn>;
}

/**
 * Starts the Kubernetes API stand-in of src/devnet/kube/server.ts (owned by another module)
 * when it is present; resolves to undefined when it is not, and pod/API faults then answer 409.
 */
export async function startKubeStandIn(opts: {
  namespace: string;
  pods: KubePod[];
}): Promise<KubeStandIn | undefined> {
  const present = ['./kube/server.ts', './kube/server.js'].some((path) =>
    existsSync(fileURLToPath(new URL(path, import.meta.url))),
  );
  if (!present) return undefined;

  // A computed specifier keeps this module compiling while kube/server.ts does not exist yet.
  const specifier = './kube/server.js';
  const kube = (await import(specifier)) as KubeModule;
  return kube.startKubeApi(opts);
}
