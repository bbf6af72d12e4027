import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { stopChild } from './anvil.js';
import { freePort, waitFor } from './ports.js';

/** A real Prometheus server started by a test, on loopback, with its own temp dir. */
export interface PrometheusServer {
  url: string;
  /** Runs an instant PromQL query; returns the result vector. */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  /** Active alerts as Prometheus sees them. */
  alerts(): Promise<
    Array<{ labels: Record<string, string>; annotations: Record<string, string>; state: string }>
  >;
  stop(): Promise<void>;
}

/** Options: scrape targets (host:port), rule files, alertmanager URLs. */
export interface PrometheusOptions {
  targets: Array<{
    job: string;
    address: string;
    scheme?: 'http' | 'https';
    extra?: Record<string, unknown>;
  }>;
  ruleFiles?: string[];
  alertmanagers?: string[];
  scrapeIntervalSeconds?: number;
  evaluationIntervalSeconds?: number;
}

/** Starts Debian's prometheus binary; fails clearly when it is not installed. */
export async function startPrometheus(opts: PrometheusOptions): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'chainprobe-prom-'));
  const port = await freePort();
  const interval = `${opts.scrapeIntervalSeconds ?? 1}s`;
  const config = {
    global: {
      scrape_interval: interval,
      evaluation_interval: `${opts.evaluationIntervalSeconds ?? 1}s`,
    },
    rule_files: opts.ruleFiles ?? [],
    alerting: opts.alertmanagers
      ? { alertmanagers: [{ static_configs: [{ targets: opts.alertmanagers }] }] }
      : undefined,
    scrape_configs: opts.targets.map((t) => ({
      job_name: t.job,
      scheme: t.scheme ?? 'http',
      static_configs: [{ targets: [t.address] }],
      ...t.extra,
    })),
  };
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, stringify(config));
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
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
    throw new Error(`prometheus did not start: ${stderr.slice(-500)}`, { cause: err });
  }
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus: ${body.error}`);
    return body.data;
  };
  return {
    url,
    query: async (expr) =>
      (
        await api<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(
          `/api/v1/query?query=${encodeURIComponent(expr)}`,
        )
      ).result,
    alerts: async () =>
      (
        await api<{
          alerts: Array<{
            labels: Record<string, string>;
            annotations: Record<string, string>;
            state: string;
          }>;
        }>('/api/v1/alerts')
      ).alerts,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
