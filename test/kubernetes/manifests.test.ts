import { readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';

const DEPLOY = new URL('../../deploy/kubernetes/', import.meta.url);
const SCHEMAS = new URL('./schemas/', import.meta.url);
const NS = 'besu-network';

type Obj = Record<string, any>;

function load(file: string): Obj {
  return parseYaml(readFileSync(new URL(file, DEPLOY), 'utf8')) as Obj;
}

function makeAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  for (const f of readdirSync(SCHEMAS)) {
    ajv.addSchema(JSON.parse(readFileSync(new URL(f, SCHEMAS), 'utf8')) as object);
  }
  return ajv;
}

const ajv = makeAjv();
const schemaOf = (name: string) => `https://chainprobe.test/schemas/${name}.json`;

// Each manifest file and the schema that must accept it.
const FILES = [
  { file: 'serviceaccount.yaml', schema: 'serviceaccount' },
  { file: 'role.yaml', schema: 'role' },
  { file: 'rolebinding.yaml', schema: 'rolebinding' },
  { file: 'configmap.yaml', schema: 'configmap' },
  { file: 'deployment.yaml', schema: 'deployment' },
  { file: 'service.yaml', schema: 'service' },
  { file: 'servicemonitor.yaml', schema: 'servicemonitor' },
  { file: 'prometheusrule.yaml', schema: 'prometheusrule' },
  { file: 'kustomization.yaml', schema: 'kustomization' },
];

function validate(schema: string, doc: unknown): string[] {
  const check = ajv.getSchema(schemaOf(schema));
  if (!check) throw new Error(`no schema ${schema}`);
  return check(doc) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe('deploy/kubernetes manifests', () => {
  it.each(FILES)('$file passes the $schema schema', ({ file, schema }) => {
    expect(validate(schema, load(file))).toEqual([]);
  });

  it('lists every manifest in the kustomization, and only those', () => {
    const yamlFiles = readdirSync(DEPLOY).filter((f) => f.endsWith('.yaml'));
    const listed = (load('kustomization.yaml').resources as string[]).sort();
    expect(listed).toEqual(yamlFiles.filter((f) => f !== 'kustomization.yaml').sort());
    expect(FILES.map((f) => f.file).sort()).toEqual(yamlFiles.sort());
  });

  it('puts every namespaced object in besu-network', () => {
    for (const { file } of FILES.filter((f) => f.schema !== 'kustomization'))
      expect(load(file).metadata.namespace, file).toBe(NS);
  });

  it.each([
    {
      desc: 'write-verb',
      patch: (r: Obj) => r.rules[0].verbs.push('delete'),
    },
    { desc: 'wildcard-verb', patch: (r: Obj) => (r.rules[0].verbs = ['*']) },
    { desc: 'secrets', patch: (r: Obj) => r.rules[0].resources.push('secrets') },
    { desc: 'pods-exec', patch: (r: Obj) => r.rules[0].resources.push('pods/exec') },
    { desc: 'cluster-role', patch: (r: Obj) => (r.kind = 'ClusterRole') },
  ])('the role schema rejects a broader role: $desc', ({ patch }) => {
    const role = load('role.yaml');
    patch(role);
    expect(validate('role', role)).not.toEqual([]);
  });

  it.each([
    {
      desc: 'misspelt-security-field',
      file: 'deployment.yaml',
      schema: 'deployment',
      patch: (d: Obj) =>
        (d.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem = true),
    },
    {
      desc: 'probe-without-port',
      file: 'deployment.yaml',
      schema: 'deployment',
      patch: (d: Obj) => delete d.spec.template.spec.containers[0].livenessProbe.httpGet.port,
    },
    {
      desc: 'port-name-over-15-chars',
      file: 'service.yaml',
      schema: 'service',
      patch: (d: Obj) => (d.spec.ports[0].name = 'prometheus-metrics'),
    },
    {
      desc: 'missing-metadata',
      file: 'serviceaccount.yaml',
      schema: 'serviceaccount',
      patch: (d: Obj) => delete d.metadata,
    },
    {
      desc: 'numeric-scrape-interval',
      file: 'servicemonitor.yaml',
      schema: 'servicemonitor',
      patch: (d: Obj) => (d.spec.endpoints[0].interval = 15),
    },
    {
      desc: 'rule-with-alert-and-record',
      file: 'prometheusrule.yaml',
      schema: 'prometheusrule',
      patch: (d: Obj) => (d.spec.groups[0].rules[0].record = 'x:y'),
    },
    {
      desc: 'subject-namespace-uppercase',
      file: 'rolebinding.yaml',
      schema: 'rolebinding',
      patch: (d: Obj) => (d.subjects[0].namespace = 'Besu'),
    },
  ])('the schemas reject a broken manifest: $desc', ({ file, schema, patch }) => {
    const doc = load(file);
    patch(doc);
    expect(validate(schema, doc)).not.toEqual([]);
  });

  it('grants exactly get/list/watch on pods (core) and statefulsets, deployments (apps)', () => {
    const grants = (load('role.yaml').rules as Obj[]).flatMap((r) =>
      (r.apiGroups as string[]).flatMap((g) =>
        (r.resources as string[]).map((res) => `${g}/${res}:${[...r.verbs].sort().join(',')}`),
      ),
    );
    expect(grants.sort()).toEqual([
      '/pods:get,list,watch',
      'apps/deployments:get,list,watch',
      'apps/statefulsets:get,list,watch',
    ]);
  });

  it('binds the role to the service account the pod runs as', () => {
    const binding = load('rolebinding.yaml');
    const pod = load('deployment.yaml').spec.template.spec;
    expect(binding.roleRef.name).toBe(load('role.yaml').metadata.name);
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: pod.serviceAccountName, namespace: NS },
    ]);
    expect(load('serviceaccount.yaml').metadata.name).toBe(pod.serviceAccountName);
  });

  it('runs non-root with a read-only root filesystem and no capabilities', () => {
    const pod = load('deployment.yaml').spec.template.spec;
    const [c] = pod.containers as Obj[];
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(c?.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(c?.resources.requests).toBeDefined();
    expect(c?.resources.limits.memory).toBeDefined();
  });

  it('wires port 9488 "metrics" through probes, Service and ServiceMonitor', () => {
    const dep = load('deployment.yaml');
    const [c] = dep.spec.template.spec.containers as Obj[];
    expect(c?.ports).toEqual([{ name: 'metrics', containerPort: 9488, protocol: 'TCP' }]);
    expect(c?.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(c?.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });

    const svc = load('service.yaml');
    expect(svc.spec.selector).toEqual(dep.spec.selector.matchLabels);
    expect(dep.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
    expect(svc.spec.ports[0]).toMatchObject({ name: 'metrics', port: 9488, targetPort: 'metrics' });

    const sm = load('servicemonitor.yaml');
    expect(svc.metadata.labels).toMatchObject(sm.spec.selector.matchLabels);
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'metrics', path: '/metrics' });
  });

  it('mounts the ConfigMap where --config points', () => {
    const spec = load('deployment.yaml').spec.template.spec;
    const [c] = spec.containers as Obj[];
    const volume = (spec.volumes as Obj[]).find((v) => v.configMap);
    const mount = (c?.volumeMounts as Obj[]).find((m) => m.name === volume?.name);
    const cm = load('configmap.yaml');
    expect(volume?.configMap.name).toBe(cm.metadata.name);
    const key = Object.keys(cm.data)[0];
    expect(c?.args).toContain(`--config=${mount?.mountPath}/${key}`);
  });

  it('parses every PrometheusRule expression with the PromQL grammar', () => {
    const rules = (load('prometheusrule.yaml').spec.groups as Obj[]).flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules as Obj[]) {
      const errors: number[] = [];
      parser.parse(rule.expr as string).iterate({
        enter: (n) => void (n.type.isError && errors.push(n.from)),
      });
      expect(errors, rule.alert as string).toEqual([]);
    }
  });
});

describe('the ConfigMap probe definition', () => {
  const text = (): string => load('configmap.yaml').data['chainprobe.yaml'] as string;

  it("passes chainprobe's own config loader with the registered kinds", () => {
    const config = parseConfig(text(), PROBE_KINDS, {});
    const kinds = new Set(config.probes.map((p) => p.kind));
    for (const kind of ['rpc', 'block', 'besu-health', 'validators', 'kubernetes'])
      expect(kinds).toContain(kind);
    for (const e of config.endpoints) {
      const service = e.role === 'rpc' ? 'besu-rpc' : 'besu-validator';
      expect(e.url).toMatch(new RegExp(`^http://${service}-\\d+\\.${service}\\.${NS}\\.svc:8545$`));
    }
    expect(config.endpoints.filter((e) => e.role === 'validator')).toHaveLength(4);
  });

  it('uses the in-cluster service account and listens on the container port', () => {
    const config = parseConfig(text(), PROBE_KINDS, {});
    const kube = config.probes.find((p) => p.kind === 'kubernetes');
    expect(kube).toMatchObject({ namespace: NS });
    expect(kube?.apiUrl).toBeUndefined();
    expect(kube?.kubeconfig).toBeUndefined();
    expect(config.global.listen).toBe('0.0.0.0:9488');
  });

  it('would be rejected by the loader with a misspelt option (the check can fail)', () => {
    const broken = text().replace('namespace: besu-network', 'namespce: besu-network');
    expect(() => parseConfig(broken, PROBE_KINDS, {})).toThrow(/invalid configuration/);
  });
});
