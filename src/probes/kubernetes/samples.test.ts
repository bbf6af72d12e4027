import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { PodFacts } from './decode.js';
import { defineKubeMetrics } from './metrics.js';
import { podSamples, stateSet } from './samples.js';
import { SeriesSet } from './series-set.js';

const pod = (name: string, over: Partial<PodFacts> = {}): PodFacts => ({
  name,
  component: 'validator',
  phase: 'Running',
  ready: true,
  restarts: 0,
  reason: null,
  node: 'node-a',
  validator: null,
  containers: [{ name: 'besu', ready: true, restarts: 0, waiting: null, lastTerminated: null }],
  ...over,
});

describe('stateSet', () => {
  it.each([
    { desc: 'one-state-set', current: 'b', want: [0, 1, 0] },
    { desc: 'none-set', current: null, want: [0, 0, 0] },
  ])('gives one series per state: $desc', ({ current, want }) => {
    const s = stateSet('podPhase', { pod: 'p' }, 'phase', ['a', 'b', 'c'], current);
    expect(s.map((x) => x.value)).toEqual(want);
    expect(s.map((x) => x.labels.phase)).toEqual(['a', 'b', 'c']);
  });
});

describe('podSamples', () => {
  it('counts pods per configured component, 0 for a component with none', () => {
    const s = podSamples('ns', ['validator', 'rpc'], [pod('v0'), pod('v1')]);
    const counts = s.filter((x) => x.metric === 'pods').map((x) => [x.labels.component, x.value]);
    expect(counts).toEqual([
      ['validator', 2],
      ['rpc', 0],
    ]);
  });

  it('adds the validator join only for pods with an address', () => {
    const s = podSamples('ns', ['validator'], [pod('v0', { validator: '0xab' }), pod('v1')]);
    expect(s.filter((x) => x.metric === 'podValidator').map((x) => x.labels)).toEqual([
      { namespace: 'ns', pod: 'v0', validator: '0xab' },
    ]);
  });
});

describe('SeriesSet', () => {
  it('removes series of a group that are no longer sampled, and only those', async () => {
    const registry = new Registry();
    const metrics = defineKubeMetrics(registry);
    const set = new SeriesSet(metrics);
    set.replace('pods', podSamples('ns', ['validator'], [pod('v0'), pod('v1', { node: 'n1' })]));
    set.replace('statefulsets', [
      { metric: 'stsDesired', labels: { namespace: 'ns', statefulset: 's' }, value: 2 },
    ]);

    set.replace('pods', podSamples('ns', ['validator'], [pod('v1', { node: 'n2' })]));
    const text = await registry.metrics();
    expect(text).not.toContain('pod="v0"');
    expect(text).not.toContain('node="n1"');
    expect(text).toContain('node="n2"');
    expect(text).toContain(
      'chainprobe_kube_statefulset_replicas_desired{namespace="ns",statefulset="s"} 2',
    );

    set.clear();
    expect(await registry.metrics()).not.toMatch(/^chainprobe_kube_\w+\{/m);
  });
});
