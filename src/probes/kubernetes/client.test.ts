import { describe, expect, it } from 'vitest';
import { chooseKubeSource, createKubeLister, itemsOf } from './client.js';

describe('chooseKubeSource', () => {
  const inPod = { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
  it.each([
    {
      desc: 'api-url-first',
      opts: { apiUrl: 'http://127.0.0.1:1', kubeconfig: '/k' },
      env: inPod,
      want: { type: 'apiUrl', url: 'http://127.0.0.1:1' },
    },
    {
      desc: 'explicit-kubeconfig-in-pod',
      opts: { kubeconfig: '/etc/kube/config' },
      env: inPod,
      want: { type: 'file', path: '/etc/kube/config' },
    },
    { desc: 'service-account-in-pod', opts: {}, env: inPod, want: { type: 'cluster' } },
    { desc: 'default-kubeconfig-elsewhere', opts: {}, env: {}, want: { type: 'default' } },
  ])('picks $desc', ({ opts, env, want }) => {
    expect(chooseKubeSource(opts, env)).toEqual(want);
  });
});

describe('createKubeLister', () => {
  it('fails with class config when the kubeconfig file cannot be read', async () => {
    await expect(
      createKubeLister({ type: 'file', path: '/nonexistent/chainprobe/kubeconfig' }),
    ).rejects.toMatchObject({ code: 'config' });
  });
});

describe('itemsOf', () => {
  it.each([
    { desc: 'non-json-200', list: undefined },
    { desc: 'null-items', list: { items: null } },
    { desc: 'no-items', list: {} },
  ])('refuses $desc as invalid_response, never as an empty list', ({ list }) => {
    expect(() => itemsOf(list, 'pods')).toThrow(
      expect.objectContaining({ code: 'invalid_response' }),
    );
  });

  it('returns an empty items array as it is', () => {
    expect(itemsOf({ items: [] }, 'pods')).toEqual([]);
  });
});
