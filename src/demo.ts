/**
 * `npm run demo`: starts the local Besu-like QBFT devnet (anvil underneath, chain id 138, 2 s
 * blocks) and chainprobe against it with probes/devnet.yaml, prints where to look, and stops
 * everything on Ctrl-C. Nothing is left running: chainprobe is stopped by its pid, the devnet
 * stops its own processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { isatty } from 'node:tty';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { startDevnet, type Devnet } from './devnet/devnet.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BASE_PORT = 8545;
const CONFIG = 'probes/devnet.yaml';
const CHAINPROBE_URL = 'http://127.0.0.1:9488';

async function main(): Promise<void> {
  const log = pino({
    level: 'info',
    transport: { target: 'pino-pretty', options: { colorize: isatty(1) } },
  });
  log.info('starting the devnet (compiles the oracle contract on first run)');
  const devnet = await startDevnet({
    basePort: BASE_PORT,
    blockPeriodSeconds: 2,
    logger: log.child({ c: 'devnet' }),
  });
  const chainprobe = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/main.ts',
      '--config',
      CONFIG,
      '--log-format',
      'pretty',
      '--log-level',
      'info',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  printBanner(devnet);
  await waitForStop(devnet, chainprobe);
}

function printBanner(devnet: Devnet): void {
  const lines = [
    '',
    'chainprobe demo is running:',
    `  metrics        ${CHAINPROBE_URL}/metrics`,
    `  status page    ${CHAINPROBE_URL}/`,
    `  health         ${CHAINPROBE_URL}/healthz  ${CHAINPROBE_URL}/readyz`,
    '  devnet:',
    ...devnet.endpoints.map((e) => `    ${e.name.padEnd(13)} ${e.url}`),
    `    control       ${devnet.controlUrl}`,
    ...(devnet.kubeApiUrl ? [`    kube API      ${devnet.kubeApiUrl}`] : []),
    '',
    'Break something (in another terminal), then watch the metrics and the status page:',
    '  npm run devnet -- fault validator-down on --target validator-2',
    '  npx tsx src/main.ts --once --config probes/devnet.yaml',
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

function waitForStop(devnet: Devnet, chainprobe: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = async (): Promise<void> => {
      if (stopping) return;
      stopping = true;
      await stopProcess(chainprobe);
      await devnet.stop();
      resolve();
    };
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
    chainprobe.on('exit', (code) => {
      if (!stopping) process.stderr.write(`chainprobe exited (${code}); stopping the devnet\n`);
      void stop();
    });
    // Nothing restarts the devnet's anvil: without it the demo shows nothing but 502s.
    devnet.failed.catch((err: unknown) => {
      if (!stopping) process.stderr.write(`${(err as Error).message}; stopping the demo\n`);
      process.exitCode = 1;
      void stop();
    });
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
});
