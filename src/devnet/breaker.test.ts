import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerState } from './breaker.js';

type Step = 'ok' | 'fail' | `wait:${number}` | 'force' | 'release';

function run(steps: Step[]): BreakerState {
  let now = 0;
  const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000, now: () => now });
  for (const step of steps) {
    if (step === 'ok') breaker.recordSuccess();
    else if (step === 'fail') breaker.recordFailure();
    else if (step === 'force') breaker.force(true);
    else if (step === 'release') breaker.force(false);
    else now += Number(step.slice(5));
  }
  return breaker.state();
}

describe('CircuitBreaker', () => {
  it.each([
    { desc: 'starts-closed', steps: [], state: 'closed' },
    { desc: 'stays-closed-below-threshold', steps: ['fail', 'fail'], state: 'closed' },
    { desc: 'opens-at-threshold', steps: ['fail', 'fail', 'fail'], state: 'open' },
    {
      desc: 'success-resets-count',
      steps: ['fail', 'fail', 'ok', 'fail', 'fail'],
      state: 'closed',
    },
    {
      desc: 'half-opens-after-cooldown',
      steps: ['fail', 'fail', 'fail', 'wait:1000'],
      state: 'half-open',
    },
    {
      desc: 'still-open-before-cooldown',
      steps: ['fail', 'fail', 'fail', 'wait:999'],
      state: 'open',
    },
    {
      desc: 'half-open-success-closes',
      steps: ['fail', 'fail', 'fail', 'wait:1000', 'ok'],
      state: 'closed',
    },
    {
      desc: 'half-open-failure-reopens',
      steps: ['fail', 'fail', 'fail', 'wait:1000', 'fail'],
      state: 'open',
    },
    { desc: 'forced-open-ignores-success', steps: ['force', 'ok', 'wait:5000'], state: 'open' },
    { desc: 'release-closes', steps: ['force', 'release'], state: 'closed' },
  ] satisfies Array<{ desc: string; steps: Step[]; state: BreakerState }>)(
    '$desc',
    ({ steps, state }) => {
      expect(run(steps)).toBe(state);
    },
  );
});
