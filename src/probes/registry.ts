import type { ProbeKind } from '../engine/probe-kind.js';
import { besuHealthKind } from './besu-health/kind.js';
import { blockKind } from './block/kind.js';
import { kubernetesKind } from './kubernetes/kind.js';
import { rpcKind } from './rpc/kind.js';

/**
 * Every probe kind chainprobe knows: the one list. The config schema, the metric catalogue and
 * the documentation are built from it.
 */
export const PROBE_KINDS: readonly ProbeKind[] = [
  rpcKind,
  blockKind,
  besuHealthKind,
  kubernetesKind,
] as unknown as readonly ProbeKind[];
