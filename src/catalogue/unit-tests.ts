import type { AlertCase } from './alert-cases.js';
import type { AlertDefinition } from './alerts.js';
import type { CatalogueOptions } from './options.js';
import { alertAnnotations, alertLabels } from './rules.js';
import { expandTemplate } from './template.js';

/** One promtool `tests:` entry. */
interface PromtoolTestGroup {
  name: string;
  interval: string;
  input_series: Array<{ series: string; values: string }>;
  alert_rule_test: Array<{
    eval_time: string;
    alertname: string;
    exp_alerts: Array<{
      exp_labels: Record<string, string>;
      exp_annotations: Record<string, string>;
    }>;
  }>;
}

/** The promtool unit-test document (`promtool test rules <file>`). */
export interface PromtoolTestFile {
  rule_files: string[];
  evaluation_interval: string;
  tests: PromtoolTestGroup[];
}

/** The annotations Prometheus must render for `alert` with these output labels and value. */
export function expectedAnnotations(
  alert: AlertDefinition,
  opts: CatalogueOptions,
  labels: Record<string, string>,
  value: number | undefined,
): Record<string, string> {
  const templates = alertAnnotations(alert, opts);
  return Object.fromEntries(
    Object.entries(templates).map(([k, t]) => [k, expandTemplate(t, labels, value)]),
  );
}

function toTestGroup(c: AlertCase, alert: AlertDefinition, opts: CatalogueOptions) {
  return {
    name: `${c.alert} ${c.kind}: ${c.desc}`,
    interval: c.interval ?? '1m',
    input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
    alert_rule_test: [
      {
        eval_time: c.evalAt,
        alertname: c.alert,
        exp_alerts: c.expect.map((e) => ({
          exp_labels: { ...e.labels, ...alertLabels(alert, opts) },
          exp_annotations: expectedAnnotations(alert, opts, e.labels, e.value),
        })),
      },
    ],
  };
}

/**
 * Builds the promtool unit-test file for `cases`. `ruleFile` is the rules path relative to the
 * test file. Throws when a case names an unknown alert.
 */
export function buildPromtoolTests(
  alerts: readonly AlertDefinition[],
  cases: readonly AlertCase[],
  opts: CatalogueOptions,
  ruleFile: string,
): PromtoolTestFile {
  const byName = new Map(alerts.map((a) => [a.name, a]));
  const tests = cases.map((c) => {
    const alert = byName.get(c.alert);
    if (!alert) throw new Error(`test case ${c.desc} names unknown alert ${c.alert}`);
    return toTestGroup(c, alert, opts);
  });
  return { rule_files: [ruleFile], evaluation_interval: '15s', tests };
}
