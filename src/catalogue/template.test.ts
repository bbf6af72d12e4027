import { describe, expect, it } from 'vitest';
import {
  TemplateError,
  expandTemplate,
  humanize,
  humanizeDuration,
  templateLabels,
} from './template.js';

describe('humanize', () => {
  it.each([
    { desc: 'zero', v: 0, want: '0' },
    { desc: 'integer', v: 40, want: '40' },
    { desc: 'four-significant-digits', v: 2.425, want: '2.425' },
    { desc: 'kilo', v: 1234, want: '1.234k' },
    { desc: 'mega', v: 3_500_000, want: '3.5M' },
    { desc: 'milli', v: 0.25, want: '250m' },
    { desc: 'micro', v: 0.0000015, want: '1.5u' },
  ])('$desc', ({ v, want }) => {
    expect(humanize(v)).toBe(want);
  });
});

describe('humanizeDuration', () => {
  it.each([
    { desc: 'zero', v: 0, want: '0s' },
    { desc: 'seconds', v: 4.875, want: '4.875s' },
    { desc: 'minutes-drop-fractions', v: 180.9, want: '3m 0s' },
    { desc: 'hours', v: 4000, want: '1h 6m 40s' },
    { desc: 'days', v: 90061, want: '1d 1h 1m 1s' },
    { desc: 'sub-second', v: 0.5, want: '500ms' },
  ])('$desc', ({ v, want }) => {
    expect(humanizeDuration(v)).toBe(want);
  });
});

describe('expandTemplate', () => {
  it('substitutes labels and formatted values', () => {
    const t = 'Endpoint {{ $labels.endpoint }} fails {{ $value | humanizePercentage }}';
    expect(expandTemplate(t, { endpoint: 'rpc-1' }, 0.1)).toBe('Endpoint rpc-1 fails 10%');
  });

  it('prints a bare value like Go does', () => {
    expect(expandTemplate('{{ $value }} blocks', {}, 40)).toBe('40 blocks');
  });

  it.each([
    { desc: 'missing-label', t: '{{ $labels.pod }}', code: 'unknown_label' },
    { desc: 'unsupported-function', t: '{{ $value | printf "%.2f" }}', code: 'unsupported' },
    { desc: 'value-without-value', t: '{{ $value }}', code: 'unsupported' },
  ])('rejects $desc', ({ t, code }) => {
    const run = () => expandTemplate(t, {}, t.includes('printf') ? 1 : undefined);
    expect(run).toThrow(TemplateError);
    try {
      run();
    } catch (err) {
      expect((err as TemplateError).code).toBe(code);
    }
  });

  it('lists the labels a template reads', () => {
    expect(templateLabels('{{ $labels.a }} and {{ $labels.b_c }}')).toEqual(['a', 'b_c']);
  });
});
