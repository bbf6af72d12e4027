import { describe, expect, it } from 'vitest';
import type { TaskStatus } from '../engine/status-book.js';
import { PROBE_KINDS } from '../probes/registry.js';
import { placedKinds } from './links.js';
import { buildSnapshot, type Sample, type SnapshotInput } from './snapshot.js';

const V1 = '0x1111111111111111111111111111111111111111';
const V2 = '0x2222222222222222222222222222222222222222';

function task(over: Partial<TaskStatus>): TaskStatus {
  return {
    probe: 'rpc',
    kind: 'rpc',
    target: 'rpc-0',
    ok: true,
    errorClass: null,
    detail: null,
    lastRunAt: 1_000,
    since: 1_000,
    durationSeconds: 0.01,
    ...over,
  };
}

function input(
  over: Partial<SnapshotInput> & { metrics?: Record<string, Sample[]> },
): SnapshotInput {
  return {
    tasks: [],
    samples: new Map(Object.entries(over.metrics ?? {})),
    bases: { runbookUrl: '/docs/runbook.md' },
    location: 'eu',
    version: 't',
    ready: true,
    roles: new Map([['validator-1', 'validator']]),
    timings: new Map([['validators', { intervalMs: 5_000, timeoutMs: 4_000 }]]),
    now: 61_000,
    ...over,
  };
}

describe('runbook places', () => {
  it('exist for every registered probe kind', () => {
    const missing = PROBE_KINDS.map((k) => k.kind).filter((k) => !placedKinds().includes(k));
    expect(missing, 'add the kind to KIND_PLACES in src/status/links.ts').toEqual([]);
  });
});

describe('buildSnapshot', () => {
  it('links each failing task to the incident of its kind and the role of its target', () => {
    const s = buildSnapshot(
      input({
        tasks: [
          task({ ok: false, errorClass: 'timeout' }),
          task({ target: 'validator-1', ok: false, errorClass: 'connection_refused' }),
          task({
            kind: 'oracle',
            probe: 'oracle',
            target: 'ETH-USD',
            ok: false,
            errorClass: 'internal',
          }),
          task({ target: 'rpc-1' }),
          // A failed security run could not reach its endpoint: an endpoint problem.
          task({ kind: 'security', probe: 'security', target: 'validator-1', ok: false }),
          task({ kind: 'security', probe: 'security', target: 'rpc-1', ok: false }),
        ],
      }),
    );
    expect(s.tasks.map((t) => t.links?.runbook ?? null)).toEqual([
      '/docs/runbook.md#rpc-endpoint-issues',
      '/docs/runbook.md#validator-failure',
      '/docs/runbook.md#chainprobe-not-probing',
      null,
      '/docs/runbook.md#validator-failure',
      '/docs/runbook.md#rpc-endpoint-issues',
    ]);
    expect(s.tasks[0]?.forSeconds).toBe(60);
    expect(s.tasks[0]?.links?.dashboard).toBeUndefined();
    expect(s.summary).toEqual({ tasks: 6, failing: 5, problems: 5 });
  });

  it('adds dashboard links when grafanaUrl is set', () => {
    const s = buildSnapshot(
      input({
        tasks: [task({ ok: false, errorClass: 'timeout' })],
        bases: { runbookUrl: '/r', grafanaUrl: 'https://grafana.example/' },
      }),
    );
    expect(s.tasks[0]?.links?.dashboard).toBe('https://grafana.example/d/chainprobe-rpc');
    expect(s.dashboardUrl).toBe('https://grafana.example/d/chainprobe-overview');
  });

  it('reads validators, their participation and the set below quorum from metrics', () => {
    const s = buildSnapshot(
      input({
        metrics: {
          chainprobe_validators_set_size: [{ labels: {}, value: 4 }],
          chainprobe_validators_quorum: [{ labels: {}, value: 3 }],
          chainprobe_validators_live: [{ labels: {}, value: 2 }],
          chainprobe_validators_fault_margin: [{ labels: {}, value: -1 }],
          chainprobe_validators_halted: [{ labels: {}, value: 0 }],
          chainprobe_validators_seal_participation_ratio: [
            { labels: { validator: V2 }, value: 0.25 },
            { labels: { validator: V1 }, value: 1 },
          ],
          chainprobe_validators_validator_live: [
            { labels: { validator: V1 }, value: 1 },
            { labels: { validator: V2 }, value: 0 },
          ],
          chainprobe_validators_validator_info: [
            { labels: { validator: V2, name: 'val-2' }, value: 1 },
          ],
        },
      }),
    );
    expect(s.validators?.list.map((v) => [v.address, v.live, v.participation, v.name])).toEqual([
      [V1, true, 1, null],
      [V2, false, 0.25, 'val-2'],
    ]);
    expect(s.problems.map((p) => p.title)).toEqual([
      'validator set below quorum',
      'validator val-2 not live',
    ]);
  });

  it('reads feed states and breaker states from their state sets', () => {
    const s = buildSnapshot(
      input({
        metrics: {
          chainprobe_oracle_feed_state: [
            { labels: { feed: 'A', state: 'ok' }, value: 1 },
            { labels: { feed: 'A', state: 'stale' }, value: 0 },
            { labels: { feed: 'B', state: 'ok' }, value: 0 },
            { labels: { feed: 'B', state: 'stale' }, value: 1 },
          ],
          chainprobe_oracle_update_age_seconds: [{ labels: { feed: 'B' }, value: 90 }],
          chainprobe_breaker_state: [
            { labels: { source: 'p0', state: 'closed' }, value: 0 },
            { labels: { source: 'p0', state: 'open' }, value: 1 },
          ],
        },
      }),
    );
    expect(s.feeds?.map((f) => [f.feed, f.state, f.ageSeconds])).toEqual([
      ['A', 'ok', null],
      ['B', 'stale', 90],
    ]);
    expect(s.breakers?.[0]?.state).toBe('open');
    expect(s.problems.map((p) => p.links.runbook)).toEqual([
      '/docs/runbook.md#oracle-update-failures',
      '/docs/runbook.md#oracle-update-failures',
    ]);
  });

  it('skips sections whose metrics are absent', () => {
    const s = buildSnapshot(input({}));
    expect([s.validators, s.feeds, s.breakers]).toEqual([null, null, null]);
    expect(s.configReloadSuccessful).toBe(true);
  });

  it('reports a rejected reload', () => {
    const metrics = { chainprobe_config_last_reload_successful: [{ labels: {}, value: 0 }] };
    expect(buildSnapshot(input({ metrics })).configReloadSuccessful).toBe(false);
  });
});

describe('pod problems', () => {
  it('lists a crash-looping, not-ready pod even when the Kubernetes probe itself succeeds', () => {
    const pod = (name: string) => ({
      namespace: 'besu-network',
      component: 'validator',
      pod: name,
    });
    const s = buildSnapshot(
      input({
        tasks: [task({ probe: 'kubernetes', kind: 'kubernetes', target: 'besu-network' })],
        metrics: {
          chainprobe_kube_pod_ready: [
            { labels: pod('besu-validator-1'), value: 1 },
            { labels: pod('besu-validator-2'), value: 0 },
          ],
          chainprobe_kube_container_waiting: [
            {
              labels: { ...pod('besu-validator-2'), container: 'besu', reason: 'CrashLoopBackOff' },
              value: 1,
            },
            {
              labels: { ...pod('besu-validator-1'), container: 'besu', reason: 'CrashLoopBackOff' },
              value: 0,
            },
          ],
        },
      }),
    );
    expect(s.problems).toEqual([
      {
        section: 'pod',
        title: 'pod besu-validator-2: not ready',
        detail: 'waiting: CrashLoopBackOff',
        links: expect.objectContaining({
          runbook: expect.stringMatching(/#kubernetes-workload-issues$/),
        }),
      },
    ]);
  });
});

describe('validators staleness', () => {
  const metrics = {
    chainprobe_validators_set_size: [{ labels: {}, value: 4 }],
    chainprobe_validators_quorum: [{ labels: {}, value: 3 }],
    chainprobe_validators_live: [{ labels: {}, value: 3 }],
    chainprobe_validators_fault_margin: [{ labels: {}, value: 0 }],
    chainprobe_validators_validator_live: [
      { labels: { validator: V1 }, value: 1 },
      { labels: { validator: V2 }, value: 0 },
    ],
  };
  const validatorsTask = (over: Partial<TaskStatus>) =>
    task({ probe: 'validators', kind: 'validators', target: 'rpc-0', ...over });

  it('is current while the validators probe succeeds on time', () => {
    const s = buildSnapshot(input({ metrics, tasks: [validatorsTask({ lastRunAt: 60_000 })] }));
    expect(s.validators?.stale).toBeNull();
    expect(s.problems.map((p) => p.title)).toEqual([`validator ${V2} not live`]);
  });

  it('marks the section stale, since when and why, when the probe fails', () => {
    const failing = validatorsTask({
      ok: false,
      errorClass: 'connection_refused',
      lastRunAt: 60_000,
      since: 31_000,
    });
    const s = buildSnapshot(input({ metrics, tasks: [failing] }));
    expect(s.validators?.stale).toEqual({
      reason: 'failing',
      errorClass: 'connection_refused',
      probe: 'validators',
      target: 'rpc-0',
      since: '1970-01-01T00:00:31.000Z',
      forSeconds: 30,
    });
    // The failing task is a problem already; the verdicts say they are stale.
    expect(s.problems.map((p) => p.title)).toEqual([
      'validators / rpc-0: connection_refused',
      `validator ${V2} not live (stale)`,
    ]);
  });

  it('marks the section stale when the probe has not run for two intervals plus its timeout', () => {
    const s = buildSnapshot(input({ metrics, tasks: [validatorsTask({ lastRunAt: 46_999 })] }));
    expect(s.validators?.stale).toMatchObject({
      reason: 'not_running',
      errorClass: null,
      since: '1970-01-01T00:00:46.999Z',
    });
    expect(s.problems[0]).toEqual({
      section: 'validators',
      title: 'validators data stale: validators has not run since 1970-01-01T00:00:46.999Z',
      detail: null,
      links: { runbook: '/docs/runbook.md#chainprobe-not-probing' },
    });
  });
});

describe('oracle and breaker staleness', () => {
  const metrics = {
    chainprobe_oracle_feed_state: [{ labels: { feed: 'A', state: 'stale' }, value: 1 }],
    chainprobe_breaker_state: [{ labels: { source: 'p0', state: 'closed' }, value: 1 }],
  };
  const oracle = (over: Partial<TaskStatus>) =>
    task({ probe: 'oracle', kind: 'oracle', target: 'A', lastRunAt: 60_000, ...over });
  const breaker = (over: Partial<TaskStatus>) =>
    task({ probe: 'breaker', kind: 'breaker', target: 'p0', lastRunAt: 60_000, ...over });

  it.each([
    {
      desc: 'a-stale-feed-is-a-current-verdict',
      tasks: [oracle({ ok: false, errorClass: 'stale' }), breaker({})],
      want: { feeds: null, breakers: null },
    },
    {
      desc: 'an-unreadable-feed-is-stale-data',
      tasks: [oracle({ ok: false, errorClass: 'timeout', since: 40_000 }), breaker({})],
      want: { feeds: 'timeout', breakers: null },
    },
    {
      desc: 'an-unreadable-breaker-is-stale-data',
      tasks: [oracle({}), breaker({ ok: false, errorClass: 'http_5xx', since: 50_000 })],
      want: { feeds: null, breakers: 'http_5xx' },
    },
  ])('$desc', ({ tasks, want }) => {
    const s = buildSnapshot(input({ metrics, tasks }));
    expect(s.feedsStale?.errorClass ?? null).toBe(want.feeds);
    expect(s.breakersStale?.errorClass ?? null).toBe(want.breakers);
  });
});
