import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, parseGenerateArgs } from './options.js';

describe('parseGenerateArgs', () => {
  it('defaults to the committed options', () => {
    expect(parseGenerateArgs([])).toEqual({
      options: DEFAULT_OPTIONS,
      outDir: undefined,
      check: false,
      help: false,
    });
  });

  it('reads every option', () => {
    const args = parseGenerateArgs([
      '--runbook-base-url',
      'https://git.example.org/ops/runbook.md/',
      '--for-scale',
      '0.05',
      '--network',
      'devnet',
      '--out-dir',
      '/tmp/x',
      '--check',
    ]);
    expect(args.options.runbookBaseUrl).toBe('https://git.example.org/ops/runbook.md');
    expect(args.options.forScale).toBe(0.05);
    expect(args.options.network).toBe('devnet');
    expect(args.outDir).toBe('/tmp/x');
    expect(args.check).toBe(true);
  });

  it.each([
    {
      desc: 'relative-runbook-url',
      argv: ['--runbook-base-url', 'docs/runbook.md'],
      msg: /http\(s\) URL/,
    },
    {
      desc: 'runbook-url-with-fragment',
      argv: ['--runbook-base-url', 'https://a.example/r.md#x'],
      msg: /fragment/,
    },
    { desc: 'zero-for-scale', argv: ['--for-scale', '0'], msg: /--for-scale \(0\)/ },
    { desc: 'label-with-spaces', argv: ['--network', 'chain 138'], msg: /--network/ },
    { desc: 'unknown-option', argv: ['--frobnicate'], msg: /frobnicate/ },
  ])('rejects $desc', ({ argv, msg }) => {
    expect(() => parseGenerateArgs(argv)).toThrow(msg);
  });
});
