import { describe, expect, it } from 'vitest';
import type { TaskStatus } from '../engine/status-book.js';
import { judgeSectionStale, judgeStale, type ProbeTiming } from './staleness.js';

const TIMING: ProbeTiming = { intervalMs: 10_000, timeoutMs: 5_000 };
const NOW = 100_000;

function task(over: Partial<TaskStatus> = {}): TaskStatus {
  return {
    probe: 'validators',
    kind: 'validators',
    target: 'rpc-0',
    ok: true,
    errorClass: null,
    detail: null,
    lastRunAt: NOW - 1_000,
    since: 0,
    durationSeconds: 0.2,
    ...over,
  };
}

describe('judgeStale', () => {
  it.each([
    { desc: 'ok-just-run', t: task(), timing: TIMING, want: null },
    { desc: 'ok-at-the-limit', t: task({ lastRunAt: NOW - 25_000 }), timing: TIMING, want: null },
    {
      desc: 'ok-past-the-limit',
      t: task({ lastRunAt: NOW - 25_001 }),
      timing: TIMING,
      want: { reason: 'not_running', errorClass: null, since: '1970-01-01T00:01:14.999Z' },
    },
    {
      desc: 'ok-without-timing',
      t: task({ lastRunAt: 0 }),
      timing: undefined,
      want: null,
    },
    {
      desc: 'failing-fresh',
      t: task({ ok: false, errorClass: 'timeout', since: NOW - 3_000 }),
      timing: TIMING,
      want: {
        reason: 'failing',
        errorClass: 'timeout',
        since: '1970-01-01T00:01:37.000Z',
        forSeconds: 3,
      },
    },
    {
      desc: 'failing-and-not-running-reports-the-failure',
      t: task({ ok: false, errorClass: 'connection_refused', lastRunAt: 0, since: 0 }),
      timing: TIMING,
      want: { reason: 'failing', errorClass: 'connection_refused', forSeconds: 100 },
    },
    {
      desc: 'verdict-on-fresh-data-is-not-stale',
      t: task({ ok: false, errorClass: 'stale', since: NOW - 3_000 }),
      timing: TIMING,
      want: null,
    },
    {
      desc: 'verdict-but-not-running-is-stale',
      t: task({ ok: false, errorClass: 'hash_mismatch', lastRunAt: NOW - 30_000 }),
      timing: TIMING,
      want: { reason: 'not_running', errorClass: null },
    },
    {
      desc: 'failing-without-class',
      t: task({ ok: false, errorClass: null }),
      timing: undefined,
      want: { reason: 'failing', errorClass: 'internal' },
    },
  ])('$desc', ({ t, timing, want }) => {
    const got = judgeStale(t, timing, NOW);
    if (want === null) expect(got).toBeNull();
    else expect(got).toMatchObject({ probe: 'validators', target: 'rpc-0', ...want });
  });
});

describe('judgeSectionStale', () => {
  const timings = new Map([
    ['validators', TIMING],
    ['validators-b', TIMING],
  ]);

  it.each([
    { desc: 'no-tasks', tasks: [], want: null },
    {
      desc: 'other-kinds-ignored',
      tasks: [task({ kind: 'rpc', probe: 'rpc', ok: false, errorClass: 'timeout' })],
      want: null,
    },
    { desc: 'all-current', tasks: [task(), task({ probe: 'validators-b' })], want: null },
    {
      desc: 'longest-stale-wins',
      tasks: [
        task({ ok: false, errorClass: 'timeout', since: NOW - 5_000 }),
        task({ probe: 'validators-b', ok: false, errorClass: 'http_5xx', since: NOW - 9_000 }),
      ],
      want: 'validators-b',
    },
  ])('$desc', ({ tasks, want }) => {
    expect(judgeSectionStale(tasks, 'validators', timings, NOW)?.probe ?? null).toBe(want);
  });
});
