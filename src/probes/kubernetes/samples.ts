import {
  POD_PHASES,
  POD_REASONS,
  TERMINATED_REASONS,
  WAITING_REASONS,
  type ContainerFacts,
  type PodFacts,
  type WorkloadFacts,
} from './decode.js';
import type { KubeGaugeName } from './metrics.js';

/** One gauge series to set: which gauge, its labels, its value. */
export interface Sample {
  metric: KubeGaugeName;
  labels: Record<string, string>;
  value: number;
}

/**
 * Every pod series of one successful list: per pod phase, ready, restarts, status reason, node
 * and validator; per container waiting and last termination reason; pods per component (a
 * component with no pod gets an honest 0, since the list itself succeeded).
 */
export function podSamples(
  namespace: string,
  components: readonly string[],
  pods: readonly PodFacts[],
): Sample[] {
  const out: Sample[] = components.map((component) => ({
    metric: 'pods',
    labels: { namespace, component },
    value: pods.filter((p) => p.component === component).length,
  }));
  for (const pod of pods) out.push(...onePod(namespace, pod));
  return out;
}

function onePod(namespace: string, pod: PodFacts): Sample[] {
  const labels = { namespace, component: pod.component, pod: pod.name };
  const out: Sample[] = [
    ...stateSet('podPhase', labels, 'phase', POD_PHASES, pod.phase),
    { metric: 'podReady', labels, value: pod.ready ? 1 : 0 },
    { metric: 'podRestarts', labels, value: pod.restarts },
    ...stateSet('podStatusReason', labels, 'reason', POD_REASONS, pod.reason),
    { metric: 'podInfo', labels: { ...labels, node: pod.node }, value: 1 },
  ];
  if (pod.validator) {
    const vLabels = { namespace, pod: pod.name, validator: pod.validator };
    out.push({ metric: 'podValidator', labels: vLabels, value: 1 });
  }
  for (const c of pod.containers) out.push(...oneContainer(labels, c));
  return out;
}

function oneContainer(podLabels: Record<string, string>, c: ContainerFacts): Sample[] {
  const labels = { ...podLabels, container: c.name };
  return [
    ...stateSet('containerWaiting', labels, 'reason', WAITING_REASONS, c.waiting),
    ...stateSet('containerTerminated', labels, 'reason', TERMINATED_REASONS, c.lastTerminated),
  ];
}

/** One series per state of a closed set, 1 for `current` (all 0 when it is null). */
export function stateSet(
  metric: KubeGaugeName,
  labels: Record<string, string>,
  label: string,
  states: readonly string[],
  current: string | null,
): Sample[] {
  return states.map((s) => ({
    metric,
    labels: { ...labels, [label]: s },
    value: +(s === current),
  }));
}

/** Replica series of StatefulSets. */
export function statefulSetSamples(namespace: string, list: readonly WorkloadFacts[]): Sample[] {
  return list.flatMap((w) => {
    const labels = { namespace, statefulset: w.name };
    return [
      { metric: 'stsDesired', labels, value: w.desired },
      { metric: 'stsReady', labels, value: w.ready },
      { metric: 'stsUpdated', labels, value: w.updated },
    ] satisfies Sample[];
  });
}

/** Replica series of Deployments. */
export function deploymentSamples(namespace: string, list: readonly WorkloadFacts[]): Sample[] {
  return list.flatMap((w) => {
    const labels = { namespace, deployment: w.name };
    return [
      { metric: 'depDesired', labels, value: w.desired },
      { metric: 'depReady', labels, value: w.ready },
      { metric: 'depUpdated', labels, value: w.updated },
      { metric: 'depAvailable', labels, value: w.available },
    ] satisfies Sample[];
  });
}
