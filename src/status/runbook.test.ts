import { describe, expect, it } from 'vitest';
import { linkedAnchors } from './links.js';
import { readRunbook, renderMarkdown, slugOf } from './runbook.js';

describe('slugOf', () => {
  it.each([
    { desc: 'words', heading: 'Network Outage', want: 'network-outage' },
    { desc: 'code-and-case', heading: '`chainprobe` Not Probing', want: 'chainprobe-not-probing' },
    { desc: 'punctuation', heading: '1. Detection', want: '1-detection' },
    { desc: 'alert-name', heading: 'ChainHalted', want: 'chainhalted' },
  ])('$desc', ({ heading, want }) => {
    expect(slugOf(heading)).toBe(want);
  });
});

describe('renderMarkdown', () => {
  it('gives headings unique ids and escapes text and code', () => {
    const html = renderMarkdown(
      '<!-- note\nfor editors -->\n# A\n## A\ntext <b> `x<y`\n```\n<script>\n```\n- [l](javascript:x) [ok](#a)\n',
      't',
    );
    expect(html).not.toContain('editors');
    expect(html).toContain('<h1 id="a">A</h1>');
    expect(html).toContain('<h2 id="a-1">A</h2>');
    expect(html).toContain('text &lt;b&gt; <code>x&lt;y</code>');
    expect(html).toContain('<pre><code>&lt;script&gt;</code></pre>');
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('<a href="#a">ok</a>');
  });
});

describe('the shipped runbook', () => {
  it('has every section the status page links to', () => {
    const text = readRunbook();
    expect(text).toBeDefined();
    const html = renderMarkdown(text ?? '', 'runbook');
    for (const anchor of linkedAnchors()) expect(html).toContain(`id="${anchor}"`);
  });
});
