import type { Logger } from 'pino';
import type { ProbeResult } from '../../engine/probe-kind.js';
import { failure } from '../result.js';
import type { KubeLister } from './client.js';
import { decodePod, decodeWorkload, type PodFacts, type WorkloadFacts } from './decode.js';
import { KUBE_RESOURCES, KubeError, toKubeError, type KubeResource } from './errors.js';
import type { KubernetesOptions } from './kind.js';
import type { KubeMetrics } from './metrics.js';
import { deploymentSamples, podSamples, statefulSetSamples } from './samples.js';
import { SeriesSet } from './series-set.js';

/**
 * Lists the namespace's pods (per component selector), StatefulSets and Deployments each run
 * and turns them into series.
 *
 * On a failed list the series of that resource keep their last values and the run fails with
 * the list's class (and chainprobe_kube_api_up{resource} goes to 0): a 403 is never reported as
 * "0 pods", and an alert on pod state keeps its last evidence while the API alert fires.
 */
export class KubeWatcher {
  private lister: Promise<KubeLister> | null = null;
  private readonly series: SeriesSet;
  private readonly errorLabels = new Map<string, { resource: KubeResource; class: string }>();
  private disposed = false;

  constructor(
    private readonly opts: KubernetesOptions,
    private readonly metrics: KubeMetrics,
    private readonly makeLister: () => Promise<KubeLister>,
    private readonly logger: Logger,
  ) {
    this.series = new SeriesSet(metrics);
  }

  /** One run: the three lists in parallel, bounded by `signal`. */
  async run(signal: AbortSignal): Promise<ProbeResult> {
    let lister: KubeLister;
    try {
      lister = await this.getLister();
    } catch (err) {
      return failure(err);
    }
    const outcomes = await Promise.all([
      this.attempt('pods', signal, () => this.refreshPods(lister, signal)),
      this.attempt('statefulsets', signal, () => this.refreshStatefulSets(lister, signal)),
      this.attempt('deployments', signal, () => this.refreshDeployments(lister, signal)),
    ]);
    const failed = outcomes.filter((e): e is KubeError => e !== null);
    const first = failed[0];
    if (!first) return { ok: true };
    return { ok: false, errorClass: first.code, detail: failed.map((e) => e.message).join('; ') };
  }

  /** Removes every series this probe set. */
  dispose(): void {
    this.disposed = true;
    this.series.clear();
    const namespace = this.opts.namespace;
    for (const resource of KUBE_RESOURCES) this.metrics.apiUp.remove({ namespace, resource });
    for (const labels of this.errorLabels.values())
      this.metrics.apiErrors.remove({ namespace, ...labels });
  }

  private getLister(): Promise<KubeLister> {
    if (!this.lister) {
      this.lister = this.makeLister();
      // A failed set-up (no kubeconfig yet) is retried on the next run.
      this.lister.catch(() => (this.lister = null));
    }
    return this.lister;
  }

  // Runs one list-and-report step; null when it succeeded (or there was nothing to list).
  private async attempt(
    resource: KubeResource,
    signal: AbortSignal,
    step: () => Promise<KubeError | null | 'skipped'>,
  ): Promise<KubeError | null> {
    const namespace = this.opts.namespace;
    try {
      const outcome = await step();
      if (outcome === 'skipped') return null;
      if (!this.disposed) this.metrics.apiUp.set({ namespace, resource }, 1);
      return outcome;
    } catch (err) {
      const error = toKubeError(err, resource, signal);
      if (this.disposed) return error;
      this.metrics.apiUp.set({ namespace, resource }, 0);
      this.metrics.apiErrors.inc({ namespace, resource, class: error.code });
      this.errorLabels.set(`${resource}/${error.code}`, { resource, class: error.code });
      this.logger.debug({ resource, class: error.code, err }, 'kubernetes list failed');
      return error;
    }
  }

  // Limitation: a real API server lists a namespace that does not exist as empty (there is no
  // namespace-scoped way to tell), so a misspelt namespace shows as 0 pods, not not_found; the
  // workload names in the config (statefulSets, deployments) turn that into a failed run.
  private async refreshPods(lister: KubeLister, signal: AbortSignal): Promise<null> {
    const { namespace, selectors } = this.opts;
    const components = Object.keys(selectors);
    const lists = await Promise.all(
      components.map((c) =>
        bounded(lister.listPods(namespace, selectors[c] ?? '', signal), signal),
      ),
    );
    const pods = decodePods(components, lists, this.opts);
    if (!this.disposed) this.series.replace('pods', podSamples(namespace, components, pods));
    return null;
  }

  private async refreshStatefulSets(lister: KubeLister, signal: AbortSignal) {
    const wanted = this.opts.statefulSets;
    if (wanted?.length === 0) return 'skipped' as const;
    const all = await bounded(lister.listStatefulSets(this.opts.namespace, signal), signal);
    const { found, missing } = pick(all, wanted);
    if (!this.disposed)
      this.series.replace('statefulsets', statefulSetSamples(this.opts.namespace, found));
    return missingError('statefulsets', missing);
  }

  private async refreshDeployments(lister: KubeLister, signal: AbortSignal) {
    const wanted = this.opts.deployments;
    if (wanted?.length === 0) return 'skipped' as const;
    const all = await bounded(lister.listDeployments(this.opts.namespace, signal), signal);
    const { found, missing } = pick(all, wanted);
    if (!this.disposed)
      this.series.replace('deployments', deploymentSamples(this.opts.namespace, found));
    return missingError('deployments', missing);
  }
}

/** Decodes the per-component lists; a pod matched by two selectors counts for the first. */
export function decodePods(
  components: readonly string[],
  lists: ReadonlyArray<Parameters<typeof decodePod>[0][]>,
  opts: KubernetesOptions,
): PodFacts[] {
  const seen = new Set<string>();
  const out: PodFacts[] = [];
  components.forEach((component, i) => {
    for (const obj of lists[i] ?? []) {
      const pod = decodePod(obj, component, opts);
      if (!pod || seen.has(pod.name)) continue;
      seen.add(pod.name);
      out.push(pod);
    }
  });
  return out;
}

function pick(
  all: ReadonlyArray<Parameters<typeof decodeWorkload>[0]>,
  wanted: readonly string[] | undefined,
): { found: WorkloadFacts[]; missing: string[] } {
  const decoded = all.map(decodeWorkload).filter((w): w is WorkloadFacts => w !== null);
  if (!wanted) return { found: decoded, missing: [] };
  const found = decoded.filter((w) => wanted.includes(w.name));
  const missing = wanted.filter((name) => !found.some((w) => w.name === name));
  return { found, missing };
}

// A workload named in the config but absent is a finding: its series are gone and the run fails.
function missingError(resource: KubeResource, missing: string[]): KubeError | null {
  if (missing.length === 0) return null;
  return new KubeError('not_found', `${resource} not found: ${missing.join(', ')}`, { resource });
}

/**
 * Settles with `promise`, or rejects with the signal's reason as soon as it fires: even if the
 * library ignored the signal, a hanging API server cannot outlive the run.
 */
export function bounded<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
