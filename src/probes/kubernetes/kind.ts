import { z } from 'zod';
import type { ProbeKind } from '../../engine/probe-kind.js';
import { Address, LabelName } from '../../config/schema.js';
import { chooseKubeSource, createKubeLister, loadKubeClient, type KubeLister } from './client.js';
import { defineKubeMetrics, type KubeMetrics } from './metrics.js';
import { KubeWatcher } from './probe.js';

// RFC 1123 label (namespaces) and subdomain (object names), as the API validates them.
const DnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a DNS-1123 label (a-z, 0-9, "-")');
const ObjectName = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a DNS-1123 subdomain (a-z, 0-9, "-", ".")');
// A label or annotation key: optional DNS prefix and "/", then a name of up to 63 characters.
const MetadataKey = z
  .string()
  .max(317)
  .regex(
    /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
    'must be a Kubernetes label or annotation key',
  );

/** Options of the `kubernetes` probe; each field's meaning is in its description. */
export const KubernetesOptions = z.strictObject({
  namespace: DnsLabel.default('besu-network').describe(
    'Namespace whose pods and workloads are watched; also the task target label.',
  ),
  selectors: z
    .record(LabelName, z.string().min(1).max(1024))
    .default({
      validator: 'component=validator',
      rpc: 'component=rpc',
      publisher: 'app=oracle-publisher',
    })
    .describe(
      'Component (the `component` label of the chainprobe_kube_ series) to pod label ' +
        'selector; replaces the default map.',
    ),
  validatorAddressLabel: MetadataKey.optional().describe(
    'Pod label holding the validator address (none by default).',
  ),
  validatorAddressAnnotation: MetadataKey.default('chainprobe.io/validator-address').describe(
    'Pod annotation holding the validator address; only well-formed addresses are used.',
  ),
  podValidators: z
    .record(ObjectName, Address)
    .default({})
    .describe('Pod name to validator address; wins over the pod label or annotation.'),
  statefulSets: z
    .array(ObjectName)
    .optional()
    .describe(
      'StatefulSets to report; omitted: all in the namespace; []: none; a missing one ' +
        'fails the run.',
    ),
  deployments: z
    .array(ObjectName)
    .optional()
    .describe(
      'Deployments to report; omitted: all in the namespace; []: none; a missing one ' +
        'fails the run.',
    ),
  kubeconfig: z
    .string()
    .min(1)
    .optional()
    .describe('kubeconfig file; default: the service account in a pod, else ~/.kube/config.'),
  apiUrl: z
    .string()
    .refine((s) => /^https?:\/\//.test(s) && URL.canParse(s), 'must be an http(s) URL')
    .optional()
    .describe(
      'Plain API URL without credentials (stand-in server, `kubectl proxy`); tests and dev.',
    ),
});
export type KubernetesOptions = z.output<typeof KubernetesOptions>;

/**
 * Builds the `kubernetes` kind; `makeLister` is injectable for tests. The real client is made
 * lazily, on the first run, since reading a kubeconfig is I/O.
 */
export function createKubernetesKind(
  makeLister: (opts: KubernetesOptions) => Promise<KubeLister> = defaultLister,
): ProbeKind<KubernetesOptions, KubeMetrics> {
  return {
    kind: 'kubernetes',
    description: 'Pods and workloads of the network namespace: phase, readiness, restarts, reasons',
    options: KubernetesOptions,
    defineMetrics: defineKubeMetrics,
    check(probe) {
      const issues: string[] = [];
      if (probe.endpoints) issues.push('endpoints: the kubernetes kind probes no endpoints');
      if (probe.apiUrl && probe.kubeconfig)
        issues.push('apiUrl: give either apiUrl or kubeconfig, not both');
      return issues;
    },
    create(ctx, probe, metrics) {
      // Start loading the client library now (no network I/O); the first run awaits it.
      if (makeLister === defaultLister) loadKubeClient().catch(() => undefined);
      const logger = ctx.logger.child({ probe: probe.name, namespace: probe.namespace });
      const watcher = new KubeWatcher(probe, metrics, () => makeLister(probe), logger);
      return {
        tasks: [{ target: probe.namespace, run: (signal) => watcher.run(signal) }],
        dispose: () => watcher.dispose(),
      };
    },
  };
}

function defaultLister(opts: KubernetesOptions): Promise<KubeLister> {
  return createKubeLister(chooseKubeSource(opts, process.env));
}

/**
 * The `kubernetes` kind: pods, StatefulSets and Deployments of one namespace.
 * Limitation: one kubernetes probe per namespace; two probes on the same namespace would write
 * the same series.
 */
export const kubernetesKind = createKubernetesKind();
