import { parser } from '@prometheus-io/lezer-promql';

/** A vector selector found in an expression: metric name and the label names it matches on. */
export interface SelectorUse {
  metric: string;
  labels: string[];
}

/** What Prometheus' own PromQL grammar makes of an expression. */
export interface PromqlAnalysis {
  /** Offsets of syntax errors (empty when the expression parses). */
  errors: number[];
  selectors: SelectorUse[];
}

/** Parses `expr` with @prometheus-io/lezer-promql and collects error nodes and selectors. */
export function analysePromql(expr: string): PromqlAnalysis {
  const tree = parser.parse(expr);
  const errors: number[] = [];
  const selectors: SelectorUse[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      if (node.name !== 'VectorSelector') return;
      const metric = node.node.getChild('Identifier');
      const matchers = node.node.getChild('LabelMatchers');
      const labels = (matchers?.getChildren('UnquotedLabelMatcher') ?? []).map((m) => {
        const name = m.getChild('LabelName');
        return name ? expr.slice(name.from, name.to) : '';
      });
      if (matchers?.getChild('QuotedLabelMatcher')) labels.push('<quoted>');
      selectors.push({ metric: metric ? expr.slice(metric.from, metric.to) : '', labels });
    },
  });
  return { errors, selectors };
}

/** Replaces Grafana's variables that are not valid PromQL with sample values. */
export function substituteGrafanaVariables(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '5m')
    .replaceAll('$__interval', '1m')
    .replaceAll('$__range', '1h');
}
