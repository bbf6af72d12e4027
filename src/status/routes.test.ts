import { describe, expect, it } from 'vitest';
import { refreshOverride } from './routes.js';

describe('refreshOverride', () => {
  it.each([
    { desc: 'off', value: '0', want: 0 },
    { desc: 'seconds', value: '10', want: 10 },
    { desc: 'capped-at-an-hour', value: '9999', want: 3600 },
    { desc: 'absent', value: undefined, want: undefined },
    { desc: 'negative', value: '-1', want: undefined },
    { desc: 'not-a-number', value: 'soon', want: undefined },
    { desc: 'repeated', value: ['1', '2'], want: undefined },
  ])('$desc', ({ value, want }) => {
    expect(refreshOverride(value)).toBe(want);
  });
});
