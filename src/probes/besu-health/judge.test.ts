import { describe, expect, it } from 'vitest';
import { judgeHealth } from './judge.js';

describe('judgeHealth', () => {
  it.each([
    { desc: 'up', status: 200, body: { status: 'UP' }, want: 'up' },
    { desc: 'down-503', status: 503, body: { status: 'DOWN' }, want: 'down' },
    {
      desc: 'pretty-printed-parsed',
      status: 200,
      body: JSON.parse('{\n  "status" : "UP"\n}'),
      want: 'up',
    },
    { desc: 'down-with-200', status: 200, body: { status: 'DOWN' }, want: 'unknown' },
    { desc: 'html', status: 200, body: '<html>', want: 'unknown' },
    {
      desc: 'host-not-authorized',
      status: 403,
      body: { message: 'Host not authorized.' },
      want: 'unknown',
    },
    { desc: 'empty', status: 201, body: null, want: 'unknown' },
  ])('$desc -> $want', ({ status, body, want }) => {
    expect(judgeHealth(status, body)).toBe(want);
  });
});
