import { pino } from 'pino';
import type { Registry } from 'prom-client';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { decodeExtraData } from '../../src/consensus/extra-data.js';
import { Daemon } from '../../src/engine/daemon.js';
import { startDevnet, type Devnet } from '../../src/devnet/devnet.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';
import { sleep } from './daemon-kit.js';
import { goalRow, infoRow, type BenchRow } from './rows.js';
import { median } from './stats.js';

/** The faults this benchmark injects. */
export type DetectedFault = 'chain-halt' | 'validator-down' | 'rpc-down' | 'oracle-stale';

/** Options of the detection-latency benchmark. */
export interface DetectionOptions {
  blockPeriodSeconds?: number;
  intervalMs?: number;
  trials?: number;
  faults?: DetectedFault[];
  /** Healthy observation before the first fault, for false positives, ms. */
  healthyMs?: number;
  heartbeatSeconds?: number;
  graceSeconds?: number;
  /** Longest wait for a detection or a recovery, ms. */
  waitMs?: number;
}

const BENCH = '6 detection';
const FEED = 'eth-usd';
const FOLLOWED = 'rpc-1';
const DOWN_RPC = 'rpc-0';
const DOWN_VALIDATOR = 'validator-3';

/** A head block as the bench's own poller saw it arrive on the followed node. */
interface Arrival {
  number: number;
  round: number;
  at: number;
}

/** Everything a detection condition reads. */
interface Probe {
  registry: Registry;
  settings: Required<DetectionOptions>;
  downValidator: string;
  arrivals: Arrival[];
}

/** One fault: how it is switched, when it shows, and from when the goal's clock runs. */
interface FaultPlan {
  fault: DetectedFault;
  condition: string;
  /** What the goal's clock starts from: injection, or the fault's first observable effect. */
  goalFrom: 'injection' | 'evidence';
  clockFrom: string;
  switch(devnet: Devnet, on: boolean): Promise<unknown>;
  /** Baseline read at injection (e.g. a counter's value). */
  baseline(p: Probe): Promise<number>;
  shows(p: Probe, baseline: number): Promise<boolean>;
  /** performance.now() at which the fault became observable (the goal's clock start). */
  evidence(p: Probe, injectedAt: number, injectedWall: number): Promise<number>;
}

/**
 * Benchmark 6: the devnet with chainprobe (a Daemon in this process) probing it; each fault
 * is switched on, and the time until chainprobe's registry (what a scrape returns) shows it is
 * measured by polling every 25 ms. A healthy window first counts false positives.
 */
export async function benchDetection(opts: DetectionOptions = {}): Promise<BenchRow[]> {
  const s: Required<DetectionOptions> = {
    blockPeriodSeconds: 2,
    intervalMs: 1000,
    trials: 2,
    faults: ['rpc-down', 'chain-halt', 'validator-down', 'oracle-stale'],
    healthyMs: 8000,
    heartbeatSeconds: 4,
    graceSeconds: 1,
    waitMs: 30_000,
    ...opts,
  };
  const devnet = await startDevnet({
    blockPeriodSeconds: s.blockPeriodSeconds,
    kube: false,
    heartbeatSeconds: s.heartbeatSeconds,
  });
  const daemon = new Daemon({
    config: configFor(devnet, s),
    kinds: PROBE_KINDS,
    logger: pino({ level: 'silent' }),
    version: 'bench',
  });
  const poller = pollHeads(devnet);
  try {
    daemon.start();
    await waitUntil(() => daemon.isReady(), s.waitMs);
    await sleep(Math.min(3 * s.blockPeriodSeconds * 1000, s.waitMs));
    const downValidator =
      devnet.endpoints.find((e) => e.name === DOWN_VALIDATOR)?.validatorAddress ?? '';
    const p: Probe = {
      registry: daemon.registry,
      settings: s,
      downValidator,
      arrivals: poller.arrivals,
    };
    const plans = PLANS.filter((plan) => s.faults.includes(plan.fault));
    const falsePositives = await healthyWindow(p, plans);
    const rows: BenchRow[] = [];
    for (const plan of plans)
      rows.push(...(await runTrials(devnet, p, plan, falsePositives.get(plan.fault) ?? 0)));
    return rows;
  } finally {
    poller.stop();
    await daemon.stop();
    await devnet.stop();
  }
}

function configFor(devnet: Devnet, s: Required<DetectionOptions>) {
  const feed = devnet.feeds[0];
  if (!feed) throw new Error('the devnet deployed no feed');
  const followed = devnet.endpoints.find((e) => e.name === FOLLOWED);
  const doc = {
    global: {
      chainId: devnet.chainId,
      blockPeriodSeconds: s.blockPeriodSeconds,
      location: 'bench',
      intervalMs: s.intervalMs,
      timeoutMs: Math.round(s.intervalMs * 0.8),
    },
    endpoints: devnet.endpoints.map((e) => ({ name: e.name, url: e.url, role: e.role })),
    probes: [
      { name: 'rpc', kind: 'rpc', endpoints: [DOWN_RPC, FOLLOWED] },
      { name: 'block', kind: 'block', endpoints: [DOWN_RPC, FOLLOWED] },
      {
        name: 'validators',
        kind: 'validators',
        endpoint: FOLLOWED,
        qbftApi: followed?.qbftApi ?? false,
      },
      {
        name: 'oracle',
        kind: 'oracle',
        endpoint: FOLLOWED,
        graceSeconds: s.graceSeconds,
        feeds: [
          {
            name: FEED,
            address: feed.address,
            heartbeatSeconds: feed.heartbeatSeconds,
            decimals: feed.decimals,
          },
        ],
      },
    ],
  };
  return parseConfig(stringify(doc), PROBE_KINDS, {});
}

// The bench's own view of the chain: when each head arrived on the followed node, and its round.
function pollHeads(devnet: Devnet): { arrivals: Arrival[]; stop(): void } {
  const url = devnet.endpoints.find((e) => e.name === FOLLOWED)?.url ?? '';
  const arrivals: Arrival[] = [];
  let stopped = false;
  const loop = async (): Promise<void> => {
    while (!stopped) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["latest",false]}',
        });
        const block = ((await res.json()) as { result: { number: string; extraData: string } })
          .result;
        const number = Number(block.number);
        if (number > (arrivals.at(-1)?.number ?? -1)) {
          arrivals.push({
            number,
            round: decodeExtraData(block.extraData).extra.round,
            at: performance.now(),
          });
        }
      } catch {
        // the node may be briefly unavailable; the next poll tells
      }
      await sleep(25);
    }
  };
  void loop();
  return { arrivals, stop: () => void (stopped = true) };
}

async function valueOf(
  registry: Registry,
  name: string,
  match: Record<string, string>,
): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return undefined;
  const hit = (await metric.get()).values.find((v) =>
    Object.entries(match).every(
      ([k, want]) => String(v.labels[k]).toLowerCase() === want.toLowerCase(),
    ),
  );
  return hit?.value;
}

const missedSlots = (p: Probe): Promise<number> =>
  valueOf(p.registry, 'chainprobe_validators_missed_slots_total', {
    endpoint: FOLLOWED,
    validator: p.downValidator,
  }).then((v) => v ?? 0);

/** The faults, their detection conditions and the instant each becomes observable. */
const PLANS: FaultPlan[] = [
  {
    fault: 'rpc-down',
    condition: `chainprobe_probe_success{probe="rpc",target="${DOWN_RPC}"} == 0`,
    goalFrom: 'injection',
    clockFrom: 'injection (connections are refused at once)',
    switch: (d, on) => d.setFault('rpc-down', on, { target: DOWN_RPC }),
    baseline: async () => 0,
    shows: async (p) =>
      (await valueOf(p.registry, 'chainprobe_probe_success', {
        probe: 'rpc',
        target: DOWN_RPC,
      })) === 0,
    evidence: async (_p, at) => at,
  },
  {
    fault: 'chain-halt',
    condition: `chainprobe_block_head_unchanged_seconds{endpoint="${FOLLOWED}"} > blockPeriodSeconds`,
    goalFrom: 'injection',
    clockFrom: 'injection (evidence: the next block overdue, last arrival + P)',
    switch: (d, on) => d.setFault('chain-halt', on),
    baseline: async () => 0,
    shows: async (p) =>
      ((await valueOf(p.registry, 'chainprobe_block_head_unchanged_seconds', {
        endpoint: FOLLOWED,
      })) ?? 0) > p.settings.blockPeriodSeconds,
    // Observable once the next block is overdue: one period after the last one arrived.
    evidence: async (p, at) =>
      Math.max(at, (p.arrivals.at(-1)?.at ?? at) + p.settings.blockPeriodSeconds * 1000),
  },
  {
    fault: 'validator-down',
    condition: 'chainprobe_validators_missed_slots_total{validator=<down>} increases',
    goalFrom: 'evidence',
    clockFrom: "the block committed in round > 0 at the down validator's slot arriving",
    switch: (d, on) => d.setFault('validator-down', on, { target: DOWN_VALIDATOR }),
    baseline: missedSlots,
    shows: async (p, base) => (await missedSlots(p)) > base,
    evidence: async (p, at) => p.arrivals.find((a) => a.at > at && a.round > 0)?.at ?? Number.NaN,
  },
  {
    fault: 'oracle-stale',
    condition: `chainprobe_oracle_feed_state{feed="${FEED}",state="stale"} == 1 (publisher-stopped)`,
    goalFrom: 'evidence',
    clockFrom: 'updatedAt + heartbeat + grace passing (the feed becoming stale by definition)',
    switch: (d, on) => d.setFault('publisher-stopped', on),
    baseline: async () => 0,
    shows: async (p) =>
      (await valueOf(p.registry, 'chainprobe_oracle_feed_state', {
        feed: FEED,
        state: 'stale',
      })) === 1,
    evidence: async (p, at, wall) => {
      const updatedAt = await valueOf(p.registry, 'chainprobe_oracle_updated_timestamp_seconds', {
        feed: FEED,
      });
      if (updatedAt === undefined) return Number.NaN;
      const staleAtWall =
        (updatedAt + p.settings.heartbeatSeconds + p.settings.graceSeconds) * 1000;
      return at + (staleAtWall - wall);
    },
  },
];

async function healthyWindow(p: Probe, plans: FaultPlan[]): Promise<Map<DetectedFault, number>> {
  const counts = new Map<DetectedFault, number>(plans.map((plan) => [plan.fault, 0]));
  const bases = new Map<DetectedFault, number>();
  for (const plan of plans) bases.set(plan.fault, await plan.baseline(p));
  const end = performance.now() + p.settings.healthyMs;
  while (performance.now() < end) {
    for (const plan of plans)
      if (await plan.shows(p, bases.get(plan.fault) ?? 0))
        counts.set(plan.fault, (counts.get(plan.fault) ?? 0) + 1);
    await sleep(25);
  }
  return counts;
}

interface Trial {
  fromInjection: number;
  fromEvidence: number;
}

async function runTrials(
  devnet: Devnet,
  p: Probe,
  plan: FaultPlan,
  falsePositives: number,
): Promise<BenchRow[]> {
  const trials: Trial[] = [];
  const misses: string[] = [];
  for (let t = 0; t < p.settings.trials; t++) {
    // A random phase against the block and probe clocks, so trials do not repeat one case.
    await sleep(Math.random() * p.settings.blockPeriodSeconds * 1000);
    const base = await plan.baseline(p);
    const injectedWall = Date.now();
    const injectedAt = performance.now();
    await plan.switch(devnet, true);
    const seenAt = await waitUntil(() => plan.shows(p, base), p.settings.waitMs).catch(() => null);
    const evidence = await plan.evidence(p, injectedAt, injectedWall);
    await plan.switch(devnet, false);
    if (seenAt === null)
      misses.push(`trial ${t + 1}: not shown within ${p.settings.waitMs / 1000} s`);
    else
      trials.push({
        fromInjection: (seenAt - injectedAt) / 1000,
        fromEvidence: (seenAt - evidence) / 1000,
      });
    await recover(p, plan);
  }
  return detectionRows(plan, p.settings, trials, misses, falsePositives);
}

// Waits for the condition to clear (a counter-based one never does: only a short settle).
async function recover(p: Probe, plan: FaultPlan): Promise<void> {
  if (plan.fault === 'validator-down') return sleep(p.settings.blockPeriodSeconds * 1000);
  await waitUntil(async () => !(await plan.shows(p, 0)), p.settings.waitMs).catch(() => undefined);
  await sleep(p.settings.intervalMs);
}

async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<number> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    if (await check()) return performance.now();
    await sleep(25);
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

function detectionRows(
  plan: FaultPlan,
  s: Required<DetectionOptions>,
  trials: Trial[],
  misses: string[],
  falsePositives: number,
): BenchRow[] {
  const limit = s.blockPeriodSeconds + s.intervalMs / 1000;
  const clocked = (t: Trial): number =>
    plan.goalFrom === 'injection' ? t.fromInjection : t.fromEvidence;
  const worst = Math.max(...trials.map(clocked));
  const inj = trials.map((t) => t.fromInjection.toFixed(2)).join(', ');
  const ev = trials.map((t) => t.fromEvidence.toFixed(2)).join(', ');
  const note = `${plan.condition}; goal clock from ${plan.clockFrom}; per trial from injection: ${inj} s, from first evidence: ${ev} s; healthy-window false positives: ${falsePositives}${misses.length ? `; ${misses.join('; ')}` : ''}`;
  const measure = `${plan.fault}: worst of ${s.trials}, from ${plan.goalFrom}`;
  if (trials.length === 0)
    return [infoRow({ bench: BENCH, measure, value: Number.NaN, unit: 's', note })];
  const row = goalRow(
    { bench: BENCH, measure, value: worst, unit: 's', goal: `<= ${limit} s (P + interval)`, note },
    limit,
  );
  const extra = misses.length > 0 || falsePositives > 0 ? { met: false } : {};
  return [
    { ...row, ...extra },
    infoRow({
      bench: BENCH,
      measure: `${plan.fault}: from injection, median`,
      value: median(trials.map((t) => t.fromInjection)),
      unit: 's',
      note: `P = ${s.blockPeriodSeconds} s, probe interval ${s.intervalMs / 1000} s`,
    }),
  ];
}
