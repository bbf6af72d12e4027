import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';

describe('ConfigError.describe', () => {
  it.each([
    { desc: 'with-lines', lines: [3, 9], want: ['  - line 3: a (1) bad', '  - line 9: b missing'] },
    { desc: 'line-unknown', lines: [0, 9], want: ['  - a (1) bad', '  - line 9: b missing'] },
    { desc: 'no-lines', lines: undefined, want: ['  - a (1) bad', '  - b missing'] },
  ])('$desc', ({ lines, want }) => {
    const err = new ConfigError(['a (1) bad', 'b missing'], lines ? { lines } : undefined);
    expect(err.describe().split('\n')).toEqual(['invalid configuration (2 problems)', ...want]);
  });
});
