import { RpcClient } from '../../src/rpc/client.js';
import { startBlackbox, type BlackboxProbe } from './blackbox.js';
import { startLoadServers } from './processes.js';
import { goalRow, infoRow, type BenchRow } from './rows.js';
import { median, quantile } from './stats.js';

/** Options of the measurement-overhead benchmark. */
export interface OverheadOptions {
  /** Measured calls per tool (after `warmup`), default 300. */
  samples?: number;
  warmup?: number;
  /** Server-side handling time of every request, ms, default 20. */
  delayMs?: number;
  /** blackbox_exporter binary; null skips the comparison. */
  blackbox: string | null;
}

const BENCH = '1 overhead';

/**
 * Benchmark 1: chainprobe's reported eth_blockNumber latency (the RpcClient's onCall seconds,
 * what chainprobe_rpc_request_duration_seconds observes) minus the server's own handling time,
 * against the same for blackbox_exporter, interleaved call by call on one server process.
 */
export async function benchOverhead(opts: OverheadOptions): Promise<BenchRow[]> {
  const samples = opts.samples ?? 300;
  const warmup = opts.warmup ?? 10;
  const delayMs = opts.delayMs ?? 20;
  const servers = await startLoadServers({ servers: 1, delayMs, record: true });
  const blackbox = opts.blackbox ? await startBlackbox(opts.blackbox) : null;
  const reported: number[] = [];
  const client = new RpcClient({
    url: `${servers.urls[0]}/chainprobe`,
    onCall: ({ seconds }) => {
      if (seconds !== null) reported.push(seconds);
    },
  });
  const probes: BlackboxProbe[] = [];
  try {
    for (let i = 0; i < warmup + samples; i++) {
      await client.call('eth_blockNumber');
      if (blackbox) probes.push(await blackbox.probe(`${servers.urls[0]}/blackbox`));
    }
    const stats = await servers.stats();
    return overheadRows({
      delayMs,
      warmup,
      reported,
      serverCp: stats['/chainprobe'] ?? [],
      probes,
      serverBb: stats['/blackbox'] ?? [],
    });
  } finally {
    await client.close();
    await blackbox?.stop();
    await servers.stop();
  }
}

interface Samples {
  delayMs: number;
  warmup: number;
  reported: number[];
  serverCp: number[];
  probes: BlackboxProbe[];
  serverBb: number[];
}

/** Pairs each call with the server's figure for it (same order) and builds the rows. */
export function overheadRows(s: Samples): BenchRow[] {
  const ms = (x: number): number => x * 1000;
  const cp = pairDiff(s.reported.slice(s.warmup), s.serverCp.slice(s.warmup));
  const server = s.serverCp.slice(s.warmup);
  const rows: BenchRow[] = [
    infoRow({
      bench: BENCH,
      measure: 'server handling p50',
      value: ms(median(server)),
      unit: 'ms',
      note: `server-side, target ${s.delayMs} ms, n=${server.length}`,
    }),
    infoRow({
      bench: BENCH,
      measure: 'chainprobe reported p50',
      value: ms(median(s.reported.slice(s.warmup))),
      unit: 'ms',
      note: 'RpcClient onCall seconds (the rpc_request_duration histogram input)',
    }),
  ];
  const probes = s.probes.slice(s.warmup);
  if (probes.length === 0) {
    rows.push(
      infoRow({
        bench: BENCH,
        measure: 'chainprobe overhead p50',
        value: ms(median(cp)),
        unit: 'ms',
        note: 'blackbox_exporter not available: no comparison',
      }),
    );
    rows.push(
      infoRow({
        bench: BENCH,
        measure: 'chainprobe overhead p95',
        value: ms(quantile(cp, 0.95)),
        unit: 'ms',
        note: 'blackbox_exporter not available: no comparison',
      }),
    );
    return rows;
  }
  const bbServer = s.serverBb.slice(s.warmup);
  const failed = probes.filter((p) => !p.success).length;
  const bbHttp = pairDiff(
    probes.map((p) => p.httpSeconds),
    bbServer,
  );
  const bbTotal = pairDiff(
    probes.map((p) => p.durationSeconds),
    bbServer,
  );
  for (const [q, label] of [
    [0.5, 'p50'],
    [0.95, 'p95'],
  ] as const) {
    const limit = ms(quantile(bbHttp, q));
    rows.push(
      goalRow(
        {
          bench: BENCH,
          measure: `chainprobe overhead ${label}`,
          value: ms(quantile(cp, q)),
          unit: 'ms',
          goal: `< blackbox ${label} (${limit.toFixed(2)} ms)`,
          note: `reported - server time, n=${cp.length}`,
        },
        limit,
        true,
      ),
    );
  }
  rows.push(
    infoRow({
      bench: BENCH,
      measure: 'blackbox overhead p50 / p95',
      value: ms(median(bbHttp)),
      unit: 'ms',
      note: `sum of probe_http_duration_seconds - server; p95 ${ms(quantile(bbHttp, 0.95)).toFixed(2)} ms; n=${bbHttp.length}, ${failed} failed`,
    }),
  );
  rows.push(
    infoRow({
      bench: BENCH,
      measure: 'blackbox probe_duration overhead p50',
      value: ms(median(bbTotal)),
      unit: 'ms',
      note: `probe_duration_seconds - server; p95 ${ms(quantile(bbTotal, 0.95)).toFixed(2)} ms`,
    }),
  );
  return rows;
}

function pairDiff(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.min(a.length, b.length);
  return Array.from({ length: n }, (_, i) => (a[i] ?? 0) - (b[i] ?? 0));
}
