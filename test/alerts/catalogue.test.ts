import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildAlertCases, type AlertCase } from '../../src/catalogue/alert-cases.js';
import { INCIDENTS, buildAlerts, runbookAnchorOf } from '../../src/catalogue/alerts.js';
import { buildDashboards } from '../../src/catalogue/dashboards.js';
import { dashboardExpressions } from '../../src/catalogue/grafana.js';
import { DEFAULT_OPTIONS } from '../../src/catalogue/options.js';
import { buildRuleGroups } from '../../src/catalogue/rules.js';
import { templateLabels, usesValue } from '../../src/catalogue/template.js';
import { exportedSeries } from './metric-names.js';
import { analysePromql, substituteGrafanaVariables } from './promql.js';
import { markdownHeadings } from './runbook-anchors.js';

const ROOT = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8');

const alerts = buildAlerts(DEFAULT_OPTIONS);
const cases = buildAlertCases();
const series = exportedSeries();
const dashboards = buildDashboards(DEFAULT_OPTIONS);
const runbook = read('docs/runbook.md');
const headings = markdownHeadings(runbook);
const anchors = new Set(headings.map((h) => h.anchor));

/** Problems with one PromQL expression: syntax, unknown metrics, unknown matcher labels. */
function promqlProblems(expr: string): string[] {
  const { errors, selectors } = analysePromql(expr);
  const problems = errors.map((at) => `syntax error at offset ${at}`);
  for (const { metric, labels } of selectors) {
    const known = series.get(metric);
    if (!known) {
      problems.push(`unknown metric "${metric}"`);
      continue;
    }
    for (const l of labels) if (!known.has(l)) problems.push(`${metric} has no label "${l}"`);
  }
  if (selectors.length === 0) problems.push('selects no metric');
  return problems;
}

/** Output labels an alert's cases expect (the expression's `by` labels). */
function expectedOutputLabels(name: string): Set<string> {
  const out = new Set<string>();
  for (const c of cases.filter((x) => x.alert === name))
    for (const e of c.expect) for (const l of Object.keys(e.labels)) out.add(l);
  return out;
}

describe('the metric-name source of truth', () => {
  it('holds the core, transport and every kind metric, histograms expanded', () => {
    expect(series.has('chainprobe_probe_success')).toBe(true);
    expect(series.has('chainprobe_rpc_request_duration_seconds_bucket')).toBe(true);
    expect(series.has('chainprobe_rpc_request_duration_seconds')).toBe(false);
    expect(series.has('chainprobe_block_head_unchanged_seconds')).toBe(true);
    expect(series.get('chainprobe_rpc_errors_total')?.has('class')).toBe(true);
  });

  it('catches a misspelt metric, an unknown label and a syntax error', () => {
    expect(promqlProblems('chainprobe_probe_sucess == 0')).toEqual([
      'unknown metric "chainprobe_probe_sucess"',
    ]);
    expect(promqlProblems('chainprobe_probe_success{endpoint="x"} == 0')).toEqual([
      'chainprobe_probe_success has no label "endpoint"',
    ]);
    expect(promqlProblems('sum(chainprobe_ready')).toHaveLength(1);
  });
});

describe('the alert catalogue', () => {
  it('names every alert once, in CamelCase', () => {
    const names = alerts.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$/);
  });

  it.each(alerts.map((a) => [a.name, a] as const))('%s: severity matches its priority', (_n, a) => {
    const allowed = {
      P0: ['critical'],
      P1: ['critical'],
      P2: ['warning'],
      P3: ['warning', 'info'],
    };
    expect(allowed[a.priority]).toContain(a.severity);
  });

  it.each(alerts.map((a) => [a.name, a.expr] as const))(
    '%s: parses and uses only exported metrics and labels',
    (_n, expr) => {
      expect(promqlProblems(expr)).toEqual([]);
    },
  );

  it.each(alerts.map((a) => [a.name, a] as const))(
    '%s: has fires, healthy and edge cases with consistent expectations',
    (_n, a) => {
      const mine = cases.filter((c) => c.alert === a.name);
      const kinds = new Set(mine.map((c) => c.kind));
      expect([...kinds].sort()).toEqual(['edge', 'fires', 'healthy']);
      for (const c of mine) {
        expect(c.desc).toMatch(/^[a-z0-9.]+(-[a-z0-9.]+)*$/);
        expect(c.expect.length > 0).toBe(c.kind === 'fires');
      }
    },
  );

  it.each(alerts.map((a) => [a.name, a] as const))(
    '%s: templates read only output labels, and $value only when cases give it',
    (_n, a) => {
      const out = expectedOutputLabels(a.name);
      const text = `${a.summary} ${a.description}`;
      for (const l of templateLabels(text)) expect(out).toContain(l);
      const fired = cases.filter((c: AlertCase) => c.alert === a.name).flatMap((c) => c.expect);
      if (usesValue(text)) for (const e of fired) expect(e.value).toBeTypeOf('number');
    },
  );

  it('aggregates every chainprobe series so that two locations raise one alert', () => {
    // A `by` list without `location`, or `min`/`max`/`sum`/`absent` over everything, is what
    // keeps the alert count independent of how many chainprobe instances scrape the network.
    for (const a of alerts) {
      const out = expectedOutputLabels(a.name);
      const perLocation = a.component === 'chainprobe' || a.name.endsWith('FromLocation');
      expect({ alert: a.name, location: out.has('location') }).toEqual({
        alert: a.name,
        location: perLocation && out.has('location'),
      });
      expect(a.expr).not.toMatch(/\bwithout\s*\(/);
    }
  });
});

describe('runbook links', () => {
  it('keeps every heading of the operators runbook, in order', () => {
    const original = read('test/alerts/fixtures/incident-response.md');
    const theirs = markdownHeadings(original).map((h) => `${h.level} ${h.text}`);
    const ours = headings.map((h) => `${h.level} ${h.text}`);
    let at = 0;
    for (const h of theirs) {
      const found = ours.indexOf(h, at);
      expect(found, h).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
  });

  it('keeps every line of the operators runbook, in order (commands included)', () => {
    const original = read('test/alerts/fixtures/incident-response.md').replace(
      /^<!--[\s\S]*?-->\n/,
      '',
    );
    const ours = runbook.split('\n');
    let at = 0;
    for (const line of original.split('\n').filter((l) => l.trim() !== '')) {
      const found = ours.indexOf(line, at);
      expect(found, line).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
  });

  it.each(Object.entries(INCIDENTS))('incident section %s exists', (anchor, title) => {
    expect(headings.find((h) => h.anchor === anchor)?.text).toBe(title);
  });

  it.each(alerts.map((a) => [a.name, a] as const))(
    '%s: its runbook subsection exists under its incident, with the four parts',
    (_n, a) => {
      const idx = headings.findIndex((h) => h.anchor === runbookAnchorOf(a.name));
      expect(idx, `no heading for ${a.name}`).toBeGreaterThan(0);
      const parent = headings
        .slice(0, idx)
        .reverse()
        .find((h) => h.level === 3);
      expect(parent?.anchor).toBe(a.incident);
      const start = headings[idx]?.line ?? 0;
      const end = headings[idx + 1]?.line ?? Infinity;
      const body = runbook
        .split('\n')
        .slice(start, end - 1)
        .join('\n');
      for (const part of ['Meaning', 'Impact', 'Diagnosis', 'Mitigation'])
        expect(body).toContain(`**${part}**`);
    },
  );

  it('resolves every runbook_url and dashboard_url of the generated rules', () => {
    const uids = new Set(dashboards.keys());
    for (const g of buildRuleGroups(alerts, DEFAULT_OPTIONS)) {
      for (const r of g.rules) {
        const [base, anchor] = (r.annotations.runbook_url ?? '').split('#');
        expect(base).toBe(DEFAULT_OPTIONS.runbookBaseUrl);
        expect(anchors).toContain(anchor);
        const uid = (r.annotations.dashboard_url ?? '').split('/d/')[1] ?? '';
        expect(uids).toContain(uid);
      }
    }
  });
});

describe('dashboards', () => {
  const entries = [...dashboards.entries()];

  it('have stable uids and the datasource and location variables', () => {
    expect([...dashboards.keys()].sort()).toEqual([
      'chainprobe-kubernetes',
      'chainprobe-oracle',
      'chainprobe-overview',
      'chainprobe-rpc',
      'chainprobe-validators',
    ]);
    for (const [, d] of entries) {
      const vars = (d.templating as { list: Array<{ name: string }> }).list.map((v) => v.name);
      expect(vars.slice(0, 2)).toEqual(['datasource', 'location']);
    }
  });

  it.each(entries)('%s: every query parses and uses exported names', (_uid, d) => {
    for (const expr of dashboardExpressions(d))
      expect({ expr, problems: promqlProblems(substituteGrafanaVariables(expr)) }).toEqual({
        expr,
        problems: [],
      });
  });

  it.each(entries)('%s: panels sit on the 24-column grid without overlapping', (_uid, d) => {
    const boxes = (d.panels as Array<{ gridPos: Record<'x' | 'y' | 'w' | 'h', number> }>).map(
      (p) => p.gridPos,
    );
    for (const b of boxes) expect(b.x + b.w).toBeLessThanOrEqual(24);
    for (const [i, a] of boxes.entries())
      for (const b of boxes.slice(i + 1)) {
        const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
        expect(apart, JSON.stringify([a, b])).toBe(true);
      }
  });

  it.each(entries)('%s: panel ids are unique and links resolve', (_uid, d) => {
    const panels = d.panels as Array<{ id: number; links?: Array<{ url: string }> }>;
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const links = [...panels.flatMap((p) => p.links ?? []), ...(d.links as Array<{ url: string }>)];
    for (const { url } of links.filter((l) => l.url.startsWith(DEFAULT_OPTIONS.runbookBaseUrl))) {
      const anchor = url.split('#')[1];
      if (anchor !== undefined) expect(anchors).toContain(anchor);
    }
    for (const { url } of links.filter((l) => l.url.startsWith('/d/')))
      expect([...dashboards.keys()]).toContain(url.slice(3));
  });
});

describe('alerts/alertmanager.example.yml', () => {
  interface Inhibit {
    source_matchers: string[];
    target_matchers: string[];
    equal: string[];
  }
  const config = parse(read('alerts/alertmanager.example.yml')) as { inhibit_rules: Inhibit[] };
  const names = new Set(alerts.map((a) => a.name));
  const alertsOf = (matchers: string[]): string[] =>
    matchers.flatMap((m) => {
      const match = /^alertname=~?"(.+)"$/.exec(m);
      return match?.[1] ? match[1].split('|') : [];
    });

  it.each(config.inhibit_rules.map((r, i) => [i, r] as const))(
    'inhibit rule %i names existing alerts and equal labels both sides carry',
    (_i, rule) => {
      const sides = [alertsOf(rule.source_matchers), alertsOf(rule.target_matchers)];
      for (const side of sides) {
        expect(side.length).toBeGreaterThan(0);
        for (const n of side) expect(names, n).toContain(n);
      }
      for (const label of rule.equal) {
        for (const n of sides.flat()) {
          const has = label === 'network' || expectedOutputLabels(n).has(label);
          expect(has, `${n} lacks ${label}`).toBe(true);
        }
      }
    },
  );
});
