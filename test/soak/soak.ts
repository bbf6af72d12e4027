import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { startDevnet, type Devnet } from '../../src/devnet/devnet.js';

// A chaos soak: a devnet, chainprobe as a child process with accelerated intervals, and faults
// from the devnet's registry switched at random, one at a time. Each fault must become visible
// in chainprobe's metrics and its recovery too; the daemon must not crash, log an unhandled
// rejection or an error line, and its RSS must stay flat after warm-up.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Soak settings. */
export interface SoakOptions {
  /** Wall time of the chaos phase, seconds (after warm-up). */
  seconds: number;
  /** Warm-up before RSS is baselined and faults start, seconds. */
  warmupSeconds?: number;
  seed?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** One injected fault and what chainprobe showed. */
export interface FaultRecord {
  fault: string;
  target: string;
  /** Seconds from switch-on until visible in metrics; null if it never became visible. */
  visibleAfter: number | null;
  /** Seconds from switch-off until recovered in metrics; null if it never did. */
  recoveredAfter: number | null;
}

/** What a soak found. */
export interface SoakReport {
  seconds: number;
  faults: FaultRecord[];
  crashed: boolean;
  unhandledRejections: number;
  errorLines: string[];
  /** RSS samples, MiB, every few seconds from the end of warm-up. */
  rssMiB: number[];
  rssBaselineMiB: number;
  rssEndMiB: number;
  /** (end - baseline) / baseline. */
  rssGrowth: number;
  scrapes: number;
}

/** One sample of /metrics. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

type Samples = Sample[];

/** A fault family: how to aim it and what makes it, and its recovery, visible. */
interface Family {
  fault: string;
  targets: string[];
  params?: Record<string, unknown>;
  visible(m: Samples, target: string): boolean;
  recovered(m: Samples, target: string): boolean;
}

/** Parses /metrics text into samples. */
function parseMetrics(text: string): Samples {
  const out: Samples = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1] as string] = l[2] as string;
    }
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

/** The value of the first series of `name` carrying all of `labels`. */
const get = (m: Samples, name: string, labels: Record<string, string>): number | undefined =>
  m.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    ?.value;

/** The probe task failed with `cls` at its last run. */
const failingWith = (m: Samples, probe: string, target: string, cls: string): boolean =>
  get(m, 'chainprobe_probe_last_error', { probe, target, class: cls }) === 1;

const succeeding = (m: Samples, probe: string, target: string): boolean =>
  get(m, 'chainprobe_probe_success', { probe, target }) === 1;

function rpcFamily(fault: string, cls: string, targets: string[], params = {}): Family {
  return {
    fault,
    targets,
    params,
    visible: (m, t) => failingWith(m, 'rpc', t, cls),
    recovered: (m, t) => succeeding(m, 'rpc', t),
  };
}

/**
 * The fault families the soak uses, with their visibility conditions. Left out of the registry:
 * validators-down (halts the chain behind round timers that back off to 16 s, so one injection
 * eats the soak), slow-blocks (no crisp signal within a few seconds), rpc-stuck and rpc-fork
 * (the node stays behind or forked after the fault is off), publisher-out-of-funds,
 * publisher-stuck-tx and oracle-bad-answer (recovery waits on the breaker cooldown and the next
 * heartbeat), and the other pod-* and kube-* faults (the same paths as pod-not-ready,
 * kube-forbidden and kube-server-error).
 */
function families(devnet: Devnet): Family[] {
  const rpcNodes = ['rpc-0', 'rpc-1'];
  const validators = devnet.endpoints.filter((e) => e.role === 'validator').map((e) => e.name);
  const headUnchanged = (m: Samples) =>
    get(m, 'chainprobe_block_head_unchanged_seconds', { endpoint: 'rpc-0' }) ?? 0;
  const breaker = (m: Samples, state: string) =>
    get(m, 'chainprobe_breaker_state', { source: 'publisher-0', state }) === 1;
  return [
    rpcFamily('rpc-down', 'connection_refused', rpcNodes),
    rpcFamily('rpc-hang', 'timeout', rpcNodes),
    rpcFamily('rpc-slow', 'timeout', rpcNodes, { latencyMs: 3000 }),
    rpcFamily('rpc-error', 'rpc_error', rpcNodes, { mode: 'jsonrpc' }),
    rpcFamily('rpc-error', 'http_5xx', rpcNodes, { mode: 'http500' }),
    rpcFamily('rpc-rate-limit', 'rate_limited', rpcNodes),
    rpcFamily('rpc-wrong-chain-id', 'chain_id_mismatch', rpcNodes),
    rpcFamily('gateway-error', 'http_5xx', ['gateway'], { status: 502 }),
    rpcFamily('validator-down', 'connection_refused', validators.slice(1)),
    {
      fault: 'chain-halt',
      targets: [''],
      visible: (m) => headUnchanged(m) >= 6,
      recovered: (m) => headUnchanged(m) < 3 && succeeding(m, 'block', 'rpc-0'),
    },
    {
      fault: 'kube-forbidden',
      targets: [''],
      visible: (m) => failingWith(m, 'kubernetes', 'besu-network', 'forbidden'),
      recovered: (m) => succeeding(m, 'kubernetes', 'besu-network'),
    },
    {
      fault: 'kube-server-error',
      targets: [''],
      visible: (m) => failingWith(m, 'kubernetes', 'besu-network', 'http_5xx'),
      recovered: (m) => succeeding(m, 'kubernetes', 'besu-network'),
    },
    {
      fault: 'pod-not-ready',
      targets: ['besu-validator-1', 'besu-rpc-0'],
      visible: (m, pod) => podReady(m, pod) === 0,
      recovered: (m, pod) => podReady(m, pod) === 1,
    },
    {
      fault: 'breaker-open',
      targets: [''],
      visible: (m) => breaker(m, 'open'),
      recovered: (m) => breaker(m, 'closed'),
    },
    {
      fault: 'publisher-stopped',
      targets: [''],
      visible: (m) => failingWith(m, 'breaker', 'publisher-0', 'connection_refused'),
      recovered: (m) => succeeding(m, 'breaker', 'publisher-0'),
    },
  ];
}

function podReady(m: Samples, pod: string): number | undefined {
  return get(m, 'chainprobe_kube_pod_ready', { pod });
}

/** The daemon's configuration for `devnet`: every kind, accelerated intervals. */
function configFor(devnet: Devnet): string {
  const eps = devnet.endpoints.map((e) => {
    const v = e.validatorAddress ? `, validatorAddress: '${e.validatorAddress}'` : '';
    return `  - { name: ${e.name}, url: '${e.url}', role: ${e.role}${v} }`;
  });
  const feed = devnet.feeds[0];
  return `global: { chainId: ${devnet.chainId}, blockPeriodSeconds: ${devnet.blockPeriodSeconds}, intervalMs: 1000, timeoutMs: 800, listen: '127.0.0.1:0', location: soak }
endpoints:
${eps.join('\n')}
probes:
  - { name: rpc, kind: rpc }
  - { name: block, kind: block }
  - { name: besu-health, kind: besu-health, intervalMs: 2000 }
  - { name: validators, kind: validators, endpoint: rpc-0, window: 32 }
  - name: oracle
    kind: oracle
    endpoint: gateway
    feeds: [{ name: eth-usd, address: '${feed?.address}', heartbeatSeconds: ${feed?.heartbeatSeconds} }]
  - name: publisher
    kind: publisher
    endpoint: gateway
    accounts: [{ name: publisher-0, address: '${devnet.publisher.address}' }]
  - name: breaker
    kind: breaker
    sources: [{ name: publisher-0, type: http-json, url: '${devnet.publisher.breakerJsonUrl}', pointer: /breaker/state }]
  - { name: kubernetes, kind: kubernetes, intervalMs: 1000, apiUrl: '${devnet.kubeApiUrl}' }
`;
}

/** Resident set size of `pid`, MiB (Linux /proc). */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** A small seeded PRNG (mulberry32), so a soak can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

/** The running daemon child and its HTTP base URL. */
interface Child {
  proc: ChildProcess;
  base: string;
  output(): string;
}

async function startChild(configPath: string): Promise<Child> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main.ts', '--config', configPath, '--log-level', 'info'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out = keepTail(out + d.toString())));
  proc.stderr?.on('data', (d: Buffer) => (out = keepTail(out + d.toString())));
  let base = '';
  for (let i = 0; i < 600 && !base; i++) {
    base = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out)?.[1] ?? '';
    if (proc.exitCode !== null) throw new Error(`chainprobe exited at start: ${out}`);
    if (!base) await sleep(100);
  }
  if (!base) throw new Error('chainprobe did not start');
  return { proc, base, output: () => out };
}

// Only the tail of the output is kept in memory; interesting lines are counted as they come.
const keepTail = (s: string): string => (s.length > 2_000_000 ? s.slice(-1_000_000) : s);

async function scrape(base: string): Promise<Samples> {
  const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5000) });
  return parseMetrics(await res.text());
}

/** Polls metrics until `check` holds; resolves with the seconds it took, or null. */
async function until(
  base: string,
  check: (m: Samples) => boolean,
  timeoutS: number,
  counter: { scrapes: number },
): Promise<number | null> {
  const t0 = performance.now();
  while ((performance.now() - t0) / 1000 < timeoutS) {
    counter.scrapes++;
    try {
      if (check(await scrape(base))) return (performance.now() - t0) / 1000;
    } catch {
      // a slow scrape under load: try again
    }
    await sleep(250);
  }
  return null;
}

/** Runs the soak and resolves with its report; every process and server is stopped after. */
export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const log = opts.log ?? (() => undefined);
  const random = prng(opts.seed ?? 138);
  const dir = mkdtempSync(join(tmpdir(), 'chainprobe-soak-'));
  let devnet: Devnet | undefined;
  let child: Child | undefined;
  try {
    devnet = await startDevnet({
      blockPeriodSeconds: 1,
      heartbeatSeconds: 2,
      breakerCooldownSeconds: 3,
      seed: 'chainprobe-soak',
      logger: pino({ level: 'silent' }),
    });
    writeFileSync(join(dir, 'soak.yaml'), configFor(devnet));
    child = await startChild(join(dir, 'soak.yaml'));
    log(`devnet up, chainprobe at ${child.base} (pid ${child.proc.pid})`);
    return await chaos(devnet, child, opts, random, log);
  } finally {
    if (child && child.proc.exitCode === null) {
      child.proc.kill('SIGTERM');
      await Promise.race([new Promise((r) => child?.proc.once('exit', r)), sleep(5000)]);
      if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
    }
    await devnet?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function chaos(
  devnet: Devnet,
  child: Child,
  opts: SoakOptions,
  random: () => number,
  log: (line: string) => void,
): Promise<SoakReport> {
  const pid = child.proc.pid as number;
  const counter = { scrapes: 0 };
  const rss: number[] = [];
  const warmup = opts.warmupSeconds ?? 20;
  await until(child.base, (m) => get(m, 'chainprobe_ready', {}) === 1, 60, counter);
  await sleep(warmup * 1000);
  const sampler = setInterval(() => {
    if (child.proc.exitCode === null) rss.push(rssMiB(pid));
  }, 2000);
  rss.push(rssMiB(pid));

  const faults: FaultRecord[] = [];
  const all = families(devnet);
  const end = Date.now() + opts.seconds * 1000;
  try {
    while (Date.now() < end && child.proc.exitCode === null) {
      const fam = all[Math.floor(random() * all.length)] as Family;
      const target = fam.targets[Math.floor(random() * fam.targets.length)] as string;
      const record = await inject(devnet, child.base, fam, target, random, counter);
      faults.push(record);
      log(
        `${fam.fault} ${target} visible ${fmt(record.visibleAfter)} recovered ${fmt(record.recoveredAfter)}`,
      );
      await sleep(500 + random() * 1500);
    }
  } finally {
    clearInterval(sampler);
    for (const f of devnet.faults()) await devnet.setFault(f.name, false, { target: f.target });
  }
  return summarise(child, opts.seconds, faults, rss, counter.scrapes);
}

const fmt = (s: number | null): string => (s === null ? 'NEVER' : `${s.toFixed(1)}s`);

async function inject(
  devnet: Devnet,
  base: string,
  fam: Family,
  target: string,
  random: () => number,
  counter: { scrapes: number },
): Promise<FaultRecord> {
  const where = target ? { target } : {};
  await devnet.setFault(fam.fault, true, { ...where, ...fam.params });
  const visibleAfter = await until(base, (m) => fam.visible(m, target), 30, counter);
  await sleep(1000 + random() * 3000);
  await devnet.setFault(fam.fault, false, where);
  const recoveredAfter = await until(base, (m) => fam.recovered(m, target), 60, counter);
  return {
    fault: fam.params?.mode ? `${fam.fault}:${String(fam.params.mode)}` : fam.fault,
    target,
    visibleAfter,
    recoveredAfter,
  };
}

function summarise(
  child: Child,
  seconds: number,
  faults: FaultRecord[],
  rss: number[],
  scrapes: number,
): SoakReport {
  const out = child.output();
  const errorLines = out
    .split('\n')
    .filter((l) => l.includes('"level":"error"') || l.includes('fatal'));
  // Baseline: the first samples after warm-up; end: the last ones. Medians damp GC sawtooth.
  const window = Math.max(3, Math.floor(rss.length / 5));
  const rssBaselineMiB = median(rss.slice(0, window));
  const rssEndMiB = median(rss.slice(-window));
  return {
    seconds,
    faults,
    crashed: child.proc.exitCode !== null,
    unhandledRejections: (out.match(/unhandled rejection/g) ?? []).length,
    errorLines,
    rssMiB: rss.map((r) => Math.round(r * 10) / 10),
    rssBaselineMiB,
    rssEndMiB,
    rssGrowth: (rssEndMiB - rssBaselineMiB) / rssBaselineMiB,
    scrapes,
  };
}
