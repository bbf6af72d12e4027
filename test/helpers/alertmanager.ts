import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild } from './anvil.js';
import { freePort, waitFor } from './ports.js';

/** An alert as Alertmanager's v2 API returns it. */
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: {
    state: 'active' | 'suppressed' | 'unprocessed';
    inhibitedBy: string[];
    silencedBy: string[];
  };
}

/** A real Alertmanager (Debian's prometheus-alertmanager) on loopback with a temp dir. */
export interface AlertmanagerServer {
  url: string;
  /** host:port, for Prometheus' alerting config. */
  address: string;
  alerts(): Promise<AmAlert[]>;
  stop(): Promise<void>;
}

/** Starts Alertmanager with `configYaml` (clustering off). */
export async function startAlertmanager(configYaml: string): Promise<AlertmanagerServer> {
  const binary = existsSync('/usr/bin/prometheus-alertmanager')
    ? 'prometheus-alertmanager'
    : 'alertmanager';
  const dir = mkdtempSync(join(tmpdir(), 'chainprobe-am-'));
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, configYaml);
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${url}/-/ready`)).ok, 20_000);
  } catch (err) {
    await stopChild(child);
    throw new Error(`alertmanager did not start: ${stderr.slice(-500)}`, { cause: err });
  }
  return {
    url,
    address: `127.0.0.1:${port}`,
    alerts: async () => (await (await fetch(`${url}/api/v2/alerts`)).json()) as AmAlert[],
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
