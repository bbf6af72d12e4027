import { describe, expect, it } from 'vitest';
import { benchDecode } from './bench-decode.js';

// Not a timing test: it only proves the benchmark runs and reports sane numbers.
describe('benchDecode', () => {
  it.each([
    { desc: 'one-validator', validators: 1, blocks: 2 },
    { desc: 'four-validators', validators: 4, blocks: 3 },
  ])('verifies every synthetic block and reports positive rates for $desc', async (c) => {
    const result = await benchDecode(c.validators, c.blocks);

    expect(result.blocksPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(result.blocksPerSecond)).toBe(true);
    expect(result.cpuSecondsPerBlock).toBeGreaterThanOrEqual(0);
  });
});
