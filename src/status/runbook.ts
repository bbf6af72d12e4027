import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { escapeHtml, safeHref } from './render.js';

// src/status/ under tsx, dist/src/status/ when built: docs/ is two or three levels up.
const CANDIDATES = ['../../docs/runbook.md', '../../../docs/runbook.md'].map((p) =>
  fileURLToPath(new URL(p, import.meta.url)),
);

/** Path of the runbook shipped with chainprobe (docs/runbook.md), or undefined if missing. */
export function findRunbook(): string | undefined {
  return CANDIDATES.find((p) => existsSync(p));
}

/** Reads the shipped runbook; undefined when it is not installed. */
export function readRunbook(): string | undefined {
  const path = findRunbook();
  return path === undefined ? undefined : readFileSync(path, 'utf8');
}

/** GitHub's anchor slug of a heading text (before de-duplication). */
export function slugOf(heading: string): string {
  return heading
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/**
 * Renders markdown as simple HTML whose headings carry GitHub's anchors, so links to
 * `/docs/runbook.md#<anchor>` land on their section in a browser. Handles headings, fenced
 * code, lists, paragraphs and inline code, bold and links; everything is escaped.
 */
export function renderMarkdown(markdown: string, title: string): string {
  // Limitation: tables and nested lists are shown as plain paragraphs of text.
  const doc = new MarkdownBlocks();
  // HTML comments are notes for editors, not for readers.
  for (const line of markdown.replace(/<!--[\s\S]*?-->\n?/g, '').split('\n')) doc.add(line);
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title><style>${RUNBOOK_CSS}</style></head><body>`,
    ...doc.finish(),
    '</body></html>',
  ].join('\n');
}

// Block structure of a markdown document, fed line by line.
class MarkdownBlocks {
  private readonly out: string[] = [];
  private readonly seen = new Map<string, number>();
  private fence: string[] | null = null;
  private list: string[] = [];
  private para: string[] = [];

  add(line: string): void {
    if (/^\s*(```|~~~)/.test(line)) return this.toggleFence();
    if (this.fence) return void this.fence.push(line);
    const h = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    const li = /^\s*(?:[-*+]|\d+\.)\s+(.*)$/.exec(line);
    if (h?.[1] && h[2]) return this.heading(h[1].length, h[2]);
    if (li?.[1] !== undefined) {
      if (this.para.length) this.flush();
      return void this.list.push(li[1]);
    }
    if (line.trim() === '') return this.flush();
    if (this.list.length) this.flush();
    this.para.push(line);
  }

  finish(): string[] {
    this.flush();
    if (this.fence) this.toggleFence();
    return this.out;
  }

  private toggleFence(): void {
    if (this.fence) {
      this.out.push(`<pre><code>${escapeHtml(this.fence.join('\n'))}</code></pre>`);
      this.fence = null;
      return;
    }
    this.flush();
    this.fence = [];
  }

  private heading(level: number, text: string): void {
    this.flush();
    const slug = slugOf(text);
    const n = this.seen.get(slug) ?? 0;
    this.seen.set(slug, n + 1);
    const id = n === 0 ? slug : `${slug}-${n}`;
    this.out.push(`<h${level} id="${escapeHtml(id)}">${inline(text)}</h${level}>`);
  }

  private flush(): void {
    if (this.para.length) this.out.push(`<p>${this.para.map(inline).join('<br>\n')}</p>`);
    if (this.list.length) {
      this.out.push(`<ul>${this.list.map((l) => `<li>${inline(l)}</li>`).join('\n')}</ul>`);
    }
    this.para = [];
    this.list = [];
  }
}

function inline(text: string): string {
  // Split out code spans first so their content is never treated as markup.
  return text
    .split(/(`[^`]*`)/)
    .map((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length >= 2) {
        return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
      }
      return escapeHtml(part)
        .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>')
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, label: string, url: string) => {
          // The URL is already escaped; check the scheme on its unescaped form.
          const raw = url.replace(/&amp;/g, '&');
          return safeHref(raw) || raw.startsWith('#') ? `<a href="${url}">${label}</a>` : whole;
        });
    })
    .join('');
}

const RUNBOOK_CSS = `body{font:15px/1.5 system-ui,sans-serif;max-width:900px;margin:0 auto;padding:12px}
pre{background:rgba(127,127,127,.12);padding:8px;overflow-x:auto}code{font-size:.9em}
h1,h2,h3,h4{scroll-margin-top:8px}:target{background:rgba(255,200,0,.25)}`;
