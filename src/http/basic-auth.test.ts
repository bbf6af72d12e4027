import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { BasicAuthVerifier, parseBasicAuth } from './basic-auth.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('parseBasicAuth', () => {
  it.each([
    { desc: 'plain', header: `Basic ${b64('prom:pw')}`, want: { user: 'prom', password: 'pw' } },
    { desc: 'lowercase-scheme', header: `basic ${b64('a:b')}`, want: { user: 'a', password: 'b' } },
    {
      desc: 'colon-in-password',
      header: `Basic ${b64('a:b:c')}`,
      want: { user: 'a', password: 'b:c' },
    },
    { desc: 'empty-password', header: `Basic ${b64('a:')}`, want: { user: 'a', password: '' } },
    { desc: 'absent', header: undefined, want: undefined },
    { desc: 'bearer', header: 'Bearer abc', want: undefined },
    { desc: 'no-colon', header: `Basic ${b64('abc')}`, want: undefined },
    { desc: 'empty-user', header: `Basic ${b64(':pw')}`, want: undefined },
    { desc: 'not-base64', header: 'Basic ***', want: undefined },
  ])('$desc', ({ header, want }) => {
    expect(parseBasicAuth(header)).toEqual(want);
  });
});

describe('BasicAuthVerifier', () => {
  const users = new Map([['prom', bcrypt.hashSync('right', 4)]]);

  it('accepts the right password and refuses a wrong one, an unknown user and none', async () => {
    const v = new BasicAuthVerifier(users);
    expect(await v.verify({ user: 'prom', password: 'right' })).toBe(true);
    expect(await v.verify({ user: 'prom', password: 'right' })).toBe(true);
    expect(await v.verify({ user: 'prom', password: 'wrong' })).toBe(false);
    expect(await v.verify({ user: 'other', password: 'right' })).toBe(false);
    expect(await v.verify(undefined)).toBe(false);
  });

  it('forgets cached verdicts when the users change', async () => {
    const v = new BasicAuthVerifier(users);
    expect(await v.verify({ user: 'prom', password: 'right' })).toBe(true);
    v.setUsers(new Map([['prom', bcrypt.hashSync('new', 4)]]));
    expect(await v.verify({ user: 'prom', password: 'right' })).toBe(false);
    expect(await v.verify({ user: 'prom', password: 'new' })).toBe(true);
  });

  it('is off without users', () => {
    expect(new BasicAuthVerifier(new Map()).enabled).toBe(false);
    expect(new BasicAuthVerifier(users).enabled).toBe(true);
  });
});
