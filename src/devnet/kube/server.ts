import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildDeployment,
  buildPod,
  buildStatefulSet,
  countReplicas,
  ownerOf,
  podLabels,
  type BuildContext,
  type PodFault,
  type StandInPod,
} from './objects.js';
import { matchesSelector, parseSelector, SelectorError, type Requirement } from './selector.js';
import {
  faultStatus,
  METHOD_NOT_ALLOWED,
  RESOURCES,
  ROUTE_NOT_FOUND,
  statusBody,
  type ApiFault,
  type Resource,
} from './status.js';

/** A running stand-in Kubernetes API server. */
export interface KubeApi {
  /** Base URL (http://127.0.0.1:port), for the probe's `apiUrl`. */
  url: string;
  setPodFault(pod: string, fault: PodFault | null): void;
  setApiFault(fault: ApiFault | null): void;
  /** Requests received but not answered yet (held by `hang` or `slow`). */
  openRequests(): number;
  stop(): Promise<void>;
}

/** Options of startKubeApi; `slowMs` is the delay of the `slow` fault (default 1500). */
export interface KubeApiOptions {
  namespace: string;
  pods: StandInPod[];
  port?: number;
  slowMs?: number;
}

const ROUTES: Array<[RegExp, Resource]> = [
  [/^\/api\/v1\/namespaces\/([^/]+)\/pods$/, 'pods'],
  [/^\/apis\/apps\/v1\/namespaces\/([^/]+)\/statefulsets$/, 'statefulsets'],
  [/^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments$/, 'deployments'],
];

/**
 * Starts a stand-in for the three list calls of the `kubernetes` probe on 127.0.0.1, answering
 * with the API's object, list and Status shapes. StatefulSets besu-validator / besu-rpc and one
 * Deployment per `app` are derived from the pods; their replica counts follow pod faults.
 */
export async function startKubeApi(opts: KubeApiOptions): Promise<KubeApi> {
  const state = new StandInState(opts);
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    state
      .handle(req, res)
      .catch(() => send(res, 500, statusBody(500, 'InternalError', 'stand-in bug')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setPodFault: (pod, fault) => state.setPodFault(pod, fault),
    setApiFault: (fault) => state.setApiFault(fault),
    openRequests: () => open.size,
    stop: async () => {
      state.stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

class StandInState {
  stopped = false;
  private readonly faults = new Map<string, PodFault>();
  private apiFault: ApiFault | null = null;
  private version = 1000;
  private readonly created = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

  constructor(private readonly opts: KubeApiOptions) {}

  setPodFault(pod: string, fault: PodFault | null): void {
    if (!this.opts.pods.some((p) => p.name === pod)) throw new Error(`no pod ${pod}`);
    if (fault) this.faults.set(pod, fault);
    else this.faults.delete(pod);
    this.version++;
  }

  setApiFault(fault: ApiFault | null): void {
    this.apiFault = fault;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const route = ROUTES.map(([re, r]) => [re.exec(url.pathname), r] as const).find(([m]) => m);
    if (!route) return send(res, 404, ROUTE_NOT_FOUND);
    if (req.method !== 'GET') return send(res, 405, METHOD_NOT_ALLOWED);
    const [match, resource] = route;
    const namespace = decodeURIComponent(match?.[1] ?? '');

    const fault = this.apiFault;
    if (fault === 'hang') return; // never answered; stop() or the client's abort closes it
    if (fault === 'slow') await sleep(this.opts.slowMs ?? 1500);
    if (this.stopped || res.destroyed) return;
    const status = fault ? faultStatus(fault, resource, namespace) : null;
    if (status) return send(res, status.code, status);

    try {
      const selector = parseSelector(url.searchParams.get('labelSelector') ?? '');
      send(res, 200, this.list(resource, namespace, selector));
    } catch (err) {
      if (!(err instanceof SelectorError)) throw err;
      send(res, 400, statusBody(400, 'BadRequest', err.message));
    }
  }

  private list(resource: Resource, namespace: string, selector: Requirement[]) {
    const items = this.itemsOf(resource, namespace).filter((o) =>
      matchesSelector(selector, o.metadata.labels ?? {}),
    );
    const { listKind, apiVersion } = RESOURCES[resource];
    return {
      kind: listKind,
      apiVersion,
      metadata: { resourceVersion: String(this.version) },
      items,
    };
  }

  // A namespace other than the stand-in's lists as empty, as a real API server's does.
  private itemsOf(resource: Resource, namespace: string) {
    if (namespace !== this.opts.namespace) return [];
    const ctx: BuildContext = {
      namespace,
      created: this.created,
      resourceVersion: String(this.version),
    };
    if (resource === 'pods') return this.pods(ctx);
    return this.workloads(resource, ctx);
  }

  private pods(ctx: BuildContext) {
    return this.opts.pods.flatMap((pod, i) => {
      const fault = this.faults.get(pod.name) ?? null;
      return fault === 'deleted' ? [] : [buildPod(pod, fault, ctx, i)];
    });
  }

  private workloads(resource: 'statefulsets' | 'deployments', ctx: BuildContext) {
    const kind = resource === 'statefulsets' ? 'StatefulSet' : 'Deployment';
    const groups = new Map<string, StandInPod[]>();
    for (const pod of this.opts.pods) {
      const owner = ownerOf(pod);
      if (owner?.kind !== kind) continue;
      groups.set(owner.name, [...(groups.get(owner.name) ?? []), pod]);
    }
    return [...groups].map(([name, pods]) => {
      const counts = countReplicas(pods.map((p) => this.faults.get(p.name) ?? null));
      const first = pods[0] as StandInPod;
      return kind === 'StatefulSet'
        ? buildStatefulSet(name, podLabels(first).component ?? '', counts, ctx)
        : buildDeployment(name, counts, ctx);
    });
  }
}

function send(res: ServerResponse, code: number, body: unknown): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
