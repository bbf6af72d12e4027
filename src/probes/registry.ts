import type { ProbeKind } from '../engine/probe-kind.js';
import { besuHealthKind } from './besu-health/kind.js';
import { blockKind } from './block/kind.js';
import { breakerKind } from './breaker/kind.js';
import { canaryKind } from './canary/kind.js';
import { kubernetesKind } from './kubernetes/kind.js';
import { oracleKind } from './oracle/kind.js';
import { publisherKind } from './publisher/kind.js';
import { rpcKind } from './rpc/kind.js';
import { securityKind } from './security/kind.js';
import { validatorsKind } from './validators/kind.js';

/**
 * Every probe kind chainprobe knows: the one list. The config schema, the metric catalogue and
 * the documentation are built from it.
 */
export const PROBE_KINDS: readonly ProbeKind[] = [
  rpcKind,
  blockKind,
  besuHealthKind,
  oracleKind,
  publisherKind,
  breakerKind,
  kubernetesKind,
  validatorsKind,
  securityKind,
  canaryKind,
] as unknown as readonly ProbeKind[];
