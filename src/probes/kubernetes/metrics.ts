import { Counter, Gauge, type Registry } from 'prom-client';

const POD = ['namespace', 'component', 'pod'] as const;
const CONTAINER = [...POD, 'container'] as const;

/** Metrics of the `kubernetes` probe (prefix chainprobe_kube_). */
export function defineKubeMetrics(registry: Registry) {
  const r = [registry];
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name, help, labelNames, registers: r });
  return {
    pods: gauge(
      'chainprobe_kube_pods',
      'Pods matching the component selector at the last successful list.',
      ['namespace', 'component'],
    ),
    podPhase: gauge(
      'chainprobe_kube_pod_phase',
      'Pod phase as a state set: one series per phase, the current one at 1.',
      [...POD, 'phase'],
    ),
    podReady: gauge('chainprobe_kube_pod_ready', '1 if the pod Ready condition is True.', POD),
    podRestarts: gauge(
      'chainprobe_kube_pod_restarts',
      'Sum of container restartCount over the pod containers (a counter value, as a gauge).',
      POD,
    ),
    podStatusReason: gauge(
      'chainprobe_kube_pod_status_reason',
      'Pod status reason (Evicted, ...) as a state set; unknown reasons are "other".',
      [...POD, 'reason'],
    ),
    podInfo: gauge(
      'chainprobe_kube_pod_info',
      'Always 1; the node label is the node the pod is scheduled on ("" while pending).',
      [...POD, 'node'],
    ),
    podValidator: gauge(
      'chainprobe_kube_pod_validator_info',
      'Always 1; joins a pod to the validator address it runs (from config or its annotation).',
      ['namespace', 'pod', 'validator'],
    ),
    containerWaiting: gauge(
      'chainprobe_kube_container_waiting',
      'Why a container waits, as a state set (CrashLoopBackOff, ...); all 0 when not waiting.',
      [...CONTAINER, 'reason'],
    ),
    containerTerminated: gauge(
      'chainprobe_kube_container_last_terminated',
      'Why a container last terminated, as a state set (OOMKilled, Error, ...); all 0 if never.',
      [...CONTAINER, 'reason'],
    ),
    ...defineWorkloadMetrics(gauge),
    apiUp: gauge(
      'chainprobe_kube_api_up',
      '1 if the last list of the resource succeeded, 0 if it failed (see the errors counter).',
      ['namespace', 'resource'],
    ),
    apiErrors: new Counter({
      name: 'chainprobe_kube_api_errors_total',
      help: 'Failed Kubernetes API list calls by resource and error class.',
      labelNames: ['namespace', 'resource', 'class'],
      registers: r,
    }),
  };
}

type GaugeFactory = <L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
) => Gauge<L>;

function defineWorkloadMetrics(gauge: GaugeFactory) {
  const sts = ['namespace', 'statefulset'] as const;
  const dep = ['namespace', 'deployment'] as const;
  return {
    stsDesired: gauge(
      'chainprobe_kube_statefulset_replicas_desired',
      'Replicas the StatefulSet wants (spec.replicas).',
      sts,
    ),
    stsReady: gauge(
      'chainprobe_kube_statefulset_replicas_ready',
      'StatefulSet pods Ready (status.readyReplicas).',
      sts,
    ),
    stsUpdated: gauge(
      'chainprobe_kube_statefulset_replicas_updated',
      'StatefulSet pods at the update revision (status.updatedReplicas).',
      sts,
    ),
    depDesired: gauge(
      'chainprobe_kube_deployment_replicas_desired',
      'Replicas the Deployment wants (spec.replicas).',
      dep,
    ),
    depReady: gauge(
      'chainprobe_kube_deployment_replicas_ready',
      'Deployment pods Ready (status.readyReplicas).',
      dep,
    ),
    depUpdated: gauge(
      'chainprobe_kube_deployment_replicas_updated',
      'Deployment pods of the current template (status.updatedReplicas).',
      dep,
    ),
    depAvailable: gauge(
      'chainprobe_kube_deployment_replicas_available',
      'Deployment pods available for minReadySeconds (status.availableReplicas).',
      dep,
    ),
  };
}

/** The `kubernetes` probe's metrics, as created in the shared registry. */
export type KubeMetrics = ReturnType<typeof defineKubeMetrics>;

/** Names of the gauges among KubeMetrics (everything but the errors counter). */
export type KubeGaugeName = Exclude<keyof KubeMetrics, 'apiErrors'>;
