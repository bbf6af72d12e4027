import { parseArgs } from 'node:util';

/**
 * What the generated rules and dashboards depend on. The committed files use the defaults;
 * operators regenerate with their own values (`npm run generate -- --runbook-base-url ...`).
 */
export interface CatalogueOptions {
  /**
   * URL of docs/runbook.md as operators read it; alerts link to `<base>#<anchor>`. The default
   * is a placeholder on the reserved `.invalid` domain (RFC 2606), so an unconfigured link fails
   * visibly instead of leading to a host nobody here controls.
   */
  runbookBaseUrl: string;
  /** Grafana base URL for the alerts' dashboard_url; same placeholder rule as the runbook. */
  grafanaBaseUrl: string;
  /**
   * Block period used for dashboard colour thresholds only (default 2, as chainprobe's config);
   * the alert thresholds read chainprobe_config_block_period_seconds instead.
   */
  blockPeriodSeconds: number;
  /** Value of the static `network` label every alert carries (used by inhibition). */
  network: string;
  /** Prometheus job that scrapes chainprobe (for the `up` based alert). */
  job: string;
  /** Namespace of the generated PrometheusRule. */
  namespace: string;
  /**
   * Factor applied to every alert's `for` (default 1). End-to-end tests shorten waits with e.g.
   * 0.05; never use a value below 1 for production rules.
   */
  forScale: number;
}

/** Defaults used for the committed, generated files. */
export const DEFAULT_OPTIONS: CatalogueOptions = {
  runbookBaseUrl: 'https://runbooks.invalid/chainprobe/docs/runbook.md',
  grafanaBaseUrl: 'https://grafana.invalid',
  blockPeriodSeconds: 2,
  network: 'chain138',
  job: 'chainprobe',
  namespace: 'besu-network',
  forScale: 1,
};

/** Usage text of `npm run generate -- [options]`. */
export const GENERATE_USAGE = `Usage: npm run generate -- [options]

Writes alerts/, grafana/, deploy/kubernetes/prometheusrule.yaml and the promtool unit tests
from src/catalogue/. Without options it writes the committed files.

Options:
  --runbook-base-url <url>   URL of docs/runbook.md [default: ${DEFAULT_OPTIONS.runbookBaseUrl}]
  --grafana-base-url <url>   Grafana base URL [default: ${DEFAULT_OPTIONS.grafanaBaseUrl}]
  --block-period-seconds <s> block period for dashboard colours [default: ${DEFAULT_OPTIONS.blockPeriodSeconds}]
  --network <name>           static network label [default: ${DEFAULT_OPTIONS.network}]
  --job <name>               Prometheus job scraping chainprobe [default: ${DEFAULT_OPTIONS.job}]
  --namespace <ns>           PrometheusRule namespace [default: ${DEFAULT_OPTIONS.namespace}]
  --for-scale <factor>       multiply every alert's "for" (tests only) [default: 1]
  --out-dir <dir>            write below this folder instead of the repository root
  --check                    write nothing; exit 1 if any generated file is out of date
  --help                     print this help
`;

/** Parsed command line of the generator. */
export interface GenerateArgs {
  options: CatalogueOptions;
  outDir: string | undefined;
  check: boolean;
  help: boolean;
}

/** Parses the generator's argv; throws an Error naming the bad option. */
export function parseGenerateArgs(argv: string[]): GenerateArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      'runbook-base-url': { type: 'string' },
      'grafana-base-url': { type: 'string' },
      'block-period-seconds': { type: 'string' },
      network: { type: 'string' },
      job: { type: 'string' },
      namespace: { type: 'string' },
      'for-scale': { type: 'string' },
      'out-dir': { type: 'string' },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const d = DEFAULT_OPTIONS;
  const options: CatalogueOptions = {
    runbookBaseUrl: httpUrl('--runbook-base-url', values['runbook-base-url'] ?? d.runbookBaseUrl),
    grafanaBaseUrl: httpUrl('--grafana-base-url', values['grafana-base-url'] ?? d.grafanaBaseUrl),
    blockPeriodSeconds: positive('--block-period-seconds', values['block-period-seconds'], 2),
    network: labelValue('--network', values.network ?? d.network),
    job: labelValue('--job', values.job ?? d.job),
    namespace: labelValue('--namespace', values.namespace ?? d.namespace),
    forScale: positive('--for-scale', values['for-scale'], 1),
  };
  return { options, outDir: values['out-dir'], check: values.check, help: values.help };
}

function httpUrl(flag: string, value: string): string {
  if (!/^https?:\/\//.test(value) || !URL.canParse(value) || value.includes('#'))
    throw new Error(`${flag} (${value}) must be an http(s) URL without a fragment`);
  return value.replace(/\/+$/, '');
}

function positive(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} (${value}) must be a number > 0`);
  return n;
}

function labelValue(flag: string, value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(value))
    throw new Error(`${flag} (${value}) must be 1-63 letters, digits, "_", "." or "-"`);
  return value;
}
