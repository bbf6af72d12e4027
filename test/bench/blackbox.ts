import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { stopChild } from '../helpers/anvil.js';
import { freePort, waitFor } from '../helpers/ports.js';

/** The JSON-RPC body blackbox_exporter POSTs, the same call chainprobe makes. */
export const BLOCK_NUMBER_BODY = '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}';

/** One blackbox probe's self-reported timing, seconds. */
export interface BlackboxProbe {
  success: boolean;
  /** probe_duration_seconds: the whole probe as blackbox_exporter measured it. */
  durationSeconds: number;
  /** Sum of probe_http_duration_seconds over its phases (resolve, connect, processing, ...). */
  httpSeconds: number;
  /** probe_http_duration_seconds{phase="processing"}: request sent to first response byte. */
  processingSeconds: number;
}

/** A running blackbox_exporter. */
export interface Blackbox {
  pid: number;
  /** Probes `target` with the jsonrpc module and parses its self-reported timing. */
  probe(target: string): Promise<BlackboxProbe>;
  stop(): Promise<void>;
}

/** The blackbox_exporter binary, installing Debian's package when missing; null if none. */
export function ensureBlackbox(install = true): string | null {
  const found = findBinary();
  if (found || !install) return found;
  const script = fileURLToPath(new URL('./ensure-blackbox.sh', import.meta.url));
  const res = spawnSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'] });
  return res.status === 0 ? findBinary() : null;
}

function findBinary(): string | null {
  for (const name of ['prometheus-blackbox-exporter', 'blackbox_exporter']) {
    const res = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (res.status === 0 && res.stdout.trim()) return res.stdout.trim();
  }
  return null;
}

/** Starts blackbox_exporter on a free loopback port with an HTTP POST JSON-RPC module. */
export async function startBlackbox(binary: string): Promise<Blackbox> {
  const dir = mkdtempSync(join(tmpdir(), 'chainprobe-bbx-'));
  const config = {
    modules: {
      jsonrpc: {
        prober: 'http',
        timeout: '5s',
        http: {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: BLOCK_NUMBER_BODY,
          valid_status_codes: [200],
          preferred_ip_protocol: 'ip4',
        },
      },
    },
  };
  writeFileSync(join(dir, 'blackbox.yml'), stringify(config));
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    [`--config.file=${join(dir, 'blackbox.yml')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: 'ignore' },
  );
  const base = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await fetch(`${base}/-/healthy`)).ok, 15_000, 50);
  } catch (err) {
    await stop();
    throw err;
  }
  const probe = async (target: string): Promise<BlackboxProbe> => {
    const q = `target=${encodeURIComponent(target)}&module=jsonrpc`;
    return parseProbe(await (await fetch(`${base}/probe?${q}`)).text());
  };
  return { pid: child.pid ?? -1, probe, stop };
}

/** Reads blackbox_exporter's /probe text: success, total duration and HTTP phases. */
export function parseProbe(text: string): BlackboxProbe {
  let success = false;
  let durationSeconds = Number.NaN;
  let httpSeconds = 0;
  let processingSeconds = Number.NaN;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const space = line.lastIndexOf(' ');
    const name = line.slice(0, space);
    const value = Number(line.slice(space + 1));
    if (name === 'probe_success') success = value === 1;
    else if (name === 'probe_duration_seconds') durationSeconds = value;
    else if (name.startsWith('probe_http_duration_seconds{')) {
      httpSeconds += value;
      if (name.includes('phase="processing"')) processingSeconds = value;
    }
  }
  return { success, durationSeconds, httpSeconds, processingSeconds };
}
