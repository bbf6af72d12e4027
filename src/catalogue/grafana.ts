/**
 * A small builder for Grafana dashboard JSON (schema 39): panels are described by what they
 * show; ids, grid positions, the datasource and the template variables are filled in here.
 */

/** Grafana's reference to the dashboard's `datasource` variable. */
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

/** Label matcher every chainprobe selector in a panel carries. */
export const LOC = 'location=~"$location"';

/** A link shown in a panel's header menu. */
export interface PanelLink {
  title: string;
  url: string;
}

/** One query of a panel. */
export interface PanelQuery {
  expr: string;
  legend?: string;
  /** Instant query (stat and table panels). */
  instant?: boolean;
}

/** Colour steps: the value at which each colour starts (the first is the base). */
export type Steps = Array<[string, number | null]>;

/** What a panel shows; the builder turns it into Grafana JSON. */
export interface PanelSpec {
  type: 'stat' | 'timeseries' | 'table';
  title: string;
  description: string;
  queries: PanelQuery[];
  unit?: string;
  /** Width in grid columns (24 per row), default 6 for stat, 12 otherwise. */
  width?: number;
  height?: number;
  steps?: Steps;
  /** Value mappings for stat panels, e.g. 1 -> UP. */
  mappings?: Record<string, string>;
  links?: PanelLink[];
  min?: number;
  max?: number;
}

/** A titled row of panels. */
export interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

/** A template variable beyond `datasource` and `location`: label values of a metric. */
export interface LabelVariable {
  name: string;
  label: string;
  metric: string;
  labelName: string;
}

/** What a dashboard shows. */
export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  rows: RowSpec[];
  variables?: LabelVariable[];
  links: PanelLink[];
}

/** Green below the first threshold, then amber, then red. */
export function trafficLight(amber: number, red: number): Steps {
  return [
    ['green', null],
    ['orange', amber],
    ['red', red],
  ];
}

/** Red below `ok`, green from it (availability, readiness). */
export function redBelow(ok: number): Steps {
  return [
    ['red', null],
    ['green', ok],
  ];
}

function fieldConfig(p: PanelSpec): Record<string, unknown> {
  const defaults: Record<string, unknown> = {
    unit: p.unit ?? 'short',
    thresholds: {
      mode: 'absolute',
      steps: (p.steps ?? [['green', null]]).map(([color, value]) => ({ color, value })),
    },
    mappings: p.mappings
      ? [
          {
            type: 'value',
            options: Object.fromEntries(
              Object.entries(p.mappings).map(([v, text], i) => [v, { text, index: i }]),
            ),
          },
        ]
      : [],
  };
  if (p.min !== undefined) defaults.min = p.min;
  if (p.max !== undefined) defaults.max = p.max;
  if (p.type === 'timeseries')
    defaults.custom = { drawStyle: 'line', lineWidth: 1, fillOpacity: 10, showPoints: 'never' };
  return { defaults, overrides: [] };
}

function panelOptions(p: PanelSpec): Record<string, unknown> {
  switch (p.type) {
    case 'stat':
      return {
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        colorMode: 'background',
        graphMode: 'none',
        textMode: 'auto',
        justifyMode: 'auto',
        orientation: 'auto',
      };
    case 'timeseries':
      return {
        legend: {
          displayMode: 'table',
          placement: 'bottom',
          showLegend: true,
          calcs: ['lastNotNull', 'max'],
        },
        tooltip: { mode: 'multi', sort: 'desc' },
      };
    case 'table':
      return { showHeader: true, cellHeight: 'sm' };
  }
}

function targets(p: PanelSpec): Array<Record<string, unknown>> {
  return p.queries.map((q, i) => ({
    refId: String.fromCharCode(65 + i),
    datasource: DATASOURCE,
    expr: q.expr,
    legendFormat: q.legend ?? '__auto',
    range: !(q.instant ?? p.type !== 'timeseries'),
    instant: q.instant ?? p.type !== 'timeseries',
    ...(p.type === 'table' ? { format: 'table' } : {}),
  }));
}

function panelJson(p: PanelSpec, id: number, gridPos: Record<string, number>) {
  return {
    id,
    type: p.type,
    title: p.title,
    description: p.description,
    datasource: DATASOURCE,
    gridPos,
    targets: targets(p),
    fieldConfig: fieldConfig(p),
    options: panelOptions(p),
    links: (p.links ?? []).map((l) => ({ title: l.title, url: l.url, targetBlank: true })),
    ...(p.type === 'table'
      ? { transformations: [{ id: 'organize', options: { excludeByName: { Time: true } } }] }
      : {}),
  };
}

/** Lays rows out on the 24-column grid, numbering panels from 1. */
export function layoutPanels(rows: readonly RowSpec[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    out.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      panels: [],
      gridPos: { h: 1, w: 24, x: 0, y },
    });
    y += 1;
    let x = 0;
    let rowHeight = 0;
    for (const p of row.panels) {
      const w = p.width ?? (p.type === 'stat' ? 6 : 12);
      const h = p.height ?? (p.type === 'stat' ? 4 : 8);
      if (x + w > 24) {
        y += rowHeight;
        x = 0;
        rowHeight = 0;
      }
      out.push(panelJson(p, id++, { h, w, x, y }));
      x += w;
      rowHeight = Math.max(rowHeight, h);
    }
    y += rowHeight;
  }
  return out;
}

function queryVariable(name: string, label: string, query: string, hide = 0) {
  return {
    name,
    label,
    type: 'query',
    datasource: DATASOURCE,
    definition: query,
    query: { query, refId: `${name}-query` },
    refresh: 2,
    sort: 1,
    multi: true,
    includeAll: true,
    allValue: '.*',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    hide,
    options: [],
    regex: '',
  };
}

/** The template variables: datasource, location and the dashboard's own. */
export function templateVariables(spec: DashboardSpec): Array<Record<string, unknown>> {
  return [
    {
      name: 'datasource',
      label: 'Data source',
      type: 'datasource',
      query: 'prometheus',
      current: {},
      hide: 0,
      refresh: 1,
      regex: '',
      options: [],
    },
    queryVariable('location', 'Location', 'label_values(chainprobe_build_info, location)'),
    ...(spec.variables ?? []).map((v) =>
      queryVariable(v.name, v.label, `label_values(${v.metric}{${LOC}}, ${v.labelName})`),
    ),
  ];
}

/** The complete dashboard JSON model. */
export function buildDashboard(spec: DashboardSpec): Record<string, unknown> {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['chainprobe', 'besu', 'qbft'],
    timezone: 'utc',
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    fiscalYearStartMonth: 0,
    liveNow: false,
    weekStart: '',
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    links: [
      ...spec.links.map((l) => ({
        title: l.title,
        url: l.url,
        type: 'link',
        targetBlank: true,
        icon: 'doc',
        tags: [],
        asDropdown: false,
        includeVars: false,
        keepTime: false,
        tooltip: '',
      })),
      {
        title: 'chainprobe',
        type: 'dashboards',
        tags: ['chainprobe'],
        asDropdown: true,
        includeVars: true,
        keepTime: true,
        targetBlank: false,
        icon: 'external link',
        url: '',
        tooltip: '',
      },
    ],
    templating: { list: templateVariables(spec) },
    panels: layoutPanels(spec.rows),
  };
}

/** Every PromQL expression of a dashboard: panel queries and variable queries. */
export function dashboardExpressions(dashboard: Record<string, unknown>): string[] {
  const exprs: string[] = [];
  for (const p of dashboard.panels as Array<{ targets?: Array<{ expr: string }> }>)
    for (const t of p.targets ?? []) exprs.push(t.expr);
  const vars = (dashboard.templating as { list: Array<{ definition?: string }> }).list;
  for (const v of vars) {
    const m = v.definition ? /^label_values\((.*),\s*\w+\)$/.exec(v.definition) : null;
    if (m?.[1]) exprs.push(m[1]);
  }
  return exprs;
}
