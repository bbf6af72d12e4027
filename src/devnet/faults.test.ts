import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAULTS, FaultRequestError, FaultStore, type FaultHost } from './faults.js';

function fakeHost(calls: string[] = []): FaultHost {
  return {
    validatorNames: () => ['validator-0', 'validator-1', 'validator-2', 'validator-3'],
    nodeNames: () => ['validator-0', 'validator-1', 'validator-2', 'validator-3', 'rpc-0', 'rpc-1'],
    podNames: () => ['besu-validator-0', 'besu-rpc-0', 'oracle-publisher-0'],
    chainHead: () => 42,
    setPublisherBroke: async (broke) => void calls.push(`broke:${broke}`),
    setPodFault: (pod, fault) => void calls.push(`pod:${pod}:${fault}`),
    setKubeApiFault: (fault) => void calls.push(`api:${fault}`),
  };
}

describe('FaultStore', () => {
  it.each([
    {
      desc: 'validators-down-defaults-to-f-plus-1',
      name: 'validators-down',
      params: {},
      expected: { count: 2, down: 'validator-2,validator-3' },
    },
    {
      desc: 'validators-down-explicit-count',
      name: 'validators-down',
      params: { count: 3 },
      expected: { count: 3, down: 'validator-1,validator-2,validator-3' },
    },
    { desc: 'rpc-stuck-captures-head', name: 'rpc-stuck', params: {}, expected: { head: 42 } },
    {
      desc: 'rpc-stuck-explicit-head',
      name: 'rpc-stuck',
      params: { head: '7' },
      expected: { head: 7 },
    },
    {
      desc: 'rpc-fork-from-depth',
      name: 'rpc-fork',
      params: { depth: 5 },
      expected: { depth: 5, fromBlock: 38 },
    },
    { desc: 'rpc-slow-default', name: 'rpc-slow', params: {}, expected: { latencyMs: 2000 } },
    {
      desc: 'rpc-error-coerces-strings',
      name: 'rpc-error',
      params: { rate: '0.5', mode: 'http500' },
      expected: { rate: 0.5, mode: 'http500' },
    },
    {
      desc: 'bad-answer-negative',
      name: 'oracle-bad-answer',
      params: { answer: '-3' },
      expected: { answer: -3 },
    },
    {
      desc: 'gateway-default-502',
      name: 'gateway-error',
      params: {},
      expected: { status: 502, rate: 1 },
    },
  ])(
    'stores params with defaults and captured values ($desc)',
    async ({ name, params, expected }) => {
      const store = new FaultStore(fakeHost());
      const fault = await store.set(name, { on: true, params });

      expect(fault?.params).toEqual(expected);
    },
  );

  it.each([
    { desc: 'unknown-fault', name: 'nope', request: { on: true }, status: 404 },
    {
      desc: 'validator-target-on-rpc',
      name: 'validator-down',
      request: { on: true, target: 'rpc-0' },
      status: 400,
    },
    {
      desc: 'validator-without-target',
      name: 'validator-down',
      request: { on: true },
      status: 400,
    },
    {
      desc: 'rate-above-one',
      name: 'rpc-error',
      request: { on: true, params: { rate: 2 } },
      status: 400,
    },
    {
      desc: 'gateway-status-500',
      name: 'gateway-error',
      request: { on: true, params: { status: 500 } },
      status: 400,
    },
    {
      desc: 'unknown-param',
      name: 'chain-halt',
      request: { on: true, params: { x: 1 } },
      status: 400,
    },
    {
      desc: 'unknown-pod',
      name: 'pod-evicted',
      request: { on: true, target: 'besu-rpc-9' },
      status: 400,
    },
    {
      desc: 'target-on-untargeted',
      name: 'chain-halt',
      request: { on: true, target: 'rpc-0' },
      status: 400,
    },
  ])('refuses a bad request ($desc)', async ({ name, request, status }) => {
    const store = new FaultStore(fakeHost());
    const error = await store.set(name, request).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(FaultRequestError);
    expect((error as FaultRequestError).status).toBe(status);
    expect(store.all()).toEqual([]);
  });

  it('runs side effects on, on re-set and off, and keys faults by target', async () => {
    const calls: string[] = [];
    const store = new FaultStore(fakeHost(calls));
    await store.set('pod-crashloop', { on: true, target: 'besu-rpc-0' });
    await store.set('pod-crashloop', { on: true, target: 'besu-validator-0' });
    await store.set('pod-crashloop', { on: false, target: 'besu-rpc-0' });
    await store.set('publisher-out-of-funds', { on: true });
    await store.set('publisher-out-of-funds', { on: true });

    expect(calls).toEqual([
      'pod:besu-rpc-0:crashloop',
      'pod:besu-validator-0:crashloop',
      'pod:besu-rpc-0:null',
      'broke:true',
      'broke:false',
      'broke:true',
    ]);
    expect(store.isOn('pod-crashloop', 'besu-validator-0')).toBe(true);
    expect(store.isOn('pod-crashloop', 'besu-rpc-0')).toBe(false);
  });

  it('maps a failing side effect to 409 and stores nothing', async () => {
    const host = {
      ...fakeHost(),
      setKubeApiFault: () => {
        throw new Error('no kube');
      },
    };
    const store = new FaultStore(host);
    const error = await store.set('kube-forbidden', { on: true }).catch((err: unknown) => err);

    expect((error as FaultRequestError).status).toBe(409);
    expect(store.all()).toEqual([]);
  });

  it('has unique kebab-case names and a description for every fault', () => {
    const names = FAULTS.map((f) => f.name);

    expect(new Set(names).size).toBe(names.length);
    for (const fault of FAULTS) {
      expect(fault.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(fault.description.length).toBeGreaterThan(10);
    }
  });

  it('documents every fault in docs/devnet.md', () => {
    const doc = readFileSync(new URL('../../docs/devnet.md', import.meta.url), 'utf8');

    for (const fault of FAULTS) expect(doc, fault.name).toContain(`\`${fault.name}\``);
  });
});
