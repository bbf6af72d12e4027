import { describe, expect, it } from 'vitest';
import { decodePod, decodeWorkload, type PodShape, type WorkloadShape } from './decode.js';

const NO_SOURCES = {
  podValidators: {},
  validatorAddressAnnotation: 'chainprobe.io/validator-address',
};
const ADDRESS = '0xAbCdEf0123456789abcdef0123456789ABCDEF01';

// Shapes as `kubectl get pod -o json` prints them (trimmed to what matters, fields unrenamed).
const running: PodShape = {
  metadata: { name: 'besu-validator-0', labels: { component: 'validator' } },
  spec: { nodeName: 'aks-nodepool1-12345678-vmss000000' },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'Initialized', status: 'True' },
      { type: 'Ready', status: 'True' },
      { type: 'ContainersReady', status: 'True' },
      { type: 'PodScheduled', status: 'True' },
    ],
    containerStatuses: [
      {
        name: 'besu',
        ready: true,
        restartCount: 0,
        state: { running: { startedAt: '2026-12-01T10:00:00Z' } },
        lastState: {},
      },
    ],
  },
};

const crashLoop: PodShape = {
  metadata: { name: 'besu-rpc-1' },
  spec: { nodeName: 'node-b' },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [
      {
        name: 'besu',
        ready: false,
        restartCount: 12,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error' } },
      },
      {
        name: 'sidecar',
        ready: true,
        restartCount: 2,
        state: { running: {} },
        lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
      },
    ],
  },
};

const evicted: PodShape = {
  metadata: { name: 'oracle-publisher-7d9c-abcde' },
  spec: { nodeName: 'node-c' },
  status: {
    phase: 'Failed',
    reason: 'Evicted',
    containerStatuses: [
      {
        name: 'publisher',
        ready: false,
        restartCount: 0,
        state: { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown' } },
      },
    ],
  },
};

const pending: PodShape = {
  metadata: { name: 'besu-validator-3' },
  status: {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'False' }],
  },
};

const pulling: PodShape = {
  metadata: { name: 'besu-rpc-0' },
  spec: { nodeName: 'node-a' },
  status: {
    phase: 'Pending',
    initContainerStatuses: [
      {
        name: 'init-genesis',
        ready: false,
        restartCount: 3,
        state: { waiting: { reason: 'ImagePullBackOff' } },
      },
    ],
    containerStatuses: [
      {
        name: 'besu',
        ready: false,
        restartCount: 0,
        state: { waiting: { reason: 'PodInitializing' } },
      },
    ],
  },
};

describe('decodePod', () => {
  it.each([
    {
      desc: 'running-ready',
      pod: running,
      want: {
        phase: 'Running',
        ready: true,
        restarts: 0,
        reason: null,
        node: 'aks-nodepool1-12345678-vmss000000',
      },
      containers: [{ name: 'besu', ready: true, restarts: 0, waiting: null, lastTerminated: null }],
    },
    {
      desc: 'crash-loop-with-oom-sidecar',
      pod: crashLoop,
      want: { phase: 'Running', ready: false, restarts: 14, reason: null, node: 'node-b' },
      containers: [
        {
          name: 'besu',
          ready: false,
          restarts: 12,
          waiting: 'CrashLoopBackOff',
          lastTerminated: 'Error',
        },
        { name: 'sidecar', ready: true, restarts: 2, waiting: null, lastTerminated: 'OOMKilled' },
      ],
    },
    {
      desc: 'evicted-unknown-termination-reason-is-other',
      pod: evicted,
      want: { phase: 'Failed', ready: false, restarts: 0, reason: 'Evicted', node: 'node-c' },
      containers: [
        { name: 'publisher', ready: false, restarts: 0, waiting: null, lastTerminated: 'other' },
      ],
    },
    {
      desc: 'pending-unscheduled',
      pod: pending,
      want: { phase: 'Pending', ready: false, restarts: 0, reason: null, node: '' },
      containers: [],
    },
    {
      desc: 'init-container-image-pull',
      pod: pulling,
      want: { phase: 'Pending', ready: false, restarts: 3, reason: null, node: 'node-a' },
      containers: [
        {
          name: 'init-genesis',
          ready: false,
          restarts: 3,
          waiting: 'ImagePullBackOff',
          lastTerminated: null,
        },
        {
          name: 'besu',
          ready: false,
          restarts: 0,
          waiting: 'PodInitializing',
          lastTerminated: null,
        },
      ],
    },
    {
      desc: 'odd-phase-and-reasons-are-closed',
      pod: {
        metadata: { name: 'x' },
        status: {
          phase: 'Exploded',
          reason: 'SomethingNew',
          containerStatuses: [{ name: 'c', state: { waiting: { reason: 'Brand"New{Reason}' } } }],
        },
      } satisfies PodShape,
      want: { phase: 'Unknown', ready: false, restarts: 0, reason: 'other', node: '' },
      containers: [
        { name: 'c', ready: false, restarts: 0, waiting: 'other', lastTerminated: null },
      ],
    },
  ])('decodes $desc', ({ pod, want, containers }) => {
    const facts = decodePod(pod, 'validator', NO_SOURCES);
    expect(facts).toMatchObject({ ...want, component: 'validator', containers });
  });

  it('returns null for an object without a name', () => {
    expect(decodePod({ status: { phase: 'Running' } }, 'rpc', NO_SOURCES)).toBeNull();
  });
});

describe('decodePod validator address', () => {
  const withMeta = (labels: Record<string, string>, annotations: Record<string, string>) =>
    ({ metadata: { name: 'besu-validator-0', labels, annotations } }) satisfies PodShape;
  const lower = ADDRESS.toLowerCase();
  const other = `0x${'1'.repeat(40)}`;

  it.each([
    {
      desc: 'annotation',
      pod: withMeta({}, { 'chainprobe.io/validator-address': ADDRESS }),
      src: {},
      want: lower,
    },
    {
      desc: 'label-when-configured',
      pod: withMeta({ 'chainprobe.io/address': ADDRESS }, {}),
      src: { validatorAddressLabel: 'chainprobe.io/address' },
      want: lower,
    },
    {
      desc: 'label-ignored-when-not-configured',
      pod: withMeta({ 'chainprobe.io/address': ADDRESS }, {}),
      src: {},
      want: null,
    },
    {
      desc: 'config-wins-over-annotation',
      pod: withMeta({}, { 'chainprobe.io/validator-address': ADDRESS }),
      src: { podValidators: { 'besu-validator-0': other } },
      want: other,
    },
    {
      desc: 'free-text-annotation-rejected',
      pod: withMeta({}, { 'chainprobe.io/validator-address': 'validator zero"}' }),
      src: {},
      want: null,
    },
    {
      desc: 'short-hex-rejected',
      pod: withMeta({}, { 'chainprobe.io/validator-address': '0x1234' }),
      src: {},
      want: null,
    },
    { desc: 'none', pod: withMeta({}, {}), src: {}, want: null },
  ])('takes the address from $desc', ({ pod, src, want }) => {
    const facts = decodePod(pod, 'validator', { ...NO_SOURCES, ...src });
    expect(facts?.validator).toBe(want);
  });
});

describe('decodeWorkload', () => {
  it.each([
    {
      desc: 'statefulset-all-ready',
      obj: {
        metadata: { name: 'besu-validator' },
        spec: { replicas: 4 },
        status: { readyReplicas: 4, updatedReplicas: 4, availableReplicas: 4 },
      },
      want: { name: 'besu-validator', desired: 4, ready: 4, updated: 4, available: 4 },
    },
    {
      desc: 'omitted-zero-counts',
      obj: { metadata: { name: 'besu-rpc' }, spec: { replicas: 2 }, status: {} },
      want: { name: 'besu-rpc', desired: 2, ready: 0, updated: 0, available: 0 },
    },
    {
      desc: 'replicas-defaults-to-one',
      obj: { metadata: { name: 'oracle-publisher' }, spec: {}, status: { readyReplicas: 1 } },
      want: { name: 'oracle-publisher', desired: 1, ready: 1, updated: 0, available: 0 },
    },
    {
      desc: 'scaled-to-zero',
      obj: { metadata: { name: 'spare' }, spec: { replicas: 0 } },
      want: { name: 'spare', desired: 0, ready: 0, updated: 0, available: 0 },
    },
  ] satisfies Array<{ desc: string; obj: WorkloadShape; want: object }>)(
    'decodes $desc',
    ({ obj, want }) => {
      expect(decodeWorkload(obj)).toEqual(want);
    },
  );
});
