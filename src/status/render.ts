import type {
  BreakerView,
  FeedView,
  Problem,
  StatusSnapshot,
  TaskView,
  ValidatorsView,
} from './snapshot.js';
import type { ProblemLinks } from './links.js';
import type { StaleView } from './staleness.js';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A link only for http(s) URLs and same-origin paths; anything else (javascript:) as text. */
export function safeHref(url: string): string | null {
  return /^(https?:\/\/|\/(?!\/))/i.test(url) ? url : null;
}

/** Seconds as a short age: `42s`, `3m 12s`, `2h 5m`, `3d 4h`; `-` for null. */
export function formatAge(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '-';
  const neg = seconds < 0 ? '-' : '';
  let s = Math.round(Math.abs(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  s %= 60;
  if (d > 0) return `${neg}${d}d ${h}h`;
  if (h > 0) return `${neg}${h}h ${m}m`;
  if (m > 0) return `${neg}${m}m ${s}s`;
  return `${neg}${s}s`;
}

const e = escapeHtml;

function link(url: string | null | undefined, text: string): string {
  const href = url ? safeHref(url) : null;
  return href ? `<a href="${e(href)}">${e(text)}</a>` : e(text);
}

/** The status page: one self-contained HTML document that refreshes itself (0: never). */
export function renderStatusPage(s: StatusSnapshot, refreshSeconds: number): string {
  const refresh = Math.round(refreshSeconds);
  const failing = s.summary.problems > 0;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    refresh > 0 ? `<meta http-equiv="refresh" content="${refresh}">` : '',
    `<title>${failing ? `(${s.summary.problems}) ` : ''}chainprobe · ${e(s.location)}</title>`,
    `<style>${CSS}</style></head><body>`,
    renderHeader(s),
    renderProblems(s.problems),
    renderTasks(s.tasks),
    s.validators ? renderValidators(s.validators) : '',
    s.feeds ? markStale(renderFeeds(s.feeds), s.feedsStale) : '',
    s.breakers ? markStale(renderBreakers(s.breakers), s.breakersStale) : '',
    renderFooter(s, refreshSeconds),
    '</body></html>',
  ].join('\n');
}

function renderHeader(s: StatusSnapshot): string {
  const state = s.summary.problems === 0 ? 'ok' : 'bad';
  const text =
    s.summary.problems === 0
      ? 'all healthy'
      : `${s.summary.problems} problem${s.summary.problems === 1 ? '' : 's'}`;
  const nav = [
    link(s.runbookUrl, 'Runbook'),
    s.dashboardUrl ? link(s.dashboardUrl, 'Grafana') : '',
    link('/metrics', 'Metrics'),
    link('/api/status', 'JSON'),
  ].filter(Boolean);
  return [
    '<header>',
    `<h1>chainprobe <span class="loc">${e(s.location)}</span></h1>`,
    `<p class="verdict ${state}">${e(text)}</p>`,
    `<p class="meta">${s.summary.tasks} tasks, ${s.summary.failing} failing · ` +
      `${s.ready ? 'ready' : 'first cycle running'} · config ` +
      `${s.configReloadSuccessful ? 'loaded' : '<b class="bad">reload rejected</b>'}</p>`,
    `<nav>${nav.join(' · ')}</nav>`,
    '</header>',
  ].join('\n');
}

function renderLinks(links: ProblemLinks): string {
  const parts = [link(links.runbook, 'runbook')];
  if (links.dashboard) parts.push(link(links.dashboard, 'dashboard'));
  return `<span class="links">${parts.join(' ')}</span>`;
}

function renderProblems(problems: readonly Problem[]): string {
  if (problems.length === 0) return '';
  const items = problems.map(
    (p) =>
      `<li><b>${e(p.title)}</b>${p.detail ? ` <span class="detail">${e(p.detail)}</span>` : ''} ` +
      `${renderLinks(p.links)}</li>`,
  );
  return `<section id="problems"><h2>Problems</h2><ul>\n${items.join('\n')}\n</ul></section>`;
}

/** A table cell: HTML, optionally with a class (`opt`: hidden on phones). */
type Cell = string | { html: string; cls: string };

// Tables other than the probes name their cells on phones (`labelled`): bare numbers say little.
function table(id: string, title: string, head: string[], rows: Cell[][], classes: string[]) {
  const th = head.map((h) => `<th>${e(h)}</th>`).join('');
  const td = (c: Cell, j: number) => {
    const [html, cls] = typeof c === 'string' ? [c, ''] : [c.html, c.cls];
    return `<td data-label="${e(head[j] ?? '')}"${cls ? ` class="${cls}"` : ''}>${html}</td>`;
  };
  const body = rows.map(
    (cells, i) => `<tr class="${classes[i] ?? ''}">${cells.map(td).join('')}</tr>`,
  );
  const cls = id === 'probes' ? '' : ' class="labelled"';
  return (
    `<section id="${id}"><h2>${e(title)}</h2><table${cls}><thead><tr>${th}</tr></thead>` +
    `<tbody>\n${body.join('\n')}\n</tbody></table></section>`
  );
}

function badge(ok: boolean | null, okText: string, badText: string): string {
  if (ok === null) return '<span class="badge unknown">unknown</span>';
  return `<span class="badge ${ok ? 'ok' : 'bad'}">${e(ok ? okText : badText)}</span>`;
}

function renderTasks(tasks: readonly TaskView[]): string {
  if (tasks.length === 0) return '<section id="probes"><h2>Probes</h2><p>No run yet.</p></section>';
  const rows = tasks.map((t): Cell[] => [
    e(t.probe),
    { html: e(t.kind), cls: 'opt' },
    e(t.target),
    badge(t.state === 'ok', 'ok', 'failing'),
    t.errorClass ? e(t.errorClass) : { html: '-', cls: 'opt' },
    { html: `<span title="${e(t.since)}">${e(formatAge(t.forSeconds))}</span>`, cls: 'age' },
    t.detail ? { html: `<span class="detail">${e(t.detail)}</span>`, cls: 'detail-cell' } : '',
  ]);
  const head = ['Probe', 'Kind', 'Target', 'State', 'Error class', 'For', 'Last result'];
  return table(
    'probes',
    'Probes',
    head,
    rows,
    tasks.map((t) => (t.state === 'ok' ? '' : 'bad')),
  );
}

function renderValidators(v: ValidatorsView): string {
  const n = (x: number | null) => (x === null ? '?' : String(x));
  const summary =
    `<p class="meta">${n(v.live)} live of ${n(v.setSize)} · quorum ${n(v.quorum)} · ` +
    `margin ${n(v.faultMargin)}${v.halted ? ' · <b class="bad">halted</b>' : ''}</p>`;
  const rows = v.list.map((x) => [
    e(x.name ?? '') + (x.name ? '<br>' : '') + `<code>${e(x.address)}</code>`,
    badge(x.live, 'live', 'not live'),
    x.participation === null ? '-' : `${Math.round(x.participation * 100)}%`,
    x.windowMissedSlots === null ? '-' : e(String(x.windowMissedSlots)),
    e(formatAge(x.lastProposedAgeSeconds)),
  ]);
  const head = ['Validator', 'State', 'Participation', 'Missed slots', 'Last proposal'];
  const html = table(
    'validators',
    'Validators',
    head,
    rows,
    v.list.map((x) => (x.live === false ? 'bad' : '')),
  );
  return markStale(html.replace('</h2>', `</h2>${summary}`), v.stale);
}

// A section whose data is not current says so in its heading, with a banner and dimmed rows.
function markStale(html: string, stale: StaleView | null): string {
  if (stale === null) return html;
  return html
    .replace('<section ', '<section class="stale" ')
    .replace('</h2>', ` (stale)</h2>${renderStaleNote(stale)}`);
}

/** ISO 8601 as `2026-12-04 19:30:01 UTC`. */
export function formatUtc(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

/** The banner of a stale section: which probe, since when, why; the verdicts are older. */
export function renderStaleNote(stale: StaleView): string {
  const when =
    `<time datetime="${e(stale.since)}">${e(formatUtc(stale.since))}</time> ` +
    `(${e(formatAge(stale.forSeconds))} ago)`;
  const who = `probe ${e(stale.probe)} on ${e(stale.target)}`;
  const why =
    stale.reason === 'failing'
      ? `${who} has failed with <b>${e(stale.errorClass ?? 'internal')}</b> since ${when}`
      : `${who} has not run since ${when}`;
  return `<p class="stale-note"><b>Stale</b>: ${why}; the verdicts below are older.</p>`;
}

function renderFeeds(feeds: readonly FeedView[]): string {
  const rows = feeds.map((f) => [
    e(f.feed),
    badge(f.state === null ? null : f.state === 'ok', 'ok', f.state ?? ''),
    f.answer === null ? '-' : e(String(f.answer)),
    e(formatAge(f.ageSeconds)),
    e(formatAge(f.heartbeatSeconds)),
  ]);
  const head = ['Feed', 'State', 'Answer', 'Age', 'Heartbeat'];
  return table(
    'feeds',
    'Oracle feeds',
    head,
    rows,
    feeds.map((f) => (f.state === 'ok' ? '' : 'bad')),
  );
}

function renderBreakers(breakers: readonly BreakerView[]): string {
  const rows = breakers.map((b) => [
    e(b.source),
    badge(b.state === null ? null : b.state === 'closed', 'closed', b.state ?? ''),
    e(formatAge(b.openSeconds)),
  ]);
  const head = ['Source', 'State', 'Open for'];
  return table(
    'breakers',
    'Circuit breakers',
    head,
    rows,
    breakers.map((b) => (b.state === 'closed' ? '' : 'bad')),
  );
}

function renderFooter(s: StatusSnapshot, refreshSeconds: number): string {
  const refresh = link('/', 'refresh');
  return (
    `<footer>chainprobe ${e(s.version)} · generated ${e(s.generatedAt)} · ` +
    `${refreshSeconds > 0 ? `refreshes every ${Math.round(refreshSeconds)} s` : refresh} · ` +
    `${link('/healthz', 'healthz')} · ` +
    `${link('/readyz', 'readyz')}</footer>`
  );
}

const CSS = `
:root{color-scheme:light dark;--ok:#1a7f37;--bad:#cf222e;--warn:#bf8700;--muted:#6e7781;--line:#d0d7de}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
padding:12px;max-width:1100px}
h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.15em;margin:1.2em 0 .4em}
.loc{color:var(--muted);font-weight:normal}
.verdict{font-size:1.2em;font-weight:600;margin:.2em 0}.ok{color:var(--ok)}.bad{color:var(--bad)}
.meta,footer,.detail{color:var(--muted)}footer{margin-top:2em;font-size:.85em}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;
border-bottom:1px solid var(--line);vertical-align:top}
tr.bad td{background:rgba(207,34,46,.08)}
.badge{display:inline-block;padding:0 6px;border-radius:8px;font-size:.85em;color:#fff;
background:var(--muted)}.badge.ok{background:var(--ok)}.badge.bad{background:var(--bad)}
.stale-note{border-left:4px solid var(--warn);padding:2px 8px;margin:.3em 0}
section.stale table{opacity:.6}
#problems ul{padding-left:1.2em}#problems li{margin:.3em 0}.links a{margin-left:.4em}
code{font-size:.85em;word-break:break-all}td .detail{word-break:break-word}
@media (max-width:640px){body{padding:8px}thead{display:none}table,tbody{display:block}
tr{display:block;border-bottom:1px solid var(--line);padding:4px 0}
td{display:inline;border:0;padding:0 6px 0 0}td:empty,td.opt{display:none}
td.detail-cell{display:block;font-size:.9em}
table.labelled td:not(:first-child)::before{content:attr(data-label) ": ";color:var(--muted)}
table.labelled td{display:inline-block;white-space:nowrap;margin-right:6px}table.labelled td:first-child{display:block}td.age::before{content:'for ';color:var(--muted)}tr.bad td{background:none}tr.bad{background:rgba(207,34,46,.08)}}
`.trim();
