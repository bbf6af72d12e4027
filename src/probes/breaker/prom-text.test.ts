import { describe, expect, it } from 'vitest';
import { PromTextError, parsePromText, selectSamples } from './prom-text.js';

describe('parsePromText', () => {
  it.each([
    { desc: 'bare-sample', text: 'up 1', want: [{ name: 'up', labels: {}, value: 1 }] },
    {
      desc: 'labels-and-timestamp',
      text: 'm{a="x",b="y"} 2.5 1700000000000',
      want: [{ name: 'm', labels: { a: 'x', b: 'y' }, value: 2.5 }],
    },
    {
      desc: 'escapes-in-label-values',
      text: 'm{a="q\\"uo\\\\te\\nnl"} 1',
      want: [{ name: 'm', labels: { a: 'q"uo\\te\nnl' }, value: 1 }],
    },
    {
      desc: 'comma-brace-and-hash-inside-value',
      text: 'm{a="x,}#y"} 0',
      want: [{ name: 'm', labels: { a: 'x,}#y' }, value: 0 }],
    },
    {
      desc: 'trailing-comma',
      text: 'm{a="x",} 3',
      want: [{ name: 'm', labels: { a: 'x' }, value: 3 }],
    },
    { desc: 'empty-braces', text: 'm{} 3', want: [{ name: 'm', labels: {}, value: 3 }] },
    {
      desc: 'spaces-around',
      text: '  m { a = "x" }   4  ',
      want: [{ name: 'm', labels: { a: 'x' }, value: 4 }],
    },
    {
      desc: 'colon-in-name',
      text: 'job:rate:5m 7',
      want: [{ name: 'job:rate:5m', labels: {}, value: 7 }],
    },
    { desc: 'exponent', text: 'm 1.5e3', want: [{ name: 'm', labels: {}, value: 1500 }] },
    { desc: 'plus-inf', text: 'm +Inf', want: [{ name: 'm', labels: {}, value: Infinity }] },
    { desc: 'minus-inf', text: 'm -Inf', want: [{ name: 'm', labels: {}, value: -Infinity }] },
    { desc: 'negative', text: 'm -2', want: [{ name: 'm', labels: {}, value: -2 }] },
    {
      desc: 'openmetrics-exemplar',
      text: 'm_total{a="b"} 5 # {trace_id="x"} 1',
      want: [{ name: 'm_total', labels: { a: 'b' }, value: 5 }],
    },
    {
      desc: 'comments-blank-lines-crlf-eof',
      text: '# HELP m h\r\n# TYPE m gauge\r\n\r\nm 1\r\n# EOF\n',
      want: [{ name: 'm', labels: {}, value: 1 }],
    },
  ])('$desc', ({ text, want }) => {
    expect(parsePromText(text)).toEqual(want);
  });

  it('parses NaN', () => {
    expect(parsePromText('m NaN')[0]?.value).toBeNaN();
  });

  it.each([
    { desc: 'no-value', text: 'm' },
    { desc: 'name-runs-into-value', text: 'm1' },
    { desc: 'unquoted-label', text: 'm{a=x} 1' },
    { desc: 'unterminated-labels', text: 'm{a="x" 1' },
    { desc: 'unterminated-quote', text: 'm{a="x} 1' },
    { desc: 'bad-escape', text: 'm{a="\\t"} 1' },
    { desc: 'missing-comma', text: 'm{a="x" b="y"} 1' },
    { desc: 'word-value', text: 'm one' },
    { desc: 'too-many-fields', text: 'm 1 2 3' },
    { desc: 'bad-name', text: '9m 1' },
  ])('rejects $desc with its line number', ({ text }) => {
    expect(() => parsePromText(`# ok\n${text}`)).toThrowError(new PromTextError(2));
  });
});

describe('selectSamples', () => {
  const text = [
    'oracle_publisher_circuit_breaker_state{state="closed"} 0',
    'oracle_publisher_circuit_breaker_state{state="open"} 1',
    'other{state="open"} 1',
  ].join('\n');
  it('keeps the named metric with every matcher', () => {
    const all = parsePromText(text);
    expect(selectSamples(all, 'oracle_publisher_circuit_breaker_state')).toHaveLength(2);
    expect(selectSamples(all, 'oracle_publisher_circuit_breaker_state', { state: 'open' })).toEqual(
      [{ name: 'oracle_publisher_circuit_breaker_state', labels: { state: 'open' }, value: 1 }],
    );
    expect(selectSamples(all, 'missing')).toEqual([]);
  });
});
