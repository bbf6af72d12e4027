#!/usr/bin/env node
import type { Server } from 'node:http';
import { stringify } from 'yaml';
import { parseCliArgs, USAGE, type CliArgs } from './cli/args.js';
import { formatTable, toRows } from './cli/once.js';
import { ConfigError } from './config/errors.js';
import { loadConfigFile, type Config } from './config/load.js';
import { Daemon } from './engine/daemon.js';
import { closeServer, createApp, listen } from './http/server.js';
import { createLogger } from './log/logger.js';
import { PROBE_KINDS } from './probes/registry.js';
import { createScrubber, redactUrl } from './redact.js';
import { VERSION } from './version.js';

/** The configuration as it may be shown: URLs redacted, header values masked. */
export function redactedConfig(config: Config): unknown {
  return {
    global: config.global,
    endpoints: config.endpoints.map((e) => ({
      ...e,
      url: redactUrl(e.url),
      ...(e.headers
        ? { headers: Object.fromEntries(Object.keys(e.headers).map((k) => [k, '<redacted>'])) }
        : {}),
    })),
    probes: config.probes,
  };
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

  let config: Config;
  try {
    config = loadConfigFile(args.config, PROBE_KINDS);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`chainprobe: ${args.config}: ${err.describe()}\n`);
    return 1;
  }
  if (args.listen) config.global.listen = args.listen;
  const scrub = createScrubber(config.secrets);
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

  const { server, url } = await listen(createApp(daemon), config.global.listen);
  logger.info({ version: VERSION, url, config: redactedConfig(config) }, 'chainprobe started');
  daemon.start();
  return waitForSignals(daemon, server, args, logger);
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
  args: CliArgs,
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
      void reloadFromFile(daemon, args.config, logger);
    });
  });
}

/** Re-reads the configuration file; a bad one keeps the old configuration running. */
export async function reloadFromFile(
  daemon: Daemon,
  path: string,
  logger: ReturnType<typeof createLogger>,
): Promise<boolean> {
  try {
    const next = loadConfigFile(path, PROBE_KINDS);
    await daemon.reload(next);
    return true;
  } catch (err) {
    daemon.rejectReload();
    const issues = err instanceof ConfigError ? err.issues : [(err as Error).message];
    logger.error({ issues }, 'configuration reload rejected; keeping the running configuration');
    return false;
  }
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
