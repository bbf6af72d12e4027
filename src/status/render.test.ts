import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  formatAge,
  formatUtc,
  renderStaleNote,
  renderStatusPage,
  safeHref,
} from './render.js';
import { buildSnapshot, type Sample, type StatusSnapshot } from './snapshot.js';

describe('escapeHtml', () => {
  it.each([
    { desc: 'tags', text: '<script>x</script>', want: '&lt;script&gt;x&lt;/script&gt;' },
    { desc: 'ampersand-first', text: '&lt;', want: '&amp;lt;' },
    { desc: 'quotes', text: `"a" 'b'`, want: '&quot;a&quot; &#39;b&#39;' },
    { desc: 'plain', text: 'rpc-0', want: 'rpc-0' },
  ])('$desc', ({ text, want }) => {
    expect(escapeHtml(text)).toBe(want);
  });
});

describe('safeHref', () => {
  it.each([
    { desc: 'https', url: 'https://grafana.example/d/x', want: true },
    { desc: 'same-origin-path', url: '/docs/runbook.md#a', want: true },
    { desc: 'protocol-relative', url: '//evil.example/', want: false },
    { desc: 'javascript', url: 'javascript:alert(1)', want: false },
    { desc: 'data', url: 'data:text/html,x', want: false },
  ])('$desc', ({ url, want }) => {
    expect(safeHref(url) !== null).toBe(want);
  });
});

describe('formatAge', () => {
  it.each([
    { desc: 'seconds', s: 42, want: '42s' },
    { desc: 'minutes', s: 192, want: '3m 12s' },
    { desc: 'hours', s: 7500, want: '2h 5m' },
    { desc: 'days', s: 3 * 86_400 + 4 * 3600, want: '3d 4h' },
    { desc: 'negative', s: -5, want: '-5s' },
    { desc: 'null', s: null, want: '-' },
    { desc: 'infinite', s: Infinity, want: '-' },
  ])('$desc', ({ s, want }) => {
    expect(formatAge(s)).toBe(want);
  });
});

describe('renderStatusPage', () => {
  const hostile = '<img src=x onerror=alert(1)>';
  const samples = new Map<string, Sample[]>([
    ['chainprobe_oracle_feed_state', [{ labels: { feed: hostile, state: 'stale' }, value: 1 }]],
  ]);
  const snapshot = buildSnapshot({
    tasks: [
      {
        probe: 'rpc',
        kind: 'rpc',
        target: hostile,
        ok: false,
        errorClass: 'timeout',
        detail: `"><script>alert(1)</script>`,
        lastRunAt: 0,
        since: 0,
        durationSeconds: 0.1,
      },
    ],
    samples,
    bases: { runbookUrl: 'javascript:alert(1)', grafanaUrl: 'https://g.example' },
    location: `loc<b>`,
    version: 't',
    ready: true,
    roles: new Map(),
    timings: new Map(),
    now: 10_000,
  });
  const html = renderStatusPage(snapshot, 5);

  it('escapes targets, details, feeds and the location', () => {
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('loc<b>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('links no unsafe URL and refreshes itself', () => {
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('href="https://g.example/d/chainprobe-rpc"');
    expect(html).toContain('<meta http-equiv="refresh" content="5">');
  });

  it('counts problems in the title and the verdict', () => {
    expect(html).toContain('<title>(2) chainprobe');
    expect(html).toContain('2 problems');
  });
});

describe('stale validators section', () => {
  const validators: NonNullable<StatusSnapshot['validators']> = {
    setSize: 4,
    quorum: 3,
    live: 4,
    faultMargin: 1,
    halted: false,
    list: [
      {
        address: '0x1111111111111111111111111111111111111111',
        name: null,
        live: true,
        participation: 1,
        windowMissedSlots: 0,
        lastProposedAgeSeconds: 3,
      },
    ],
    stale: null,
  };
  const page = (v: typeof validators) =>
    renderStatusPage({ ...buildSnapshot(emptyInput()), validators: v }, 0);

  it.each([
    {
      desc: 'failing',
      reason: 'failing' as const,
      errorClass: 'connection_refused',
      want: 'has failed with <b>connection_refused</b> since <time',
    },
    {
      desc: 'not-running',
      reason: 'not_running' as const,
      errorClass: null,
      want: 'not run since',
    },
  ])('says why and since when: $desc', ({ reason, errorClass, want }) => {
    const stale = {
      reason,
      errorClass,
      probe: 'validators',
      target: 'rpc-<0>',
      since: '2026-12-04T19:30:01.250Z',
      forSeconds: 125,
    };
    const html = page({ ...validators, stale });
    expect(html).toContain('<section class="stale" id="validators"><h2>Validators (stale)</h2>');
    expect(html).toContain(want);
    expect(html).toContain('2026-12-04 19:30:01 UTC</time> (2m 5s ago)');
    expect(html).toContain('rpc-&lt;0&gt;');
  });

  it('shows no stale mark on current data', () => {
    const html = page(validators);
    expect(html).toContain('<section id="validators"><h2>Validators</h2>');
    expect(html).not.toContain('stale-note"');
  });

  it('marks the feeds and breakers sections the same way', () => {
    const stale = {
      reason: 'failing' as const,
      errorClass: 'timeout',
      probe: 'oracle',
      target: 'eth-usd',
      since: '2026-12-04T19:30:01.250Z',
      forSeconds: 5,
    };
    const html = renderStatusPage(
      {
        ...buildSnapshot(emptyInput()),
        feeds: [{ feed: 'eth-usd', state: 'ok', answer: 1, ageSeconds: 2, heartbeatSeconds: 60 }],
        feedsStale: stale,
        breakers: [{ source: 'p0', state: 'closed', openSeconds: null }],
        breakersStale: null,
      },
      0,
    );
    expect(html).toContain(
      '<section class="stale" id="feeds"><h2>Oracle feeds (stale)</h2><p class="stale-note">',
    );
    expect(html).toContain('<section id="breakers"><h2>Circuit breakers</h2>');
  });

  it.each([
    { desc: 'millis', iso: '2026-12-04T19:30:01.250Z', want: '2026-12-04 19:30:01 UTC' },
    { desc: 'whole-seconds', iso: '2026-12-04T19:30:01Z', want: '2026-12-04 19:30:01 UTC' },
  ])('formatUtc $desc', ({ iso, want }) => {
    expect(formatUtc(iso)).toBe(want);
  });

  it('renders the note alone too', () => {
    const note = renderStaleNote({
      reason: 'not_running',
      errorClass: null,
      probe: 'v',
      target: 't',
      since: '1970-01-01T00:00:00.000Z',
      forSeconds: 5,
    });
    expect(note).toMatch(/^<p class="stale-note"><b>Stale<\/b>: probe v on t has not run since/);
  });
});

function emptyInput() {
  return {
    tasks: [],
    samples: new Map<string, Sample[]>(),
    bases: { runbookUrl: '/r' },
    location: 'l',
    version: 't',
    ready: true,
    roles: new Map<string, string>(),
    timings: new Map(),
    now: 0,
  };
}
