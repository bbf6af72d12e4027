#!/usr/bin/env node
import { stringify } from 'yaml';
import { parseCliArgs, USAGE, type CliArgs } from './cli/args.js';
import { formatTable, toRows } from './cli/once.js';
import { Reloader, type WebState } from './cli/reload.js';
import { ConfigError } from './config/errors.js';
import { GlobalSchema } from './config/schema.js';
import { loadConfigFile, type Config } from './config/load.js';
import { Daemon } from './engine/daemon.js';
import { BasicAuthVerifier, requireBasicAuth } from './http/basic-auth.js';
import { reloadRoute } from './http/reload-route.js';
import { closeServer, createApp, listen, type Server } from './http/server.js';
import {
  loadWebConfigFile,
  OPEN_WEB_CONFIG,
  WebConfigError,
  type WebConfig,
} from './http/web-config.js';
import { createLogger } from './log/logger.js';
import { PROBE_KINDS } from './probes/registry.js';
import { createScrubber, redactUrl } from './redact.js';
import { statusRoutes } from './status/routes.js';
import { VERSION } from './version.js';

/** The configuration as it may be shown: URLs redacted, header values masked. */
export function redactedConfig(config: Config): unknown {
  return {
    global: config.global,
    endpoints: config.endpoints.map((e) =>
      withoutLoadedCa({
        ...e,
        url: redactUrl(e.url),
        ...(e.headers
          ? { headers: Object.fromEntries(Object.keys(e.headers).map((k) => [k, '<redacted>'])) }
          : {}),
      }),
    ),
    probes: config.probes.map(withoutLoadedCa),
  };
}

// Every tls block (endpoints, breaker sources) as written, caFile and serverName, so the output
// loads back; the CA bundle read from the file stays out.
function withoutLoadedCa(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLoadedCa);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) =>
      k === 'tls' && v !== null && typeof v === 'object'
        ? [k, { ...(v as object), ca: undefined }]
        : [k, withoutLoadedCa(v)],
    ),
  );
}

async function main(argv: string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv, process.stderr.isTTY === true);
  } catch (err) {
    process.stderr.write(`chainprobe: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) return print(USAGE, 0);
  if (args.version) return print(`chainprobe ${VERSION} (node ${process.version})\n`, 0);

  const loaded = loadAll(args);
  if (typeof loaded === 'number') return loaded;
  const { config, web } = loaded;
  if (args.listen) {
    // The flag gets the same check as the file's global.listen.
    const checked = GlobalSchema.shape.listen.safeParse(args.listen);
    if (!checked.success) {
      process.stderr.write(
        `chainprobe: --listen (${args.listen}) ${checked.error.issues[0]?.message}\n`,
      );
      return 2;
    }
    config.global.listen = checked.data;
  }
  const secrets = new SecretScrubber(config.secrets);
  const scrub = (text: string) => secrets.scrub(text);
  if (args.checkConfig)
    return print(
      scrub(`# ${args.config}: configuration OK\n${stringify(redactedConfig(config))}`),
      0,
    );

  // --once keeps stdout for its table or JSON; logs go to stderr then.
  const logger = createLogger({
    level: args.logLevel,
    pretty: args.logFormat === 'pretty',
    scrub,
    fd: args.once ? 2 : 1,
  });
  const daemon = new Daemon({ config, kinds: PROBE_KINDS, logger, version: VERSION });
  if (args.once) return runOnce(daemon, args, scrub);
  return serve({ args, config, web, daemon, logger, secrets });
}

/** The secrets of every configuration loaded so far, masked in logs, pages and errors. */
class SecretScrubber {
  private readonly secrets: Set<string>;
  private current: (text: string) => string;

  constructor(initial: Iterable<string>) {
    this.secrets = new Set(initial);
    this.current = createScrubber(this.secrets);
  }

  // Old secrets stay: lines about the previous configuration may still be written.
  add(more: Iterable<string>): void {
    for (const s of more) this.secrets.add(s);
    this.current = createScrubber(this.secrets);
  }

  scrub(text: string): string {
    return this.current(text);
  }
}

interface ServeOptions {
  args: CliArgs;
  config: Config;
  web: WebConfig;
  daemon: Daemon;
  logger: ReturnType<typeof createLogger>;
  secrets: SecretScrubber;
}

// Serves HTTP(S) and probes until SIGTERM/SIGINT; reloads on SIGHUP and POST /-/reload.
async function serve({ args, config, web, daemon, logger, secrets }: ServeOptions) {
  const scrub = (text: string) => secrets.scrub(text);
  const verifier = new BasicAuthVerifier(web.users);
  const webState: WebState | undefined = args.webConfig
    ? { path: args.webConfig, current: web, verifier }
    : undefined;
  const reloader = new Reloader({
    daemon,
    configPath: args.config,
    logger,
    scrub,
    web: webState,
    onApplied: (next) => secrets.add(next.secrets),
  });
  const routes = [statusRoutes(daemon, VERSION, scrub), reloadRoute(() => reloader.reload('http'))];
  const app = createApp(daemon, routes, {
    auth: requireBasicAuth(verifier, logger.child({ component: 'http' })),
    headers: () => webState?.current.headers ?? {},
  });
  const { server, url } = await listen(app, config.global.listen, web.tls);
  if (webState) webState.server = server;
  const tls = web.tls ? web.tls.minVersion : false;
  const startup = { version: VERSION, url, tls, basicAuth: verifier.enabled };
  logger.info({ ...startup, config: redactedConfig(config) }, 'chainprobe started');
  daemon.start();
  return waitForSignals(daemon, server, reloader, logger);
}

// The configuration and web configuration, or the exit code when either is unusable.
function loadAll(args: CliArgs): { config: Config; web: WebConfig } | number {
  let config: Config;
  try {
    config = loadConfigFile(args.config, PROBE_KINDS);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`chainprobe: ${args.config}: ${err.describe()}\n`);
    return 1;
  }
  if (args.webConfig === undefined) return { config, web: OPEN_WEB_CONFIG };
  try {
    return { config, web: loadWebConfigFile(args.webConfig) };
  } catch (err) {
    if (!(err instanceof WebConfigError)) throw err;
    process.stderr.write(`chainprobe: --web-config ${args.webConfig}: ${err.describe()}\n`);
    return 1;
  }
}

async function runOnce(
  daemon: Daemon,
  args: CliArgs,
  scrub: (t: string) => string,
): Promise<number> {
  const rows = toRows(await daemon.runOnce());
  await daemon.stop();
  const out =
    args.output === 'json'
      ? `${JSON.stringify({ healthy: rows.every((r) => r.ok), results: rows }, null, 2)}\n`
      : formatTable(rows);
  process.stdout.write(scrub(out));
  return rows.every((r) => r.ok) ? 0 : 1;
}

function waitForSignals(
  daemon: Daemon,
  server: Server,
  reloader: Reloader,
  logger: ReturnType<typeof createLogger>,
): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      void Promise.all([daemon.stop(), closeServer(server)]).then(() => resolve(0));
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => {
      void reloader.reload('SIGHUP');
    });
  });
}

function print(text: string, code: number): number {
  process.stdout.write(text);
  return code;
}

process.on('unhandledRejection', (reason) => {
  // Every probe failure is a result; an unhandled rejection is a bug. Report it, keep probing.
  process.stderr.write(
    `chainprobe: unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}\n`,
  );
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`chainprobe: fatal: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
