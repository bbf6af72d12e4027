import { describe, expect, it } from 'vitest';
import { judgeBreaker, type BreakerMemory, type BreakerVerdict } from './judge.js';
import type { BreakerState } from './state-map.js';

/** Feeds readings (one a second; undefined: unreadable); returns the verdict and transitions. */
function run(readings: Array<BreakerState | undefined>) {
  let memory: BreakerMemory | undefined;
  const transitions: string[] = [];
  let last: BreakerVerdict | undefined;
  readings.forEach((r, i) => {
    const v = judgeBreaker(memory, r, i * 1000);
    memory = v.memory;
    if (v.transition) transitions.push(`${v.transition.from}>${v.transition.to}`);
    last = v;
  });
  if (!last) throw new Error('no readings');
  return { verdict: last, transitions };
}

describe('judgeBreaker', () => {
  it.each([
    {
      desc: 'first-reading-is-no-transition',
      readings: ['open'],
      state: 'open',
      transitions: [],
      open: 0,
    },
    {
      desc: 'closed-stays-closed',
      readings: ['closed', 'closed'],
      state: 'closed',
      transitions: [],
      open: 0,
    },
    {
      desc: 'opens',
      readings: ['closed', 'open', 'open'],
      state: 'open',
      transitions: ['closed>open'],
      open: 1,
    },
    {
      desc: 'half-open-keeps-the-episode',
      readings: ['closed', 'open', 'half-open', 'open'],
      state: 'open',
      transitions: ['closed>open', 'open>half-open', 'half-open>open'],
      open: 2,
    },
    {
      desc: 'closing-resets',
      readings: ['open', 'closed'],
      state: 'closed',
      transitions: ['open>closed'],
      open: 0,
    },
    {
      desc: 'unreadable-is-unknown-not-closed',
      readings: ['closed', undefined],
      state: 'unknown',
      transitions: [],
      open: 0,
    },
    {
      desc: 'unreadable-keeps-open-clock',
      readings: ['closed', 'open', undefined, undefined],
      state: 'unknown',
      transitions: ['closed>open'],
      open: 2,
    },
    {
      desc: 'transition-across-unreadable-gap',
      readings: ['closed', undefined, 'open'],
      state: 'open',
      transitions: ['closed>open'],
      open: 0,
    },
    {
      desc: 'never-readable',
      readings: [undefined, undefined],
      state: 'unknown',
      transitions: [],
      open: 0,
    },
  ] satisfies Array<{
    desc: string;
    readings: Array<BreakerState | undefined>;
    state: string;
    transitions: string[];
    open: number;
  }>)('$desc', ({ readings, state, transitions, open }) => {
    const got = run(readings);
    expect(got.verdict.state).toBe(state);
    expect(got.transitions).toEqual(transitions);
    expect(got.verdict.openSeconds).toBe(open);
  });
});
