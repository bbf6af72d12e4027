import { COMPONENTS, runbookAnchorOf, type AlertDefinition } from './alerts.js';
import type { CatalogueOptions } from './options.js';

/** One alerting rule as Prometheus reads it. */
export interface PrometheusAlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A rule group as Prometheus reads it. */
export interface PrometheusRuleGroup {
  name: string;
  rules: PrometheusAlertingRule[];
}

/** Formats seconds as a Prometheus duration (`90` -> `1m30s`, `3600` -> `1h`). */
export function formatDuration(seconds: number): string {
  if (seconds <= 0) return '0s';
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of [
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}

/** `for` after --for-scale: at least 1 s when the alert has a `for` at all. */
export function scaledForSeconds(forSeconds: number, forScale: number): number {
  if (forSeconds <= 0) return 0;
  return Math.max(1, Math.round(forSeconds * forScale));
}

/** The static labels every alert carries. */
export function alertLabels(
  alert: AlertDefinition,
  opts: CatalogueOptions,
): Record<string, string> {
  return {
    severity: alert.severity,
    priority: alert.priority,
    component: alert.component,
    network: opts.network,
  };
}

/** The annotation templates of an alert, links resolved with the options' base URLs. */
export function alertAnnotations(
  alert: AlertDefinition,
  opts: CatalogueOptions,
): Record<string, string> {
  return {
    summary: alert.summary,
    description: alert.description,
    runbook_url: `${opts.runbookBaseUrl}#${runbookAnchorOf(alert.name)}`,
    dashboard_url: `${opts.grafanaBaseUrl}/d/${alert.dashboard}`,
  };
}

/** Converts one definition into a Prometheus alerting rule. */
export function toAlertingRule(
  alert: AlertDefinition,
  opts: CatalogueOptions,
): PrometheusAlertingRule {
  const forSeconds = scaledForSeconds(alert.forSeconds, opts.forScale);
  return {
    alert: alert.name,
    expr: alert.expr,
    ...(forSeconds > 0 ? { for: formatDuration(forSeconds) } : {}),
    labels: alertLabels(alert, opts),
    annotations: alertAnnotations(alert, opts),
  };
}

/** Groups the alerts by component (`chainprobe.<component>`), skipping empty groups. */
export function buildRuleGroups(
  alerts: readonly AlertDefinition[],
  opts: CatalogueOptions,
): PrometheusRuleGroup[] {
  return COMPONENTS.map((component) => ({
    name: `chainprobe.${component}`,
    rules: alerts.filter((a) => a.component === component).map((a) => toAlertingRule(a, opts)),
  })).filter((g) => g.rules.length > 0);
}
