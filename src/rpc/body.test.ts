import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCappedBody } from './body.js';

const errors = {
  tooLarge: (max: number) => new Error(`larger than ${max}`),
  notUtf8: () => new Error('not utf-8'),
};

// Feeds `steps` to a stream on later turns, as a socket would.
function bodyOf(steps: Array<string | Buffer | Error | 'end' | 'destroy'>): PassThrough {
  const body = new PassThrough();
  setImmediate(() => {
    for (const step of steps) {
      if (step === 'end') body.end();
      else if (step === 'destroy') body.destroy();
      else if (step instanceof Error) body.destroy(step);
      else body.write(step);
    }
  });
  return body;
}

describe('readCappedBody', () => {
  it.each([
    { desc: 'two-chunks', steps: ['{"a":', '1}', 'end'] as const, want: '{"a":1}' },
    { desc: 'empty', steps: ['end'] as const, want: '' },
    { desc: 'exactly-the-cap', steps: ['x'.repeat(8), 'end'] as const, want: 'x'.repeat(8) },
    {
      desc: 'utf-8-split-across-chunks',
      steps: [Buffer.from([0xc3]), Buffer.from([0xa9]), 'end'] as const,
      want: 'é',
    },
  ])('reads $desc', async ({ steps, want }) => {
    await expect(readCappedBody(bodyOf([...steps]), 8, errors)).resolves.toBe(want);
  });

  it.each([
    {
      desc: 'over-the-cap',
      steps: ['x'.repeat(5), 'x'.repeat(5), 'end'] as const,
      want: /larger than 8/,
    },
    {
      desc: 'invalid-utf-8',
      steps: [Buffer.from([0xff, 0xfe]), 'end'] as const,
      want: /not utf-8/,
    },
    { desc: 'reset-mid-body', steps: ['x', new Error('socket hang up')] as const, want: /hang up/ },
    { desc: 'destroyed-without-reason', steps: ['x', 'destroy'] as const, want: /closed early/ },
  ])('rejects $desc', async ({ steps, want }) => {
    await expect(readCappedBody(bodyOf([...steps]), 8, errors)).rejects.toThrow(want);
  });

  it('destroys a body as soon as it passes the cap', async () => {
    const body = bodyOf(['x'.repeat(9)]);
    await expect(readCappedBody(body, 8, errors)).rejects.toThrow(/larger/);
    expect(body.destroyed).toBe(true);
  });
});
