import { describe, expect, it } from 'vitest';
import { matchesSelector, parseSelector, SelectorError } from './selector.js';

const validator = { component: 'validator', 'app.kubernetes.io/name': 'besu' };
const publisher = { app: 'oracle-publisher' };

describe('label selectors', () => {
  it.each([
    { desc: 'empty-matches-all', sel: '', labels: publisher, want: true },
    { desc: 'equality', sel: 'component=validator', labels: validator, want: true },
    { desc: 'double-equals', sel: 'component==validator', labels: validator, want: true },
    { desc: 'equality-miss', sel: 'component=rpc', labels: validator, want: false },
    { desc: 'inequality-absent-key', sel: 'component!=rpc', labels: publisher, want: true },
    { desc: 'prefixed-key', sel: 'app.kubernetes.io/name=besu', labels: validator, want: true },
    { desc: 'set-in', sel: 'component in (rpc, validator)', labels: validator, want: true },
    { desc: 'set-notin', sel: 'component notin (validator)', labels: validator, want: false },
    { desc: 'exists', sel: 'app', labels: publisher, want: true },
    { desc: 'not-exists', sel: '!app', labels: validator, want: true },
    {
      desc: 'and-of-two',
      sel: 'component in (validator,rpc),app.kubernetes.io/name=besu',
      labels: validator,
      want: true,
    },
    { desc: 'and-one-fails', sel: 'component=validator,app=x', labels: validator, want: false },
  ])('$desc', ({ sel, labels, want }) => {
    expect(matchesSelector(parseSelector(sel), labels)).toBe(want);
  });

  it.each([
    { desc: 'bad-key', sel: 'comp onent=x' },
    { desc: 'bad-value', sel: 'component=a b' },
    { desc: 'long-value', sel: `component=${'a'.repeat(64)}` },
  ])('rejects $desc', ({ sel }) => {
    expect(() => parseSelector(sel)).toThrow(SelectorError);
  });
});
