/**
 * Pure decoding of Kubernetes pod, StatefulSet and Deployment objects into the facts the
 * `kubernetes` probe reports. Inputs are structural subsets of the API's object shapes, so both
 * the client library's models and raw JSON fixtures fit.
 */

/** Pod phases as the API defines them (PodStatus.phase). */
export const POD_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;
/** One pod phase. */
export type PodPhase = (typeof POD_PHASES)[number];

/** Reasons a container waits that become label values; anything else is `other`. */
export const WAITING_REASONS = [
  'ContainerCreating',
  'PodInitializing',
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'InvalidImageName',
  'RunContainerError',
  'other',
] as const;
/** One waiting reason label value. */
export type WaitingReason = (typeof WAITING_REASONS)[number];

/** Reasons a container terminated that become label values; anything else is `other`. */
export const TERMINATED_REASONS = [
  'OOMKilled',
  'Error',
  'Completed',
  'ContainerCannotRun',
  'DeadlineExceeded',
  'StartError',
  'other',
] as const;
/** One termination reason label value. */
export type TerminatedReason = (typeof TERMINATED_REASONS)[number];

/** Pod-level status reasons (PodStatus.reason) that become label values. */
export const POD_REASONS = [
  'Evicted',
  'NodeLost',
  'NodeAffinity',
  'Preempting',
  'Shutdown',
  'Terminated',
  'UnexpectedAdmissionError',
  'other',
] as const;
/** One pod status reason label value. */
export type PodReason = (typeof POD_REASONS)[number];

interface ContainerStateShape {
  waiting?: { reason?: string } | undefined;
  running?: object | undefined;
  terminated?: { reason?: string; exitCode?: number } | undefined;
}

interface ContainerStatusShape {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: ContainerStateShape | undefined;
  lastState?: ContainerStateShape | undefined;
}

/** The parts of a Pod the probe reads. */
export interface PodShape {
  metadata?: {
    name?: string;
    labels?: Record<string, string> | undefined;
    annotations?: Record<string, string> | undefined;
  };
  spec?: { nodeName?: string | undefined } | undefined;
  status?:
    | {
        phase?: string | undefined;
        reason?: string | undefined;
        conditions?: ReadonlyArray<{ type: string; status: string }> | undefined;
        containerStatuses?: readonly ContainerStatusShape[] | undefined;
        initContainerStatuses?: readonly ContainerStatusShape[] | undefined;
      }
    | undefined;
}

/** What one container's status says. */
export interface ContainerFacts {
  name: string;
  ready: boolean;
  restarts: number;
  /** Why it waits, or null when it is running or terminated. */
  waiting: WaitingReason | null;
  /** Why it last terminated (current state first, else lastState), or null if it never did. */
  lastTerminated: TerminatedReason | null;
}

/** What one pod's object says, ready to become series. */
export interface PodFacts {
  name: string;
  component: string;
  phase: PodPhase;
  /** The pod's Ready condition is True. */
  ready: boolean;
  /** Sum of restartCount over all (init and app) containers. */
  restarts: number;
  reason: PodReason | null;
  /** spec.nodeName, or '' while unscheduled. */
  node: string;
  /** Lowercase validator address, or null when none is configured or annotated. */
  validator: string | null;
  containers: ContainerFacts[];
}

/** Where a pod's validator address comes from; config wins over the pod's own metadata. */
export interface AddressSources {
  podValidators: Readonly<Record<string, string>>;
  validatorAddressLabel?: string | undefined;
  validatorAddressAnnotation?: string | undefined;
}

/** Decodes a pod into facts; null when it has no name (never the case for API objects). */
export function decodePod(pod: PodShape, component: string, src: AddressSources): PodFacts | null {
  const name = pod.metadata?.name;
  if (!name) return null;

  const status = pod.status ?? {};
  const statuses = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
  const containers = statuses.map(decodeContainer);
  return {
    name,
    component,
    phase: closed(POD_PHASES, status.phase, 'Unknown'),
    ready: (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    restarts: containers.reduce((sum, c) => sum + c.restarts, 0),
    reason: status.reason ? closed(POD_REASONS, status.reason, 'other') : null,
    node: pod.spec?.nodeName ?? '',
    validator: validatorOf(pod, name, src),
    containers,
  };
}

/** Decodes one container status. */
export function decodeContainer(cs: ContainerStatusShape): ContainerFacts {
  const waiting = cs.state?.waiting;
  const terminated = cs.state?.terminated ?? cs.lastState?.terminated;
  return {
    name: cs.name,
    ready: cs.ready === true,
    restarts: Math.max(0, cs.restartCount ?? 0),
    waiting: waiting ? closed(WAITING_REASONS, waiting.reason, 'other') : null,
    lastTerminated: terminated ? closed(TERMINATED_REASONS, terminated.reason, 'other') : null,
  };
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

// A pod's own label or annotation is trusted only when it is a well-formed address: the value
// becomes a label, so free text there must never reach the registry.
function validatorOf(pod: PodShape, name: string, src: AddressSources): string | null {
  const candidates = [
    src.podValidators[name],
    src.validatorAddressLabel ? pod.metadata?.labels?.[src.validatorAddressLabel] : undefined,
    src.validatorAddressAnnotation
      ? pod.metadata?.annotations?.[src.validatorAddressAnnotation]
      : undefined,
  ];
  const found = candidates.find((c) => c !== undefined && ADDRESS.test(c));
  return found ? found.toLowerCase() : null;
}

/** Replica counts of a StatefulSet or Deployment. */
export interface WorkloadFacts {
  name: string;
  /** spec.replicas (the API defaults it to 1). */
  desired: number;
  ready: number;
  updated: number;
  available: number;
}

/** The parts of a StatefulSet or Deployment the probe reads. */
export interface WorkloadShape {
  metadata?: { name?: string };
  spec?: { replicas?: number | undefined } | undefined;
  status?:
    | {
        readyReplicas?: number | undefined;
        updatedReplicas?: number | undefined;
        availableReplicas?: number | undefined;
      }
    | undefined;
}

/** Decodes a StatefulSet or Deployment; absent status counts are 0 (the API omits zeros). */
export function decodeWorkload(obj: WorkloadShape): WorkloadFacts | null {
  const name = obj.metadata?.name;
  if (!name) return null;
  const s = obj.status ?? {};
  return {
    name,
    desired: obj.spec?.replicas ?? 1,
    ready: s.readyReplicas ?? 0,
    updated: s.updatedReplicas ?? 0,
    available: s.availableReplicas ?? 0,
  };
}

/** `value` when it is in the closed list, else `fallback`. */
function closed<T extends string>(list: readonly T[], value: string | undefined, fallback: T): T {
  return value !== undefined && (list as readonly string[]).includes(value)
    ? (value as T)
    : fallback;
}
