import { describe, expect, it } from 'vitest';
import { isJsonPointer, resolvePointer } from './json-pointer.js';

// The example document of RFC 6901 section 5, plus nesting like the devnet publisher's /status.
const DOC = {
  foo: ['bar', 'baz'],
  '': 0,
  'a/b': 1,
  'c%d': 2,
  'e^f': 3,
  'g|h': 4,
  'i\\j': 5,
  'k"l': 6,
  ' ': 7,
  'm~n': 8,
  breaker: { state: 'open', nested: [{ v: null }] },
};

describe('resolvePointer', () => {
  it.each([
    { desc: 'whole-document', pointer: '', value: DOC },
    { desc: 'array', pointer: '/foo', value: ['bar', 'baz'] },
    { desc: 'array-index', pointer: '/foo/0', value: 'bar' },
    { desc: 'empty-key', pointer: '/', value: 0 },
    { desc: 'escaped-slash', pointer: '/a~1b', value: 1 },
    { desc: 'percent-is-literal', pointer: '/c%d', value: 2 },
    { desc: 'caret', pointer: '/e^f', value: 3 },
    { desc: 'pipe', pointer: '/g|h', value: 4 },
    { desc: 'backslash', pointer: '/i\\j', value: 5 },
    { desc: 'quote', pointer: '/k"l', value: 6 },
    { desc: 'space', pointer: '/ ', value: 7 },
    { desc: 'escaped-tilde', pointer: '/m~0n', value: 8 },
    { desc: 'nested-object', pointer: '/breaker/state', value: 'open' },
    { desc: 'null-is-found', pointer: '/breaker/nested/0/v', value: null },
  ])('$desc', ({ pointer, value }) => {
    expect(resolvePointer(DOC, pointer)).toEqual({ found: true, value });
  });

  it.each([
    { desc: 'missing-key', pointer: '/nope' },
    { desc: 'index-out-of-range', pointer: '/foo/2' },
    { desc: 'leading-zero-index', pointer: '/foo/01' },
    { desc: 'dash-index', pointer: '/foo/-' },
    { desc: 'negative-index', pointer: '/foo/-1' },
    { desc: 'into-a-string', pointer: '/breaker/state/0' },
    { desc: 'into-null', pointer: '/breaker/nested/0/v/x' },
    { desc: 'no-leading-slash', pointer: 'breaker/state' },
    { desc: 'bad-escape', pointer: '/m~2n' },
    { desc: 'inherited-property', pointer: '/breaker/toString' },
  ])('finds nothing: $desc', ({ pointer }) => {
    expect(resolvePointer(DOC, pointer)).toEqual({ found: false });
  });

  it('does not unescape ~01 into a slash', () => {
    expect(resolvePointer({ '~1': 'tilde-one' }, '/~01')).toEqual({
      found: true,
      value: 'tilde-one',
    });
  });
});

describe('isJsonPointer', () => {
  it.each([
    { desc: 'empty', pointer: '', ok: true },
    { desc: 'root-slash', pointer: '/', ok: true },
    { desc: 'path', pointer: '/breaker/state', ok: true },
    { desc: 'escapes', pointer: '/a~0~1b', ok: true },
    { desc: 'relative', pointer: 'a/b', ok: false },
    { desc: 'fragment-form', pointer: '#/a', ok: false },
    { desc: 'dangling-tilde', pointer: '/a~', ok: false },
    { desc: 'tilde-two', pointer: '/a~2', ok: false },
  ])('$desc', ({ pointer, ok }) => {
    expect(isJsonPointer(pointer)).toBe(ok);
  });
});
