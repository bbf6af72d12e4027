import { AbiCoder } from 'ethers';
import { describe, expect, it } from 'vitest';
import { decodeBoolState, decodeJsonState, decodePromState, encodeBoolCall } from './decode.js';
import { NAMED_STATES, PAUSED_STATES, mapBreakerValue, type StateMap } from './state-map.js';

const CASED: StateMap = { Open: 'half-open', open: 'open' };

const NUMERIC: StateMap = { '0': 'closed', '1': 'open', '2': 'half-open' };

describe('mapBreakerValue', () => {
  it.each([
    { desc: 'closed', value: 'closed', map: NAMED_STATES, want: 'closed' },
    { desc: 'upper-case', value: 'OPEN', map: NAMED_STATES, want: 'open' },
    { desc: 'half-open-underscore', value: 'HALF_OPEN', map: NAMED_STATES, want: 'half-open' },
    { desc: 'half-open-dash', value: 'half-open', map: NAMED_STATES, want: 'half-open' },
    { desc: 'padded', value: ' open ', map: NAMED_STATES, want: 'open' },
    { desc: 'number', value: 2, map: NUMERIC, want: 'half-open' },
    { desc: 'number-as-text', value: '1', map: NUMERIC, want: 'open' },
    { desc: 'bool-true', value: true, map: PAUSED_STATES, want: 'open' },
    { desc: 'bool-false', value: false, map: PAUSED_STATES, want: 'closed' },
    { desc: 'exact-beats-case-insensitive', value: 'Open', map: CASED, want: 'half-open' },
    { desc: 'unknown-name', value: 'tripped', map: NAMED_STATES, want: undefined },
    { desc: 'unmapped-number', value: 3, map: NUMERIC, want: undefined },
    { desc: 'nan', value: Number.NaN, map: NUMERIC, want: undefined },
    { desc: 'null', value: null, map: NAMED_STATES, want: undefined },
    { desc: 'object', value: { state: 'open' }, map: NAMED_STATES, want: undefined },
    { desc: 'prototype-key', value: 'constructor', map: NAMED_STATES, want: undefined },
    { desc: 'empty-string', value: '', map: NAMED_STATES, want: undefined },
  ])('$desc', ({ value, map, want }) => {
    expect(mapBreakerValue(value, map)).toBe(want);
  });
});

describe('decodeJsonState', () => {
  const body = JSON.stringify({ breaker: { state: 'half-open', open: true } });
  it.each([
    { desc: 'named-state', pointer: '/breaker/state', map: NAMED_STATES, want: 'half-open' },
    { desc: 'bool-flag', pointer: '/breaker/open', map: PAUSED_STATES, want: 'open' },
  ])('$desc', ({ pointer, map, want }) => {
    expect(decodeJsonState(body, pointer, map)).toBe(want);
  });

  it.each([
    { desc: 'not-json', text: '<html>', pointer: '/a', code: 'invalid_json' },
    { desc: 'pointer-misses', text: body, pointer: '/breaker/mode', code: 'bad_response' },
    { desc: 'unmappable', text: '{"s":"tripped"}', pointer: '/s', code: 'unmapped_state' },
    { desc: 'object-value', text: body, pointer: '/breaker', code: 'unmapped_state' },
  ])('fails $desc as $code', ({ text, pointer, code }) => {
    expect(() => decodeJsonState(text, pointer, NAMED_STATES)).toThrowError(
      expect.objectContaining({ code }),
    );
  });
});

describe('decodePromState', () => {
  const stateSet = (open: string) =>
    ['closed', 'open', 'half-open']
      .map((s) => `cb_state{name="feed",state="${s}"} ${s === open ? 1 : 0}`)
      .join('\n');
  it.each([
    {
      desc: 'state-set-open',
      text: stateSet('open'),
      sel: { metric: 'cb_state', stateLabel: 'state' },
      want: 'open',
    },
    {
      desc: 'state-set-closed',
      text: stateSet('closed'),
      sel: { metric: 'cb_state', stateLabel: 'state' },
      want: 'closed',
    },
    {
      desc: 'value-mode',
      text: 'cb{r="a"} 1\ncb{r="b"} 0',
      sel: { metric: 'cb', labels: { r: 'b' } },
      want: 'closed',
    },
  ])('$desc', ({ text, sel, want }) => {
    expect(decodePromState(text, sel, { ...NAMED_STATES, ...NUMERIC })).toBe(want);
  });

  it.each([
    { desc: 'metric-missing', text: 'x 1', sel: { metric: 'cb' }, code: 'bad_response' },
    {
      desc: 'ambiguous-series',
      text: 'cb{r="a"} 1\ncb{r="b"} 0',
      sel: { metric: 'cb' },
      code: 'bad_response',
    },
    {
      desc: 'no-state-at-one',
      text: stateSet('none'),
      sel: { metric: 'cb_state', stateLabel: 'state' },
      code: 'unmapped_state',
    },
    {
      desc: 'two-states-at-one',
      text: 'cb{state="open"} 1\ncb{state="closed"} 1',
      sel: { metric: 'cb', stateLabel: 'state' },
      code: 'unmapped_state',
    },
    {
      desc: 'state-label-missing',
      text: 'cb{s="open"} 1',
      sel: { metric: 'cb', stateLabel: 'state' },
      code: 'unmapped_state',
    },
    { desc: 'unmapped-value', text: 'cb 7', sel: { metric: 'cb' }, code: 'unmapped_state' },
    { desc: 'malformed-text', text: 'cb{', sel: { metric: 'cb' }, code: 'bad_response' },
  ])('fails $desc as $code', ({ text, sel, code }) => {
    expect(() => decodePromState(text, sel, NUMERIC)).toThrowError(
      expect.objectContaining({ code }),
    );
  });
});

describe('decodeBoolState', () => {
  const word = (v: boolean) => AbiCoder.defaultAbiCoder().encode(['bool'], [v]);
  it.each([
    { desc: 'paused', data: word(true), want: 'open' },
    { desc: 'running', data: word(false), want: 'closed' },
  ])('$desc', ({ data, want }) => {
    expect(decodeBoolState(data, 'paused', PAUSED_STATES)).toBe(want);
  });

  it.each([
    { desc: 'no-code', data: '0x', code: 'bad_response' },
    { desc: 'not-a-bool-word', data: `0x${'00'.repeat(31)}02`, code: 'bad_response' },
    { desc: 'short', data: '0x01', code: 'bad_response' },
  ])('fails $desc as $code', ({ data, code }) => {
    expect(() => decodeBoolState(data, 'paused', PAUSED_STATES)).toThrowError(
      expect.objectContaining({ code }),
    );
  });

  it('encodes paused() by its selector', () => {
    expect(encodeBoolCall('paused')).toBe('0x5c975abb');
  });
});
