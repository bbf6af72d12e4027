/** A markdown heading with its level and GitHub anchor. */
export interface Heading {
  level: number;
  text: string;
  anchor: string;
  line: number;
}

/** GitHub's anchor slug of a heading text (before de-duplication). */
export function githubSlug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Headings of a markdown document (outside code fences) with GitHub-style unique anchors. */
export function markdownHeadings(markdown: string): Heading[] {
  const seen = new Map<string, number>();
  const out: Heading[] = [];
  let fenced = false;
  markdown.split('\n').forEach((raw, i) => {
    if (/^\s*(```|~~~)/.test(raw)) fenced = !fenced;
    const m = fenced ? null : /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(raw);
    if (!m?.[1] || !m[2]) return;
    const slug = githubSlug(m[2].replace(/`/g, ''));
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.push({
      level: m[1].length,
      text: m[2],
      anchor: n === 0 ? slug : `${slug}-${n}`,
      line: i + 1,
    });
  });
  return out;
}
