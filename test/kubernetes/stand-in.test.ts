import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApi, type KubeApi } from '../../src/devnet/kube/server.js';

type Json = Record<string, any>;

describe('Kubernetes API stand-in', () => {
  let api: KubeApi;
  const get = async (path: string) => {
    const res = await fetch(`${api.url}${path}`);
    return { status: res.status, body: (await res.json()) as Json };
  };

  beforeAll(async () => {
    api = await startKubeApi({
      namespace: 'besu-network',
      pods: [
        {
          name: 'besu-validator-0',
          component: 'validator',
          validatorAddress: `0x${'a'.repeat(40)}`,
        },
        { name: 'besu-validator-1', component: 'validator' },
        { name: 'besu-rpc-0', component: 'rpc' },
        { name: 'oracle-publisher-0', app: 'oracle-publisher' },
      ],
    });
  });
  afterAll(() => api.stop());

  it('answers a PodList filtered by label selector', async () => {
    const { status, body } = await get(
      '/api/v1/namespaces/besu-network/pods?labelSelector=component%3Dvalidator',
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ kind: 'PodList', apiVersion: 'v1' });
    expect(body.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(body.items.map((p: Json) => p.metadata.name)).toEqual([
      'besu-validator-0',
      'besu-validator-1',
    ]);
    expect(body.items[0].metadata.annotations).toEqual({
      'chainprobe.io/validator-address': `0x${'a'.repeat(40)}`,
    });
    expect(body.items[0].metadata.ownerReferences[0]).toMatchObject({
      kind: 'StatefulSet',
      name: 'besu-validator',
    });
  });

  it('derives StatefulSets and a Deployment whose counts follow pod faults', async () => {
    api.setPodFault('besu-validator-1', 'deleted');
    api.setPodFault('oracle-publisher-0', 'crashloop');
    try {
      const sts = await get('/apis/apps/v1/namespaces/besu-network/statefulsets');
      expect(sts.body.kind).toBe('StatefulSetList');
      const validator = sts.body.items.find((s: Json) => s.metadata.name === 'besu-validator');
      expect(validator.spec.replicas).toBe(2);
      expect(validator.status).toMatchObject({ replicas: 1, readyReplicas: 1 });

      const dep = await get('/apis/apps/v1/namespaces/besu-network/deployments?labelSelector=app');
      expect(dep.body.items).toHaveLength(1);
      expect(dep.body.items[0].spec.replicas).toBe(1);
      expect(dep.body.items[0].status.readyReplicas).toBeUndefined(); // omitempty zero
      expect(dep.body.items[0].status.unavailableReplicas).toBe(1);
    } finally {
      api.setPodFault('besu-validator-1', null);
      api.setPodFault('oracle-publisher-0', null);
    }
  });

  it('answers an RBAC denial with the API Status shape', async () => {
    api.setApiFault('forbidden');
    try {
      const { status, body } = await get('/apis/apps/v1/namespaces/besu-network/statefulsets');
      expect(status).toBe(403);
      expect(body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'statefulsets.apps is forbidden: User "system:serviceaccount:besu-network:chainprobe" cannot list resource "statefulsets" in API group "apps" in the namespace "besu-network"',
        reason: 'Forbidden',
        details: { group: 'apps', kind: 'statefulsets' },
        code: 403,
      });
    } finally {
      api.setApiFault(null);
    }
  });

  it.each([
    {
      desc: 'bad-selector',
      path: '/api/v1/namespaces/besu-network/pods?labelSelector=a%20b%3Dc',
      code: 400,
      reason: 'BadRequest',
    },
    {
      desc: 'unknown-resource',
      path: '/api/v1/namespaces/besu-network/secrets',
      code: 404,
      reason: 'NotFound',
    },
  ])('answers $desc with a $code Status', async ({ path, code, reason }) => {
    const { status, body } = await get(path);
    expect(status).toBe(code);
    expect(body).toMatchObject({ kind: 'Status', status: 'Failure', reason, code });
  });

  it('lists nothing in another namespace, as a real API server does', async () => {
    const { body } = await get('/api/v1/namespaces/default/pods');
    expect(body.items).toEqual([]);
  });
});
