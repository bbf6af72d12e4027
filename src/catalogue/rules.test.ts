import { describe, expect, it } from 'vitest';
import { buildAlerts } from './alerts.js';
import { DEFAULT_OPTIONS } from './options.js';
import { buildRuleGroups, formatDuration, scaledForSeconds, toAlertingRule } from './rules.js';

describe('formatDuration', () => {
  it.each([
    { desc: 'seconds', s: 30, want: '30s' },
    { desc: 'minutes', s: 600, want: '10m' },
    { desc: 'mixed', s: 90, want: '1m30s' },
    { desc: 'hours', s: 3900, want: '1h5m' },
    { desc: 'zero', s: 0, want: '0s' },
  ])('$desc', ({ s, want }) => {
    expect(formatDuration(s)).toBe(want);
  });
});

describe('scaledForSeconds', () => {
  it.each([
    { desc: 'unscaled', s: 600, scale: 1, want: 600 },
    { desc: 'test-scale', s: 600, scale: 0.05, want: 30 },
    { desc: 'never-below-one-second', s: 30, scale: 0.01, want: 1 },
    { desc: 'no-for-stays-none', s: 0, scale: 0.05, want: 0 },
  ])('$desc', ({ s, scale, want }) => {
    expect(scaledForSeconds(s, scale)).toBe(want);
  });
});

describe('toAlertingRule', () => {
  const alert = buildAlerts(DEFAULT_OPTIONS).find((a) => a.name === 'RpcEndpointDown');

  it('links the runbook subsection and the dashboard with the configured bases', () => {
    if (!alert) throw new Error('RpcEndpointDown missing');
    const opts = {
      ...DEFAULT_OPTIONS,
      runbookBaseUrl: 'https://git.example.org/ops/runbook.md',
      grafanaBaseUrl: 'https://grafana.example.org',
    };
    const rule = toAlertingRule(alert, opts);
    expect(rule.annotations.runbook_url).toBe(
      'https://git.example.org/ops/runbook.md#rpcendpointdown',
    );
    expect(rule.annotations.dashboard_url).toBe('https://grafana.example.org/d/chainprobe-rpc');
    expect(rule.labels).toEqual({
      severity: 'critical',
      priority: 'P1',
      component: 'rpc',
      network: 'chain138',
    });
    expect(rule.for).toBe('2m');
  });
});

describe('buildRuleGroups', () => {
  it('puts every alert in exactly one chainprobe.<component> group', () => {
    const alerts = buildAlerts(DEFAULT_OPTIONS);
    const groups = buildRuleGroups(alerts, DEFAULT_OPTIONS);
    expect(groups.flatMap((g) => g.rules.map((r) => r.alert)).sort()).toEqual(
      alerts.map((a) => a.name).sort(),
    );
    for (const g of groups) expect(g.name).toMatch(/^chainprobe\.[a-z]+$/);
  });
});
