import { createHash } from 'node:crypto';

/** A pod of the stand-in, as the devnet describes it. */
export interface StandInPod {
  name: string;
  component?: 'validator' | 'rpc';
  app?: string;
  validatorAddress?: string;
}

/** Faults a stand-in pod can show. */
export type PodFault = 'crashloop' | 'not-ready' | 'evicted' | 'deleted' | 'oomkilled';

/** What builders need besides the pod: namespace, creation time, pod index. */
export interface BuildContext {
  namespace: string;
  /** RFC 3339 time (seconds) used for every timestamp. */
  created: string;
  resourceVersion: string;
}

/** The annotation the stand-in puts the validator address in (the probe's default). */
export const VALIDATOR_ANNOTATION = 'chainprobe.io/validator-address';

/** The controller owning a pod: a StatefulSet per Besu component, a Deployment per app. */
export function ownerOf(
  pod: StandInPod,
): { kind: 'StatefulSet' | 'Deployment'; name: string } | null {
  if (pod.component) return { kind: 'StatefulSet', name: `besu-${pod.component}` };
  if (pod.app) return { kind: 'Deployment', name: pod.app };
  return null;
}

/** Labels of a pod: `component` and/or `app`, plus the controller's own labels. */
export function podLabels(pod: StandInPod): Record<string, string> {
  const owner = ownerOf(pod);
  return {
    ...(pod.component ? { component: pod.component } : {}),
    ...(pod.app ? { app: pod.app } : {}),
    ...(owner?.kind === 'StatefulSet'
      ? { 'statefulset.kubernetes.io/pod-name': pod.name }
      : owner
        ? { 'pod-template-hash': hashOf(owner.name).slice(0, 10) }
        : {}),
  };
}

/** True when the pod is Ready under `fault`. */
export function isReady(fault: PodFault | null): boolean {
  return fault === null || fault === 'oomkilled';
}

/** A Pod object in the API's shape (as list items carry it: no kind/apiVersion). */
export function buildPod(
  pod: StandInPod,
  fault: PodFault | null,
  ctx: BuildContext,
  index: number,
) {
  const container = pod.component ? 'besu' : (pod.app ?? 'main');
  return {
    metadata: podMetadata(pod, ctx),
    spec: {
      containers: [containerSpec(pod, container)],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      nodeName: `devnet-worker-${index % 3}`,
      schedulerName: 'default-scheduler',
      securityContext: {},
    },
    status: podStatus(pod, container, fault, ctx, index),
  };
}

function podMetadata(pod: StandInPod, ctx: BuildContext) {
  const owner = ownerOf(pod);
  const ownerName =
    owner?.kind === 'Deployment' ? `${owner.name}-${hashOf(owner.name).slice(0, 10)}` : owner?.name;
  return {
    name: pod.name,
    namespace: ctx.namespace,
    uid: uidOf(`pod/${pod.name}`),
    resourceVersion: ctx.resourceVersion,
    creationTimestamp: ctx.created,
    labels: podLabels(pod),
    ...(pod.validatorAddress
      ? { annotations: { [VALIDATOR_ANNOTATION]: pod.validatorAddress } }
      : {}),
    ...(owner && ownerName
      ? {
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: owner.kind === 'StatefulSet' ? 'StatefulSet' : 'ReplicaSet',
              name: ownerName,
              uid: uidOf(`${owner.kind}/${ownerName}`),
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        }
      : {}),
  };
}

function containerSpec(pod: StandInPod, name: string) {
  return {
    name,
    image: imageOf(pod),
    ports: pod.component ? [{ name: 'json-rpc', containerPort: 8545, protocol: 'TCP' }] : [],
    resources: {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
}

function podStatus(
  pod: StandInPod,
  container: string,
  fault: PodFault | null,
  ctx: BuildContext,
  index: number,
) {
  const ready = isReady(fault);
  const ip = `10.244.${index % 3}.${10 + index}`;
  return {
    phase: fault === 'evicted' ? 'Failed' : 'Running',
    ...(fault === 'evicted'
      ? {
          reason: 'Evicted',
          message:
            'The node was low on resource: memory. Threshold quantity: 100Mi, available: 91864Ki. ',
        }
      : {}),
    conditions: podConditions(ready, fault !== 'evicted', ctx.created),
    hostIP: `172.18.0.${2 + (index % 3)}`,
    hostIPs: [{ ip: `172.18.0.${2 + (index % 3)}` }],
    ...(fault === 'evicted' ? {} : { podIP: ip, podIPs: [{ ip }] }),
    startTime: ctx.created,
    containerStatuses: [containerStatus(pod, container, fault, ctx.created)],
    qosClass: 'BestEffort',
  };
}

function podConditions(ready: boolean, initialized: boolean, at: string) {
  const cond = (type: string, ok: boolean, reason?: string) => ({
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: at,
    ...(!ok && reason ? { reason } : {}),
  });
  return [
    cond('PodReadyToStartContainers', initialized),
    cond('Initialized', true),
    cond('Ready', ready, initialized ? 'ContainersNotReady' : 'PodFailed'),
    cond('ContainersReady', ready, initialized ? 'ContainersNotReady' : 'PodFailed'),
    cond('PodScheduled', true),
  ];
}

function containerStatus(pod: StandInPod, name: string, fault: PodFault | null, at: string) {
  const image = imageOf(pod);
  const containerID = `containerd://${hashOf(`${pod.name}/${name}/${fault ?? ''}`)}`;
  const backOff = `back-off 5m0s restarting failed container=${name} pod=${pod.name}`;
  return {
    name,
    image,
    imageID: `docker.io/${image}@sha256:${hashOf(image)}`,
    containerID,
    ...containerPhase(fault, at, containerID, backOff),
  };
}

type ContainerState = Record<string, object>;

// What the kubelet reports under each fault: current state, previous termination, readiness.
function containerPhase(fault: PodFault | null, at: string, containerID: string, backOff: string) {
  const running = { running: { startedAt: at } };
  const ended = (exitCode: number, reason: string) => ({
    terminated: { exitCode, reason, startedAt: at, finishedAt: at, containerID },
  });
  const row = (state: ContainerState, lastState: ContainerState, ready: boolean, n: number) => ({
    state,
    lastState,
    ready,
    restartCount: n,
    started: 'running' in state,
  });
  switch (fault) {
    case 'crashloop':
      return row(
        { waiting: { reason: 'CrashLoopBackOff', message: backOff } },
        ended(1, 'Error'),
        false,
        6,
      );
    case 'evicted':
      return row(ended(137, 'Error'), {}, false, 0);
    case 'oomkilled':
      return row(running, ended(137, 'OOMKilled'), true, 1);
    case 'not-ready':
      return row(running, {}, false, 0);
    default:
      return row(running, {}, true, 0);
  }
}

/** Replica counts of one controller, consistent with its pods' faults. */
export interface ReplicaCounts {
  desired: number;
  existing: number;
  ready: number;
}

/** Counts the pods of a controller: deleted pods are still desired, only healthy ones ready. */
export function countReplicas(faults: ReadonlyArray<PodFault | null>): ReplicaCounts {
  const existing = faults.filter((f) => f !== 'deleted');
  return {
    desired: faults.length,
    existing: existing.length,
    ready: existing.filter(isReady).length,
  };
}

/** A StatefulSet object; zero counts are left out, as the API's omitempty fields are. */
export function buildStatefulSet(
  name: string,
  component: string,
  n: ReplicaCounts,
  ctx: BuildContext,
) {
  const labels = { component };
  return {
    metadata: workloadMetadata(name, labels, ctx, 'StatefulSet'),
    spec: {
      replicas: n.desired,
      selector: { matchLabels: labels },
      serviceName: name,
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'besu', image: BESU_IMAGE }] },
      },
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
    },
    status: {
      observedGeneration: 1,
      replicas: n.existing,
      ...omitZero({
        readyReplicas: n.ready,
        currentReplicas: n.existing,
        updatedReplicas: n.existing,
      }),
      availableReplicas: n.ready,
      currentRevision: `${name}-${hashOf(name).slice(0, 10)}`,
      updateRevision: `${name}-${hashOf(name).slice(0, 10)}`,
      collisionCount: 0,
    },
  };
}

/** A Deployment object with its Available and Progressing conditions. */
export function buildDeployment(name: string, n: ReplicaCounts, ctx: BuildContext) {
  const labels = { app: name };
  const available = n.ready >= n.desired;
  return {
    metadata: workloadMetadata(name, labels, ctx, 'Deployment'),
    spec: {
      replicas: n.desired,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name, image: `${name}:devnet` }] } },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
      },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: 1,
      ...omitZero({
        replicas: n.existing,
        updatedReplicas: n.existing,
        readyReplicas: n.ready,
        availableReplicas: n.ready,
        unavailableReplicas: n.desired - n.ready,
      }),
      conditions: [
        deploymentCondition(
          'Available',
          available,
          available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
          ctx.created,
        ),
        deploymentCondition('Progressing', true, 'NewReplicaSetAvailable', ctx.created),
      ],
    },
  };
}

function deploymentCondition(type: string, ok: boolean, reason: string, at: string) {
  return {
    type,
    status: ok ? 'True' : 'False',
    lastUpdateTime: at,
    lastTransitionTime: at,
    reason,
    message: reason,
  };
}

function workloadMetadata(
  name: string,
  labels: Record<string, string>,
  ctx: BuildContext,
  kind: string,
) {
  return {
    name,
    namespace: ctx.namespace,
    uid: uidOf(`${kind}/${name}`),
    resourceVersion: ctx.resourceVersion,
    generation: 1,
    creationTimestamp: ctx.created,
    labels,
  };
}

const BESU_IMAGE = 'hyperledger/besu:24.12.2';

function imageOf(pod: StandInPod): string {
  return pod.component ? BESU_IMAGE : `${pod.app ?? 'main'}:devnet`;
}

function omitZero(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, v]) => v !== 0));
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A stable UUID-shaped uid derived from a name. */
function uidOf(text: string): string {
  const h = hashOf(text);
  const parts = [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20, 32)];
  return parts.join('-');
}
