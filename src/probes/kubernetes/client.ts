import type { RequestContext, ResponseContext } from '@kubernetes/client-node';
import type { PodShape, WorkloadShape } from './decode.js';
import { KubeError } from './errors.js';

/** The three list calls the probe makes; injected so tests can pass a fake. */
export interface KubeLister {
  listPods(namespace: string, labelSelector: string, signal: AbortSignal): Promise<PodShape[]>;
  listStatefulSets(namespace: string, signal: AbortSignal): Promise<WorkloadShape[]>;
  listDeployments(namespace: string, signal: AbortSignal): Promise<WorkloadShape[]>;
}

/** Where the client's cluster and credentials come from. */
export type KubeSource =
  | { type: 'apiUrl'; url: string }
  | { type: 'cluster' }
  | { type: 'file'; path: string }
  | { type: 'default' };

/**
 * Picks the source: `apiUrl` (tests, dev) first, then an explicit kubeconfig file, then the
 * pod's service account when KUBERNETES_SERVICE_HOST is set, else the default kubeconfig.
 */
export function chooseKubeSource(
  opts: { apiUrl?: string | undefined; kubeconfig?: string | undefined },
  env: NodeJS.ProcessEnv,
): KubeSource {
  if (opts.apiUrl) return { type: 'apiUrl', url: opts.apiUrl };
  if (opts.kubeconfig) return { type: 'file', path: opts.kubeconfig };
  if (env.KUBERNETES_SERVICE_HOST) return { type: 'cluster' };
  return { type: 'default' };
}

/**
 * Builds a lister on @kubernetes/client-node. The library is imported here, lazily, so loading
 * the probe registry does not pay for it. Throws KubeError('config') when no cluster is usable.
 */
export async function createKubeLister(source: KubeSource): Promise<KubeLister> {
  const k8s = await loadKubeClient();
  const kc = new k8s.KubeConfig();
  try {
    loadSource(kc, source);
  } catch (err) {
    throw new KubeError('config', `cannot load Kubernetes ${source.type} configuration`, {
      cause: err,
    });
  }
  if (!kc.getCurrentCluster()) {
    throw new KubeError('config', `Kubernetes ${source.type} configuration names no cluster`);
  }
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const options = (signal: AbortSignal) => signalOptions(k8s.Observable, signal);
  return {
    listPods: async (namespace, labelSelector, signal) =>
      itemsOf(await core.listNamespacedPod({ namespace, labelSelector }, options(signal)), 'pods'),
    listStatefulSets: async (namespace, signal) =>
      itemsOf(await apps.listNamespacedStatefulSet({ namespace }, options(signal)), 'statefulsets'),
    listDeployments: async (namespace, signal) =>
      itemsOf(await apps.listNamespacedDeployment({ namespace }, options(signal)), 'deployments'),
  };
}

/**
 * The items of a list answer. The client hands back `undefined` for a 200 that is not JSON (an
 * auth proxy's login page) and `null` items as they came; neither may ever read as "0 pods".
 */
export function itemsOf<T>(list: { items?: T[] | null } | null | undefined, what: string): T[] {
  if (!list || !Array.isArray(list.items)) {
    throw new KubeError('invalid_response', `the ${what} list answer has no items array`);
  }
  return list.items;
}

let clientModule: Promise<typeof import('@kubernetes/client-node')> | undefined;

/**
 * Loads @kubernetes/client-node once (it takes about a second on a small CPU). The kind starts
 * this when a probe is created, so the first run does not spend its timeout on it.
 * Limitation: with --once, or a first run due at once, that run still waits for the load; a
 * timeoutMs under ~2 s can make it fail with timeout on a CPU-limited pod.
 */
export function loadKubeClient(): Promise<typeof import('@kubernetes/client-node')> {
  clientModule ??= import('@kubernetes/client-node');
  return clientModule;
}

function loadSource(kc: import('@kubernetes/client-node').KubeConfig, source: KubeSource): void {
  switch (source.type) {
    case 'apiUrl':
      // A plain URL with no credentials: the stand-in API server, or `kubectl proxy`. The
      // library refuses an http:// server unless skipTLSVerify is set (there is no TLS to skip).
      kc.loadFromClusterAndUser(
        { name: 'chainprobe', server: source.url, skipTLSVerify: source.url.startsWith('http:') },
        { name: 'anonymous' },
      );
      return;
    case 'cluster':
      kc.loadFromCluster();
      return;
    case 'file':
      kc.loadFromFile(source.path);
      return;
    case 'default':
      kc.loadFromDefault();
      return;
  }
}

type ObservableCtor = typeof import('@kubernetes/client-node').Observable;

// Per-request options whose middleware hands the run's signal to the library's fetch, so a
// hanging API server is cut off (socket closed) when the run ends, not merely abandoned.
function signalOptions(Observable: ObservableCtor, signal: AbortSignal) {
  return {
    middleware: [
      {
        pre: (ctx: RequestContext) => {
          ctx.setSignal(signal);
          return new Observable(Promise.resolve(ctx));
        },
        post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
      },
    ],
    middlewareMergeStrategy: 'append' as const,
  };
}
