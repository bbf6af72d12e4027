import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startDevnet, type Devnet, type DevnetOptions } from './devnet.js';
import { PORT_OFFSETS } from './ports.js';

/** Where `start` records the running devnet's control URL for `fault` and `status`. */
export const STATE_FILE = join(tmpdir(), 'chainprobe-devnet.json');

/** Base port of the CLI's fixed port map (gateway 8545, rpc-0 8546, ...). */
export const DEFAULT_BASE_PORT = 8545;

const USAGE = `usage:
  cli.ts start [--validators 4] [--block-period 2] [--request-timeout 1] [--base-port 8545]
               [--heartbeat 5] [--seed chainprobe-devnet] [--no-kube]
  cli.ts fault <name> on|off [--target X] [--param k=v ...] [--control-url URL]
  cli.ts faults [--control-url URL]     list the faults and their parameters
  cli.ts status [--control-url URL]     print the devnet state`;

/** Runs the devnet CLI with `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: string[], out = console.log): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start(rest, out);
    case 'fault':
      return fault(rest, out);
    case 'faults':
      return show(rest, '/faults', out);
    case 'status':
      return show(rest, '/state', out);
    default:
      out(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

async function start(argv: string[], out: (line: string) => void): Promise<number> {
  const options = startOptions(argv);
  // Listen before starting, so Ctrl-C during start-up still stops anvil. anvil runs in its own
  // session (see startAnvil), so a closed terminal's SIGHUP reaches only us: stop it then too.
  const stopRequested = new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, resolve);
  });
  const devnet = await startDevnet(options);
  await writeFile(STATE_FILE, JSON.stringify({ controlUrl: devnet.controlUrl, pid: process.pid }));
  printSummary(devnet, out);

  const code = await untilStopOrFailure(stopRequested, devnet, out);
  await devnet.stop();
  await rm(STATE_FILE, { force: true });
  out('stopped');
  return code;
}

/**
 * Waits for SIGINT/SIGTERM/SIGHUP (exit code 0) or for anvil to die (exit code 1): nothing restarts
 * anvil, and a devnet without its EVM can only answer errors, so the CLI stops instead.
 */
async function untilStopOrFailure(
  stopRequested: Promise<void>,
  devnet: Devnet,
  out: (line: string) => void,
): Promise<number> {
  try {
    await Promise.race([stopRequested, devnet.failed]);
    out('stopping...');
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`chainprobe devnet: ${message}; nothing restarts it, stopping the devnet`);
    return 1;
  }
}

function startOptions(argv: string[]): DevnetOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      validators: { type: 'string', default: '4' },
      'block-period': { type: 'string', default: '2' },
      'request-timeout': { type: 'string', default: '1' },
      'base-port': { type: 'string', default: String(DEFAULT_BASE_PORT) },
      heartbeat: { type: 'string', default: '5' },
      seed: { type: 'string', default: 'chainprobe-devnet' },
      'no-kube': { type: 'boolean', default: false },
    },
  });
  const number = (
    flag: 'validators' | 'block-period' | 'request-timeout' | 'base-port' | 'heartbeat',
  ) => {
    const value = Number(values[flag]);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`--${flag} (${values[flag]}) must be a positive number`);
    return value;
  };
  return {
    validators: number('validators'),
    blockPeriodSeconds: number('block-period'),
    requestTimeoutSeconds: number('request-timeout'),
    basePort: number('base-port'),
    heartbeatSeconds: number('heartbeat'),
    seed: values.seed,
    kube: !values['no-kube'],
    logger: pino({ level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2)),
  };
}

function printSummary(devnet: Devnet, out: (line: string) => void): void {
  out(`chainprobe devnet: chain id ${devnet.chainId}, ${devnet.validators.length} validators`);
  for (const e of devnet.endpoints) {
    const extra = e.validatorAddress ? ` validator ${e.validatorAddress}` : '';
    out(`  ${e.name.padEnd(12)} ${e.url}  (${e.role}${e.qbftApi ? ', QBFT API' : ''}${extra})`);
  }
  for (const f of devnet.feeds) out(`  feed ${f.name} at ${f.address} (${f.decimals} decimals)`);
  out(`  publisher    ${devnet.publisher.breakerJsonUrl} ${devnet.publisher.breakerMetricsUrl}`);
  out(`  control      ${devnet.controlUrl}`);
  if (devnet.kubeApiUrl) out(`  kube API     ${devnet.kubeApiUrl}`);
  const launcher = devnet.anvil.kind === 'wrapper' ? ', npm launcher' : '';
  out(`  anvil        ${devnet.anvil.url} (pid ${devnet.anvil.pid}${launcher})`);
  out('ready (Ctrl-C to stop)');
}

async function controlUrl(flag: string | undefined): Promise<string> {
  if (flag) return flag;
  if (process.env.CHAINPROBE_DEVNET_CONTROL_URL) return process.env.CHAINPROBE_DEVNET_CONTROL_URL;
  try {
    const state = JSON.parse(await readFile(STATE_FILE, 'utf8')) as { controlUrl?: string };
    if (state.controlUrl) return state.controlUrl;
  } catch {
    // No state file: fall back to the default fixed port map.
  }
  return `http://127.0.0.1:${DEFAULT_BASE_PORT + PORT_OFFSETS.control}`;
}

async function fault(argv: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      param: { type: 'string', multiple: true, default: [] },
      'control-url': { type: 'string' },
    },
  });
  const [name, state] = positionals;
  if (!name || (state !== 'on' && state !== 'off')) {
    out(USAGE);
    return 2;
  }
  const body = faultBody(state === 'on', values.target, values.param);
  const url = `${await controlUrl(values['control-url'])}/faults/${name}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  out(JSON.stringify(await response.json(), null, 2));
  return response.ok ? 0 : 1;
}

/** The control API body: {on, target?, ...params}; `--param k=v` values stay strings. */
function faultBody(on: boolean, target: string | undefined, pairs: string[]) {
  const body: Record<string, unknown> = { on };
  if (target) body.target = target;
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--param ${pair}: expected key=value`);
    body[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return body;
}

async function show(argv: string[], path: string, out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'control-url': { type: 'string' } } });
  const response = await fetch(`${await controlUrl(values['control-url'])}${path}`);
  out(JSON.stringify(await response.json(), null, 2));
  return response.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
