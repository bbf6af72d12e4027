import { parseArgs } from 'node:util';
import { LOG_LEVELS } from '../log/logger.js';

/** Parsed command line. */
export interface CliArgs {
  config: string;
  checkConfig: boolean;
  once: boolean;
  output: 'table' | 'json';
  logLevel: (typeof LOG_LEVELS)[number];
  logFormat: 'json' | 'pretty';
  listen?: string;
  webConfig?: string;
  help: boolean;
  version: boolean;
}

/** Usage text for --help. */
export const USAGE = `Usage: chainprobe [options]

Synthetic health prober and Prometheus exporter for Hyperledger Besu QBFT networks.

Options:
  --config <file>        probe definition (YAML) [default: probes/chain138.yaml]
  --check-config         validate the configuration, print the effective (redacted) config, exit
  --once                 run every probe once, print the results, exit 0 only if all are healthy
  --output <table|json>  output of --once [default: table]
  --listen <host:port>   override global.listen
  --web-config <file>    TLS and basic auth for the HTTP server (exporter-toolkit format)
  --log-level <level>    fatal, error, warn, info, debug, trace, silent [default: info]
  --log-format <fmt>     json or pretty [default: json, pretty on a terminal]
  --version              print the version and exit
  --help                 print this help and exit

SIGHUP or POST /-/reload re-reads --config and --web-config; a bad file keeps the running one.
The status page is at / on the --listen address, its JSON at /api/status.
`;

/** Parses argv; throws an Error with a one-line message on bad usage. */
export function parseCliArgs(argv: string[], isTty = false): CliArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      config: { type: 'string', default: 'probes/chain138.yaml' },
      'check-config': { type: 'boolean', default: false },
      once: { type: 'boolean', default: false },
      output: { type: 'string', default: 'table' },
      listen: { type: 'string' },
      'web-config': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      'log-format': { type: 'string' },
      help: { type: 'boolean', default: false },
      version: { type: 'boolean', default: false },
    },
  });
  const logLevel = values['log-level'];
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  }
  if (values.output !== 'table' && values.output !== 'json')
    throw new Error('--output must be table or json');
  const fmt = values['log-format'] ?? (isTty ? 'pretty' : 'json');
  if (fmt !== 'json' && fmt !== 'pretty') throw new Error('--log-format must be json or pretty');
  return {
    config: values.config,
    checkConfig: values['check-config'],
    once: values.once,
    output: values.output,
    logLevel: logLevel as CliArgs['logLevel'],
    logFormat: fmt,
    listen: values.listen,
    webConfig: values['web-config'],
    help: values.help,
    version: values.version,
  };
}
