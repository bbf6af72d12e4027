import { computeThresholds } from './alerts.js';

/**
 * promtool unit-test cases, at least one of each kind per alert: `fires` (the fault), `healthy`
 * (a normal series stays silent) and `edge` (at the threshold, or not yet held for `for`).
 * They are written for the default options (2 s block period, job `chainprobe`).
 */
export type CaseKind = 'fires' | 'healthy' | 'edge';

/** Values of one input series, in promtool's expanding notation or as a helper's output. */
export type SeriesValues = string;

/** An alert the case expects: the expression's output labels and, if templates read it, value. */
export interface ExpectedAlert {
  labels: Record<string, string>;
  value?: number;
}

/** One promtool test group for one alert. */
export interface AlertCase {
  alert: string;
  kind: CaseKind;
  /** Short kebab-case description. */
  desc: string;
  /** Scrape interval of the input series (promtool duration), default 1m. */
  interval?: string;
  /** Series selector (with labels) to values. */
  series: Record<string, SeriesValues>;
  /** When to evaluate (promtool duration). */
  evalAt: string;
  /** Expected alerts; empty means silent. */
  expect: ExpectedAlert[];
}

/** `v` repeated `n + 1` times. */
function flat(v: number, n = 60): string {
  return `${v}x${n}`;
}

/** A counter from `start` increasing by `step` per sample, `n + 1` samples. */
function grow(step: number, n = 60, start = 0): string {
  return `${start}+${step}x${n}`;
}

/** `a` for `n` samples, then `b` for `m + 1` samples. */
function change(a: number, n: number, b: number, m = 60): string {
  return `${a}x${n - 1} ${b}x${m}`;
}

const T = computeThresholds(2);

/** chainprobe's configured block period, as every instance exports it. */
const period = (seconds: number, location = 'dc-a'): Record<string, string> => ({
  [sel('chainprobe_config_block_period_seconds', { location })]: flat(seconds),
});

const sel = (name: string, labels: Record<string, string>): string =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;

const LAT = 'chainprobe_rpc_request_duration_seconds_bucket';
const LAG = 'chainprobe_probe_schedule_lag_seconds_bucket';

/**
 * Cumulative bucket series of a histogram whose new observations per sample fall as `counts`
 * says, as [le, count] pairs in ascending order (an array: object keys like '1' would reorder).
 */
function histogram(
  name: string,
  labels: Record<string, string>,
  counts: Array<[string, number]>,
): Record<string, string> {
  const out: Record<string, string> = {};
  let cumulative = 0;
  for (const [le, n] of counts) {
    cumulative += n;
    out[sel(name, { ...labels, le })] = grow(cumulative);
  }
  return out;
}

const RPC1A = { endpoint: 'rpc-1', location: 'dc-a' };
const RPC1B = { endpoint: 'rpc-1', location: 'dc-b' };
const RPC2A = { endpoint: 'rpc-2', location: 'dc-a' };
const SUCCESS = 'chainprobe_probe_success';
const rpcTask = (location: string) => ({ probe: 'rpc', kind: 'rpc', target: 'rpc-1', location });
const SELF = { location: 'dc-a', instance: '10.0.0.7:9488' };

function chainCases(): AlertCase[] {
  const unchanged = 'chainprobe_block_head_unchanged_seconds';
  const sum = 'chainprobe_block_interval_seconds_sum';
  const count = 'chainprobe_block_interval_seconds_count';
  const peers = 'chainprobe_rpc_peer_count';
  return [
    {
      alert: 'ChainHalted',
      kind: 'fires',
      desc: 'every-endpoint-stuck-everywhere',
      interval: '15s',
      series: {
        [sel(unchanged, RPC1A)]: grow(15),
        [sel(unchanged, RPC1B)]: grow(15),
        [sel(unchanged, RPC2A)]: grow(15, 60, 5),
        ...period(2),
        ...period(2, 'dc-b'),
      },
      evalAt: '3m',
      expect: [{ labels: {}, value: 180 }],
    },
    {
      alert: 'ChainHalted',
      kind: 'healthy',
      desc: 'one-endpoint-stuck-another-advancing',
      interval: '15s',
      series: {
        [sel(unchanged, RPC1A)]: grow(15),
        [sel(unchanged, RPC2A)]: flat(2),
        ...period(2),
      },
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'ChainHalted',
      kind: 'healthy',
      desc: 'two-minutes-is-normal-for-a-10s-chain',
      interval: '15s',
      series: { [sel(unchanged, RPC1A)]: flat(120), ...period(10) },
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'ChainHalted',
      kind: 'edge',
      desc: 'unchanged-exactly-at-threshold',
      interval: '15s',
      series: { [sel(unchanged, RPC1A)]: flat(T.haltSeconds), ...period(2) },
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'ChainBlocksSlow',
      kind: 'fires',
      desc: 'mean-interval-5s',
      series: { [sel(sum, RPC1A)]: grow(60), [sel(count, RPC1A)]: grow(12), ...period(2) },
      evalAt: '30m',
      expect: [{ labels: {}, value: 5 }],
    },
    {
      alert: 'ChainBlocksSlow',
      kind: 'healthy',
      desc: 'slow-from-one-endpoint-only',
      series: {
        [sel(sum, RPC1A)]: grow(60),
        [sel(count, RPC1A)]: grow(12),
        [sel(sum, RPC2A)]: grow(60),
        [sel(count, RPC2A)]: grow(30),
        ...period(2),
      },
      evalAt: '30m',
      expect: [],
    },
    {
      alert: 'ChainBlocksSlow',
      kind: 'edge',
      desc: 'mean-interval-just-under-threshold',
      series: { [sel(sum, RPC1A)]: grow(58), [sel(count, RPC1A)]: grow(20), ...period(2) },
      evalAt: '30m',
      expect: [],
    },
    {
      alert: 'BesuNodeNoPeers',
      kind: 'fires',
      desc: 'zero-peers-everywhere',
      series: { [sel(peers, RPC1A)]: flat(0), [sel(peers, RPC1B)]: flat(0) },
      evalAt: '10m',
      expect: [{ labels: { endpoint: 'rpc-1' } }],
    },
    {
      alert: 'BesuNodeNoPeers',
      kind: 'healthy',
      desc: 'four-peers',
      series: { [sel(peers, RPC1A)]: flat(4) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'BesuNodeNoPeers',
      kind: 'edge',
      desc: 'one-peer-left',
      series: { [sel(peers, RPC1A)]: flat(1) },
      evalAt: '10m',
      expect: [],
    },
  ];
}

function rpcAvailabilityCases(): AlertCase[] {
  const a = sel(SUCCESS, rpcTask('dc-a'));
  const b = sel(SUCCESS, rpcTask('dc-b'));
  return [
    {
      alert: 'RpcEndpointDown',
      kind: 'fires',
      desc: 'down-from-both-locations',
      series: { [a]: flat(0), [b]: flat(0) },
      evalAt: '5m',
      expect: [{ labels: { endpoint: 'rpc-1' } }],
    },
    {
      alert: 'RpcEndpointDown',
      kind: 'healthy',
      desc: 'down-from-one-location-only',
      series: { [a]: flat(0), [b]: flat(1) },
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'RpcEndpointDown',
      kind: 'edge',
      desc: 'down-shorter-than-for',
      series: { [a]: change(1, 7, 0), [b]: change(1, 7, 0) },
      evalAt: '8m',
      expect: [],
    },
    {
      alert: 'RpcEndpointDownFromLocation',
      kind: 'fires',
      desc: 'down-from-dc-a-up-from-dc-b',
      series: { [a]: flat(0), [b]: flat(1) },
      evalAt: '15m',
      expect: [{ labels: { endpoint: 'rpc-1', location: 'dc-a' } }],
    },
    {
      alert: 'RpcEndpointDownFromLocation',
      kind: 'healthy',
      desc: 'up-everywhere',
      series: { [a]: flat(1), [b]: flat(1) },
      evalAt: '15m',
      expect: [],
    },
    {
      alert: 'RpcEndpointDownFromLocation',
      kind: 'edge',
      desc: 'down-everywhere-is-rpc-endpoint-down-instead',
      series: { [a]: flat(0), [b]: flat(0) },
      evalAt: '15m',
      expect: [],
    },
  ];
}

function rpcLatencyCases(): AlertCase[] {
  const buckets = (slow: number, fast: number, mid = 0): Array<[string, number]> => [
    ['0.5', fast],
    ['1', mid],
    ['2.5', slow],
    ['+Inf', 0],
  ];
  const m = { method: 'eth_getBlockByNumber' };
  return [
    {
      alert: 'RpcEndpointSlow',
      kind: 'fires',
      desc: 'p95-in-the-2.5s-bucket',
      series: histogram(LAT, { ...RPC1A, ...m }, buckets(10, 0)),
      evalAt: '20m',
      expect: [{ labels: { endpoint: 'rpc-1' }, value: 2.425 }],
    },
    {
      alert: 'RpcEndpointSlow',
      kind: 'healthy',
      desc: 'slow-from-dc-a-fast-from-dc-b',
      series: {
        ...histogram(LAT, { ...RPC1A, ...m }, buckets(10, 0)),
        ...histogram(LAT, { ...RPC1B, ...m }, buckets(0, 10)),
      },
      evalAt: '20m',
      expect: [],
    },
    {
      alert: 'RpcEndpointSlow',
      kind: 'edge',
      desc: 'p95-just-under-one-second',
      series: histogram(LAT, { ...RPC1A, ...m }, buckets(0, 0, 10)),
      evalAt: '20m',
      expect: [],
    },
  ];
}

function rpcErrorCases(): AlertCase[] {
  const req = (l: Record<string, string>) =>
    sel('chainprobe_rpc_requests_total', { ...l, method: 'eth_chainId' });
  const err = (l: Record<string, string>, cls: string) =>
    sel('chainprobe_rpc_errors_total', { ...l, method: 'eth_chainId', class: cls });
  return [
    {
      alert: 'RpcEndpointErrors',
      kind: 'fires',
      desc: 'ten-percent-timeouts',
      series: { [req(RPC1A)]: grow(10), [err(RPC1A, 'timeout')]: grow(1) },
      evalAt: '20m',
      expect: [{ labels: { endpoint: 'rpc-1' }, value: 0.1 }],
    },
    {
      alert: 'RpcEndpointErrors',
      kind: 'healthy',
      desc: 'rate-limited-errors-do-not-count',
      series: { [req(RPC1A)]: grow(10), [err(RPC1A, 'rate_limited')]: grow(5) },
      evalAt: '20m',
      expect: [],
    },
    {
      alert: 'RpcEndpointErrors',
      kind: 'edge',
      desc: 'four-percent-errors',
      series: { [req(RPC1A)]: grow(25), [err(RPC1A, 'http_5xx')]: grow(1) },
      evalAt: '20m',
      expect: [],
    },
    {
      alert: 'RpcEndpointRateLimited',
      kind: 'fires',
      desc: 'limited-from-one-location',
      series: {
        [req(RPC1A)]: grow(10),
        [err(RPC1A, 'rate_limited')]: grow(2),
        [req(RPC1B)]: grow(10),
      },
      evalAt: '20m',
      expect: [{ labels: { endpoint: 'rpc-1' } }],
    },
    {
      alert: 'RpcEndpointRateLimited',
      kind: 'healthy',
      desc: 'other-errors-only',
      series: { [err(RPC1A, 'timeout')]: grow(2) },
      evalAt: '20m',
      expect: [],
    },
    {
      alert: 'RpcEndpointRateLimited',
      kind: 'edge',
      desc: 'limiting-stopped-before-the-window',
      series: { [err(RPC1A, 'rate_limited')]: `0+1x10 10x50` },
      evalAt: '20m',
      expect: [],
    },
  ];
}

function rpcChainCases(): AlertCase[] {
  const match = 'chainprobe_rpc_chain_id_match';
  const behind = 'chainprobe_block_behind_blocks';
  const agree = 'chainprobe_block_hash_agreement';
  return [
    {
      alert: 'RpcEndpointWrongChain',
      kind: 'fires',
      desc: 'wrong-chain-from-one-location',
      interval: '15s',
      series: { [sel(match, RPC1A)]: flat(1), [sel(match, RPC1B)]: flat(0) },
      evalAt: '3m',
      expect: [{ labels: { endpoint: 'rpc-1' } }],
    },
    {
      alert: 'RpcEndpointWrongChain',
      kind: 'healthy',
      desc: 'chain-id-matches',
      interval: '15s',
      series: { [sel(match, RPC1A)]: flat(1), [sel(match, RPC1B)]: flat(1) },
      evalAt: '3m',
      expect: [],
    },
    {
      alert: 'RpcEndpointWrongChain',
      kind: 'edge',
      desc: 'mismatch-shorter-than-for',
      interval: '15s',
      series: { [sel(match, RPC1A)]: change(1, 9, 0) },
      evalAt: '2m30s',
      expect: [],
    },
    {
      alert: 'RpcEndpointBehind',
      kind: 'fires',
      desc: 'forty-blocks-behind-everywhere',
      series: { [sel(behind, RPC1A)]: flat(40), [sel(behind, RPC1B)]: flat(40), ...period(2) },
      evalAt: '10m',
      expect: [{ labels: { endpoint: 'rpc-1' }, value: 40 }],
    },
    {
      alert: 'RpcEndpointBehind',
      kind: 'healthy',
      desc: 'behind-from-one-location-only',
      series: { [sel(behind, RPC1A)]: flat(40), [sel(behind, RPC1B)]: flat(0), ...period(2) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'RpcEndpointBehind',
      kind: 'edge',
      desc: 'exactly-at-threshold',
      series: { [sel(behind, RPC1A)]: flat(T.behindBlocks), ...period(2) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'RpcEndpointForked',
      kind: 'fires',
      desc: 'disagrees-from-one-location',
      series: { [sel(agree, RPC1A)]: flat(0), [sel(agree, RPC1B)]: flat(1) },
      evalAt: '5m',
      expect: [{ labels: { endpoint: 'rpc-1' } }],
    },
    {
      alert: 'RpcEndpointForked',
      kind: 'healthy',
      desc: 'agrees',
      series: { [sel(agree, RPC1A)]: flat(1), [sel(agree, RPC2A)]: flat(1) },
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'RpcEndpointForked',
      kind: 'edge',
      desc: 'disagreement-shorter-than-for',
      series: { [sel(agree, RPC1A)]: change(1, 4, 0) },
      evalAt: '5m',
      expect: [],
    },
  ];
}

function besuHealthCases(): AlertCase[] {
  const up = (l: Record<string, string>, check: string) =>
    sel('chainprobe_besu_health_up', { ...l, check });
  return [
    {
      alert: 'BesuNotReady',
      kind: 'fires',
      desc: 'readiness-down-everywhere',
      series: { [up(RPC1A, 'readiness')]: flat(0), [up(RPC1B, 'readiness')]: flat(0) },
      evalAt: '10m',
      expect: [{ labels: { endpoint: 'rpc-1' } }],
    },
    {
      alert: 'BesuNotReady',
      kind: 'healthy',
      desc: 'ready-and-live',
      series: { [up(RPC1A, 'readiness')]: flat(1), [up(RPC1A, 'liveness')]: flat(1) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'BesuNotReady',
      kind: 'edge',
      desc: 'unrecognised-answer-is-not-down',
      series: { [up(RPC1A, 'readiness')]: flat(-1) },
      evalAt: '10m',
      expect: [],
    },
  ];
}

function chainprobeUpCases(): AlertCase[] {
  const up = sel('up', { job: 'chainprobe', instance: SELF.instance });
  const build = sel('chainprobe_build_info', { ...SELF, version: '0.1.0', node_version: 'v20' });
  const lastRun = sel('chainprobe_probe_last_run_timestamp_seconds', {
    ...SELF,
    probe: 'blocks',
    kind: 'block',
    target: 'rpc-1',
  });
  const task = { ...SELF, probe: 'blocks', kind: 'block', target: 'rpc-1' };
  const interval = sel('chainprobe_probe_interval_seconds', task);
  return [
    {
      alert: 'ChainprobeAbsent',
      kind: 'fires',
      desc: 'no-build-info-at-all',
      series: { [up]: flat(0) },
      evalAt: '10m',
      expect: [{ labels: {} }],
    },
    {
      alert: 'ChainprobeAbsent',
      kind: 'healthy',
      desc: 'build-info-present',
      series: { [build]: flat(1) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'ChainprobeAbsent',
      kind: 'edge',
      desc: 'gone-but-within-lookback-and-for',
      series: { [build]: flat(1, 3) },
      evalAt: '12m',
      expect: [],
    },
    {
      alert: 'ChainprobeTargetDown',
      kind: 'fires',
      desc: 'scrape-failing',
      series: { [up]: flat(0) },
      evalAt: '10m',
      expect: [{ labels: { job: 'chainprobe', instance: SELF.instance } }],
    },
    {
      alert: 'ChainprobeTargetDown',
      kind: 'healthy',
      desc: 'scrape-ok',
      series: { [up]: flat(1) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'ChainprobeTargetDown',
      kind: 'edge',
      desc: 'down-shorter-than-for',
      series: { [up]: change(1, 6, 0) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'ChainprobeProbesStalled',
      kind: 'fires',
      desc: 'one-second-task-stuck-since-5m',
      series: { [lastRun]: '0+60x5 300x40', [interval]: flat(1) },
      evalAt: '20m',
      expect: [{ labels: { location: 'dc-a', probe: 'blocks', target: 'rpc-1' }, value: 900 }],
    },
    {
      alert: 'ChainprobeProbesStalled',
      kind: 'healthy',
      desc: 'runs-every-minute',
      series: { [lastRun]: grow(60), [interval]: flat(60) },
      evalAt: '20m',
      expect: [],
    },
    {
      alert: 'ChainprobeProbesStalled',
      kind: 'healthy',
      desc: 'hourly-task-between-runs',
      series: { [lastRun]: flat(0), [interval]: flat(3600) },
      evalAt: '50m',
      expect: [],
    },
    {
      alert: 'ChainprobeProbesStalled',
      kind: 'edge',
      desc: 'exactly-ten-minutes-old',
      series: { [lastRun]: '0+60x10 600x40', [interval]: flat(1) },
      evalAt: '20m',
      expect: [],
    },
    {
      alert: 'ChainprobeInternalErrors',
      kind: 'fires',
      desc: 'internal-failures',
      series: { [sel('chainprobe_probe_failures_total', { ...task, class: 'internal' })]: grow(1) },
      evalAt: '20m',
      expect: [{ labels: { location: 'dc-a', probe: 'blocks', kind: 'block' } }],
    },
    {
      alert: 'ChainprobeInternalErrors',
      kind: 'healthy',
      desc: 'network-failures-are-not-internal',
      series: { [sel('chainprobe_probe_failures_total', { ...task, class: 'timeout' })]: grow(1) },
      evalAt: '20m',
      expect: [],
    },
    {
      alert: 'ChainprobeInternalErrors',
      kind: 'edge',
      desc: 'no-new-internal-failures',
      series: { [sel('chainprobe_probe_failures_total', { ...task, class: 'internal' })]: flat(3) },
      evalAt: '20m',
      expect: [],
    },
  ];
}

function chainprobeEngineCases(): AlertCase[] {
  const lag = (fast: number, mid: number, slow: number) =>
    histogram(LAG, { ...SELF, probe: 'blocks', kind: 'block' }, [
      ['0.5', fast],
      ['1', mid],
      ['2.5', 0],
      ['5', slow],
      ['+Inf', 0],
    ]);
  const skipped = sel('chainprobe_probe_skipped_total', {
    ...SELF,
    probe: 'blocks',
    kind: 'block',
    target: 'rpc-1',
  });
  const ready = sel('chainprobe_ready', SELF);
  const reload = sel('chainprobe_config_last_reload_successful', SELF);
  return [
    {
      alert: 'ChainprobeScheduleLagHigh',
      kind: 'fires',
      desc: 'p95-in-the-5s-bucket',
      series: lag(0, 0, 10),
      evalAt: '30m',
      expect: [{ labels: SELF, value: 4.875 }],
    },
    {
      alert: 'ChainprobeScheduleLagHigh',
      kind: 'healthy',
      desc: 'sub-second-lag',
      series: lag(10, 0, 0),
      evalAt: '30m',
      expect: [],
    },
    {
      alert: 'ChainprobeScheduleLagHigh',
      kind: 'edge',
      desc: 'p95-just-under-one-second',
      series: lag(0, 10, 0),
      evalAt: '30m',
      expect: [],
    },
    {
      alert: 'ChainprobeRunsSkipped',
      kind: 'fires',
      desc: 'a-skip-every-minute',
      series: { [skipped]: grow(1) },
      evalAt: '30m',
      expect: [{ labels: { location: 'dc-a', probe: 'blocks' } }],
    },
    {
      alert: 'ChainprobeRunsSkipped',
      kind: 'healthy',
      desc: 'no-skips',
      series: { [skipped]: flat(0) },
      evalAt: '30m',
      expect: [],
    },
    {
      alert: 'ChainprobeRunsSkipped',
      kind: 'edge',
      desc: 'skips-stopped-before-the-window',
      series: { [skipped]: '0+1x5 5x60' },
      evalAt: '30m',
      expect: [],
    },
    {
      alert: 'ChainprobeNotReady',
      kind: 'fires',
      desc: 'never-ready',
      series: { [ready]: flat(0) },
      evalAt: '15m',
      expect: [{ labels: SELF }],
    },
    {
      alert: 'ChainprobeNotReady',
      kind: 'healthy',
      desc: 'ready',
      series: { [ready]: flat(1) },
      evalAt: '15m',
      expect: [],
    },
    {
      alert: 'ChainprobeNotReady',
      kind: 'edge',
      desc: 'not-ready-shorter-than-for',
      series: { [ready]: change(1, 6, 0) },
      evalAt: '15m',
      expect: [],
    },
    {
      alert: 'ChainprobeConfigReloadFailed',
      kind: 'fires',
      desc: 'reload-rejected',
      series: { [reload]: change(1, 3, 0) },
      evalAt: '10m',
      expect: [{ labels: SELF }],
    },
    {
      alert: 'ChainprobeConfigReloadFailed',
      kind: 'healthy',
      desc: 'reload-ok',
      series: { [reload]: flat(1) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'ChainprobeConfigReloadFailed',
      kind: 'edge',
      desc: 'rejected-just-now',
      interval: '15s',
      series: { [reload]: change(1, 38, 0) },
      evalAt: '10m',
      expect: [],
    },
  ];
}

function validatorCases(): AlertCase[] {
  const V = '0x27a97c9aaf04f18f3014c32e036dd0ac76da5f18';
  const v = (endpoint: string, location = 'dc-a') => ({ endpoint, validator: V, location });
  const live = (e: string, l?: string) => sel('chainprobe_validators_validator_live', v(e, l));
  const missed = (e: string) => sel('chainprobe_validators_missed_slots_total', v(e));
  const part = (e: string) => sel('chainprobe_validators_seal_participation_ratio', v(e));
  const net = (name: string, endpoint: string) => sel(name, { endpoint, location: 'dc-a' });
  const margin = (e: string) => net('chainprobe_validators_fault_margin', e);
  const ft = (e: string) => net('chainprobe_validators_fault_tolerance', e);
  const rounds = net('chainprobe_validators_round_changes_total', 'validator-0');
  const blocks = net('chainprobe_validators_blocks_processed_total', 'validator-0');
  return [
    {
      alert: 'ValidatorDown',
      kind: 'fires',
      desc: 'not-live-in-every-view',
      series: { [live('validator-0')]: flat(0), [live('rpc-0', 'dc-b')]: flat(0) },
      evalAt: '10m',
      expect: [{ labels: { validator: V } }],
    },
    {
      alert: 'ValidatorDown',
      kind: 'healthy',
      desc: 'live-in-one-view',
      series: { [live('validator-0')]: flat(0), [live('rpc-0', 'dc-b')]: flat(1) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'ValidatorDown',
      kind: 'edge',
      desc: 'down-shorter-than-for',
      series: { [live('validator-0')]: change(1, 6, 0) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'ValidatorMissingSlots',
      kind: 'fires',
      desc: 'a-missed-slot-a-minute',
      series: { [missed('validator-0')]: grow(1) },
      evalAt: '30m',
      expect: [{ labels: { validator: V }, value: 15 }],
    },
    {
      alert: 'ValidatorMissingSlots',
      kind: 'healthy',
      desc: 'no-missed-slots',
      series: { [missed('validator-0')]: flat(4) },
      evalAt: '30m',
      expect: [],
    },
    {
      alert: 'ValidatorMissingSlots',
      kind: 'edge',
      desc: 'two-missed-in-15m',
      series: { [missed('validator-0')]: '0x19 1x4 2x40' },
      evalAt: '30m',
      expect: [],
    },
    {
      alert: 'ValidatorNotSealing',
      kind: 'fires',
      desc: 'seals-one-block-in-ten',
      series: { [part('validator-0')]: flat(0.1), [part('rpc-0')]: flat(0.05) },
      evalAt: '20m',
      expect: [{ labels: { validator: V }, value: 0.1 }],
    },
    {
      alert: 'ValidatorNotSealing',
      kind: 'healthy',
      desc: 'seals-three-quarters',
      series: { [part('validator-0')]: flat(0.75) },
      evalAt: '20m',
      expect: [],
    },
    {
      alert: 'ValidatorNotSealing',
      kind: 'edge',
      desc: 'exactly-a-quarter',
      series: { [part('validator-0')]: flat(0.25) },
      evalAt: '20m',
      expect: [],
    },
    {
      alert: 'QbftQuorumMarginZero',
      kind: 'fires',
      desc: 'one-of-four-down',
      series: { [margin('validator-0')]: flat(0), [margin('rpc-0')]: flat(0) },
      evalAt: '5m',
      expect: [{ labels: {}, value: 0 }],
    },
    {
      alert: 'QbftQuorumMarginZero',
      kind: 'healthy',
      desc: 'all-four-live',
      series: { [margin('validator-0')]: flat(1) },
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'QbftQuorumMarginZero',
      kind: 'edge',
      desc: 'one-view-still-sees-margin',
      series: { [margin('validator-0')]: flat(0), [margin('rpc-0')]: flat(1) },
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'QbftQuorumMarginLow',
      kind: 'fires',
      desc: 'one-of-seven-down',
      series: { [margin('validator-0')]: flat(1), [ft('validator-0')]: flat(2) },
      evalAt: '10m',
      expect: [{ labels: {} }],
    },
    {
      alert: 'QbftQuorumMarginLow',
      kind: 'healthy',
      desc: 'seven-live',
      series: { [margin('validator-0')]: flat(2), [ft('validator-0')]: flat(2) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'QbftQuorumMarginLow',
      kind: 'edge',
      desc: 'margin-one-is-full-health-for-four',
      series: { [margin('validator-0')]: flat(1), [ft('validator-0')]: flat(1) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'QbftRoundChanges',
      kind: 'fires',
      desc: 'one-block-in-ten',
      series: { [rounds]: grow(3), [blocks]: grow(30) },
      evalAt: '40m',
      expect: [{ labels: {}, value: 0.1 }],
    },
    {
      alert: 'QbftRoundChanges',
      kind: 'healthy',
      desc: 'no-round-changes',
      series: { [rounds]: flat(0), [blocks]: grow(30) },
      evalAt: '40m',
      expect: [],
    },
    {
      alert: 'QbftRoundChanges',
      kind: 'edge',
      desc: 'four-percent',
      series: { [rounds]: grow(1), [blocks]: grow(25) },
      evalAt: '40m',
      expect: [],
    },
  ];
}

function canaryCases(): AlertCase[] {
  const C = { probe: 'canary' };
  const last = (location: string) =>
    sel('chainprobe_canary_last_success_timestamp_seconds', {
      ...C,
      endpoint: 'gateway',
      location,
    });
  const started = (location: string) =>
    sel('chainprobe_canary_started_timestamp_seconds', {
      ...C,
      endpoint: 'gateway',
      location,
    });
  const err = (cls: string, location = 'dc-a') =>
    sel('chainprobe_probe_last_error', {
      ...C,
      kind: 'canary',
      target: 'gateway',
      class: cls,
      location,
    });
  const incl = (counts: Array<[string, number]>, location = 'dc-a') =>
    histogram(
      'chainprobe_canary_inclusion_seconds_bucket',
      { ...C, endpoint: 'gateway', location },
      counts,
    );
  // Buckets of a 2 s chain (blockPeriodBuckets): 10 s is 5 periods.
  const inclusion = (fast: number, slow: number): Array<[string, number]> => [
    ['2', fast],
    ['4', 0],
    ['10', 0],
    ['20', slow],
    ['+Inf', 0],
  ];
  return [
    {
      alert: 'CanaryNotIncluded',
      kind: 'fires',
      desc: 'last-inclusion-stuck-everywhere',
      series: {
        [last('dc-a')]: '0+60x5 300x60',
        [last('dc-b')]: '0+60x4 240x60',
        [started('dc-a')]: flat(0),
        [started('dc-b')]: flat(0),
      },
      evalAt: '25m',
      expect: [{ labels: C, value: 1200 }],
    },
    {
      // The success timestamp is absent until the first inclusion: counted from the start,
      // firing once 900 s and the 60 s `for` have passed (first true at 915 s, firing at 975 s).
      alert: 'CanaryNotIncluded',
      kind: 'fires',
      desc: 'never-included-since-start',
      series: { [started('dc-a')]: flat(0), [started('dc-b')]: flat(60) },
      evalAt: '16m15s',
      expect: [{ labels: C, value: 975 }],
    },
    {
      alert: 'CanaryNotIncluded',
      kind: 'edge',
      desc: 'never-included-not-yet-held-for',
      series: { [started('dc-a')]: flat(0) },
      evalAt: '16m',
      expect: [],
    },
    {
      // chainprobe restarting every 5 minutes: each start is newer, the earliest in the hour
      // still counts.
      alert: 'CanaryNotIncluded',
      kind: 'fires',
      desc: 'restart-loop-never-included',
      series: { [started('dc-a')]: '0x4 300x4 600x4 900x4 1200x4 1500x4' },
      evalAt: '20m',
      expect: [{ labels: C, value: 1200 }],
    },
    {
      // A restart forgets the success; Prometheus still has it.
      alert: 'CanaryNotIncluded',
      kind: 'fires',
      desc: 'restart-after-last-inclusion',
      series: { [last('dc-a')]: '0+60x5 stale', [started('dc-a')]: '0x5 360x60' },
      evalAt: '25m',
      expect: [{ labels: C, value: 1200 }],
    },
    {
      alert: 'CanaryNotIncluded',
      kind: 'healthy',
      desc: 'included-from-one-location',
      series: {
        [last('dc-a')]: '0+60x5 300x60',
        [last('dc-b')]: grow(60),
        [started('dc-a')]: flat(0),
        [started('dc-b')]: flat(0),
      },
      evalAt: '25m',
      expect: [],
    },
    {
      alert: 'CanaryNotIncluded',
      kind: 'healthy',
      desc: 'restart-then-included-again',
      series: {
        [last('dc-a')]: '0+60x10 stale 660+60x50',
        [started('dc-a')]: '0x10 630x50',
      },
      evalAt: '40m',
      expect: [],
    },
    {
      alert: 'CanaryNotIncluded',
      kind: 'edge',
      desc: 'exactly-fifteen-minutes',
      series: { [last('dc-a')]: '0+60x10 600x60', [started('dc-a')]: flat(0) },
      evalAt: '25m',
      expect: [],
    },
    {
      // Its old success stays in the hour's look-back, but the canary is gone.
      alert: 'CanaryNotIncluded',
      kind: 'edge',
      desc: 'canary-removed-from-configuration',
      series: { [last('dc-a')]: '0+60x10 stale', [started('dc-a')]: '0x10 stale' },
      evalAt: '40m',
      expect: [],
    },
    {
      alert: 'CanaryTransactionsFailing',
      kind: 'fires',
      desc: 'never-included-everywhere',
      series: { [err('not_included')]: flat(1), [err('not_included', 'dc-b')]: flat(1) },
      evalAt: '15m',
      expect: [{ labels: { ...C, class: 'not_included' } }],
    },
    {
      alert: 'CanaryTransactionsFailing',
      kind: 'healthy',
      desc: 'own-funds-are-not-a-network-fault',
      series: { [err('insufficient_funds')]: flat(1) },
      evalAt: '15m',
      expect: [],
    },
    {
      alert: 'CanaryTransactionsFailing',
      kind: 'edge',
      desc: 'failing-from-one-location-only',
      series: {
        [err('rejected_underpriced')]: flat(1),
        [err('rejected_underpriced', 'dc-b')]: flat(0),
      },
      evalAt: '15m',
      expect: [],
    },
    {
      alert: 'CanaryInclusionSlow',
      kind: 'fires',
      desc: 'p95-in-the-20s-bucket',
      series: { ...incl(inclusion(0, 10)), ...period(2) },
      evalAt: '50m',
      expect: [{ labels: C, value: 19.5 }],
    },
    {
      alert: 'CanaryInclusionSlow',
      kind: 'healthy',
      desc: 'within-a-block-period',
      series: { ...incl(inclusion(10, 0)), ...period(2) },
      evalAt: '50m',
      expect: [],
    },
    {
      alert: 'CanaryInclusionSlow',
      kind: 'edge',
      desc: 'slow-from-one-location-only',
      series: {
        ...incl(inclusion(0, 10)),
        ...incl(inclusion(10, 0), 'dc-b'),
        ...period(2),
      },
      evalAt: '50m',
      expect: [],
    },
    {
      alert: 'CanaryOutOfFunds',
      kind: 'fires',
      desc: 'below-min-balance',
      series: { [err('insufficient_funds')]: flat(1) },
      evalAt: '10m',
      expect: [{ labels: C }],
    },
    {
      alert: 'CanaryOutOfFunds',
      kind: 'healthy',
      desc: 'other-failure',
      series: { [err('not_included')]: flat(1) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'CanaryOutOfFunds',
      kind: 'edge',
      desc: 'out-of-funds-shorter-than-for',
      series: { [err('insufficient_funds')]: change(0, 7, 1) },
      evalAt: '10m',
      expect: [],
    },
  ];
}

function gatewayCases(): AlertCase[] {
  const task = (target: string, location: string) =>
    sel(SUCCESS, { probe: 'rpc', kind: 'rpc', target, location });
  const info = (endpoint: string, role: string, location = 'dc-a') =>
    sel('chainprobe_endpoint_info', { endpoint, role, public: 'false', validator: '', location });
  const roles = { [info('gateway', 'gateway')]: flat(1), [info('rpc-0', 'rpc')]: flat(1) };
  const pod = (name: string) =>
    sel('chainprobe_kube_pod_ready', {
      namespace: 'besu-network',
      component: 'rpc',
      pod: name,
      location: 'in-cluster',
    });
  return [
    {
      alert: 'GatewayFailingBackendsHealthy',
      kind: 'fires',
      desc: 'gateway-down-rpc-node-up',
      series: {
        [task('gateway', 'dc-a')]: flat(0),
        [task('gateway', 'dc-b')]: flat(0),
        [task('rpc-0', 'dc-a')]: flat(1),
        ...roles,
        [info('gateway', 'gateway', 'dc-b')]: flat(1),
      },
      evalAt: '5m',
      expect: [{ labels: { endpoint: 'gateway' } }],
    },
    {
      alert: 'GatewayFailingBackendsHealthy',
      kind: 'fires',
      desc: 'gateway-down-rpc-pods-ready-public-view-only',
      series: {
        [task('gateway', 'public-eu')]: flat(0),
        [info('gateway', 'gateway', 'public-eu')]: flat(1),
        [pod('besu-rpc-0')]: flat(1),
        [pod('besu-rpc-1')]: flat(1),
      },
      evalAt: '5m',
      expect: [{ labels: { endpoint: 'gateway' } }],
    },
    {
      alert: 'GatewayFailingBackendsHealthy',
      kind: 'edge',
      desc: 'an-rpc-pod-not-ready-public-view-only',
      series: {
        [task('gateway', 'public-eu')]: flat(0),
        [info('gateway', 'gateway', 'public-eu')]: flat(1),
        [pod('besu-rpc-0')]: flat(1),
        [pod('besu-rpc-1')]: flat(0),
      },
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'GatewayFailingBackendsHealthy',
      kind: 'edge',
      desc: 'validators-answering-are-not-its-backends',
      series: {
        [task('gateway', 'dc-a')]: flat(0),
        [task('rpc-0', 'dc-a')]: flat(0),
        [task('validator-0', 'dc-a')]: flat(1),
        ...roles,
        [info('validator-0', 'validator')]: flat(1),
      },
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'GatewayFailingBackendsHealthy',
      kind: 'edge',
      desc: 'ready-pods-do-not-outvote-failing-rpc-probes',
      series: {
        [task('gateway', 'dc-a')]: flat(0),
        [task('rpc-0', 'dc-a')]: flat(0),
        ...roles,
        [pod('besu-rpc-0')]: flat(1),
      },
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'GatewayFailingBackendsHealthy',
      kind: 'healthy',
      desc: 'everything-up',
      series: { [task('gateway', 'dc-a')]: flat(1), [task('rpc-0', 'dc-a')]: flat(1), ...roles },
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'GatewayFailingBackendsHealthy',
      kind: 'edge',
      desc: 'backends-down-too-is-not-the-gateway',
      series: { [task('gateway', 'dc-a')]: flat(0), [task('rpc-0', 'dc-a')]: flat(0), ...roles },
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'GatewayFailingBackendsHealthy',
      kind: 'edge',
      desc: 'a-failing-rpc-node-is-not-a-gateway',
      series: {
        [task('gateway', 'dc-a')]: flat(1),
        [task('rpc-0', 'dc-a')]: flat(0),
        [task('rpc-1', 'dc-a')]: flat(1),
        ...roles,
        [info('rpc-1', 'rpc')]: flat(1),
      },
      evalAt: '5m',
      expect: [],
    },
  ];
}

function oracleCases(): AlertCase[] {
  const state = (feed: string, st: string, location = 'dc-a') =>
    sel('chainprobe_oracle_feed_state', { feed, state: st, location });
  const age = (feed: string, location = 'dc-a') =>
    sel('chainprobe_oracle_update_age_seconds', { feed, location });
  const F = 'ETH-USD';
  return [
    {
      alert: 'OracleStale',
      kind: 'fires',
      desc: 'stale-everywhere',
      series: {
        [state(F, 'stale')]: flat(1),
        [state(F, 'stale', 'dc-b')]: flat(1),
        [age(F)]: grow(60, 60, 3700),
        [age(F, 'dc-b')]: grow(60, 60, 3702),
      },
      evalAt: '5m',
      expect: [{ labels: { feed: F }, value: 4000 }],
    },
    {
      alert: 'OracleStale',
      kind: 'healthy',
      desc: 'stale-from-one-location-only',
      series: {
        [state(F, 'stale')]: flat(1),
        [state(F, 'stale', 'dc-b')]: flat(0),
        [age(F)]: flat(3700),
      },
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'OracleStale',
      kind: 'edge',
      desc: 'stale-shorter-than-for',
      series: { [state(F, 'stale')]: change(0, 4, 1), [age(F)]: flat(3700) },
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'OracleInvalidAnswer',
      kind: 'fires',
      desc: 'zero-answer-seen-from-one-location',
      series: {
        [state(F, 'answer_not_positive')]: flat(1),
        [state(F, 'answer_not_positive', 'dc-b')]: flat(0),
      },
      evalAt: '5m',
      expect: [{ labels: { feed: F, state: 'answer_not_positive' } }],
    },
    {
      alert: 'OracleInvalidAnswer',
      kind: 'healthy',
      desc: 'ok-answer',
      series: { [state(F, 'ok')]: flat(1), [state(F, 'answer_out_of_bounds')]: flat(0) },
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'OracleInvalidAnswer',
      kind: 'edge',
      desc: 'stale-is-not-invalid',
      series: { [state(F, 'stale')]: flat(1), [state(F, 'future_update')]: flat(0) },
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'OracleFeedUnreadable',
      kind: 'fires',
      desc: 'reverts',
      series: { [state(F, 'reverted')]: flat(1) },
      evalAt: '10m',
      expect: [{ labels: { feed: F, state: 'reverted' } }],
    },
    {
      alert: 'OracleFeedUnreadable',
      kind: 'healthy',
      desc: 'ok',
      series: { [state(F, 'reverted')]: flat(0), [state(F, 'ok')]: flat(1) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'OracleFeedUnreadable',
      kind: 'edge',
      desc: 'transport-failure-is-not-the-feed',
      series: { [state(F, 'unknown')]: flat(1), [state(F, 'no_data')]: flat(0) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'OracleAnswerStalled',
      kind: 'fires',
      desc: 'stalled',
      series: { [state(F, 'stalled_answer')]: flat(1) },
      evalAt: '10m',
      expect: [{ labels: { feed: F } }],
    },
    {
      alert: 'OracleAnswerStalled',
      kind: 'healthy',
      desc: 'moving',
      series: { [state(F, 'stalled_answer')]: flat(0) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'OracleAnswerStalled',
      kind: 'edge',
      desc: 'stalled-shorter-than-for',
      series: { [state(F, 'stalled_answer')]: change(0, 7, 1) },
      evalAt: '10m',
      expect: [],
    },
  ];
}

function breakerCases(): AlertCase[] {
  const open = (location = 'dc-a') =>
    sel('chainprobe_breaker_open_seconds', { source: 'publisher-0', location });
  const opened = sel('chainprobe_breaker_transitions_total', {
    source: 'publisher-0',
    from: 'closed',
    to: 'open',
    location: 'dc-a',
  });
  const st = (state: string) =>
    sel('chainprobe_breaker_state', { source: 'publisher-0', state, location: 'dc-a' });
  const S = { source: 'publisher-0' };
  return [
    {
      alert: 'BreakerOpen',
      kind: 'fires',
      desc: 'open-ten-minutes',
      series: { [open()]: grow(60), [open('dc-b')]: grow(60, 60, 2) },
      evalAt: '10m',
      expect: [{ labels: S, value: 600 }],
    },
    {
      alert: 'BreakerOpen',
      kind: 'healthy',
      desc: 'closed',
      series: { [open()]: flat(0) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'BreakerOpen',
      kind: 'edge',
      desc: 'open-exactly-five-minutes',
      series: { [open()]: flat(300) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'BreakerFlapping',
      kind: 'fires',
      desc: 'opens-every-five-minutes',
      series: { [opened]: '0 0 0 0 1+0x4 2+0x4 3+0x4 4+0x4 5+0x4 6+0x4 7+0x4 8+0x20' },
      evalAt: '40m',
      expect: [{ labels: S, value: 6 }],
    },
    {
      alert: 'BreakerFlapping',
      kind: 'healthy',
      desc: 'never-opened',
      series: { [opened]: flat(0) },
      evalAt: '40m',
      expect: [],
    },
    {
      alert: 'BreakerFlapping',
      kind: 'edge',
      desc: 'two-opens-in-30m',
      series: { [opened]: '0x14 1x9 2x40' },
      evalAt: '40m',
      expect: [],
    },
    {
      alert: 'BreakerStateUnknown',
      kind: 'fires',
      desc: 'unreadable',
      series: { [st('unknown')]: flat(1) },
      evalAt: '15m',
      expect: [{ labels: S }],
    },
    {
      alert: 'BreakerStateUnknown',
      kind: 'healthy',
      desc: 'closed',
      series: { [st('closed')]: flat(1), [st('unknown')]: flat(0) },
      evalAt: '15m',
      expect: [],
    },
    {
      alert: 'BreakerStateUnknown',
      kind: 'edge',
      desc: 'unknown-shorter-than-for',
      series: { [st('unknown')]: change(0, 7, 1) },
      evalAt: '15m',
      expect: [],
    },
  ];
}

function publisherCases(): AlertCase[] {
  const P = { publisher: 'oracle-publisher-0' };
  const m = (name: string) => sel(name, { ...P, location: 'dc-a' });
  const verdict = (cls: string) =>
    sel('chainprobe_probe_last_error', {
      probe: 'publisher',
      kind: 'publisher',
      target: P.publisher,
      class: cls,
      location: 'dc-a',
    });
  return [
    {
      alert: 'PublisherLowFunds',
      kind: 'fires',
      desc: 'one-day-of-runway',
      series: { [m('chainprobe_publisher_runway_seconds')]: flat(86400) },
      evalAt: '15m',
      expect: [{ labels: P }],
    },
    {
      alert: 'PublisherLowFunds',
      kind: 'fires',
      desc: 'configured-threshold-crossed',
      series: {
        [m('chainprobe_publisher_runway_seconds')]: flat(864000),
        [verdict('low_balance')]: flat(1),
      },
      evalAt: '15m',
      expect: [{ labels: P }],
    },
    {
      alert: 'PublisherLowFunds',
      kind: 'healthy',
      desc: 'ten-days-of-runway',
      series: { [m('chainprobe_publisher_runway_seconds')]: flat(864000) },
      evalAt: '15m',
      expect: [],
    },
    {
      alert: 'PublisherLowFunds',
      kind: 'edge',
      desc: 'exactly-three-days',
      series: { [m('chainprobe_publisher_runway_seconds')]: flat(259200) },
      evalAt: '15m',
      expect: [],
    },
    {
      alert: 'PublisherStuckTransaction',
      kind: 'fires',
      desc: 'two-pending-nothing-mined',
      series: {
        [m('chainprobe_publisher_nonce_gap')]: flat(2),
        [m('chainprobe_publisher_nonce_unchanged_seconds')]: grow(60),
      },
      evalAt: '10m',
      expect: [{ labels: P, value: 2 }],
    },
    {
      alert: 'PublisherStuckTransaction',
      kind: 'healthy',
      desc: 'pending-but-mining',
      series: {
        [m('chainprobe_publisher_nonce_gap')]: flat(1),
        [m('chainprobe_publisher_nonce_unchanged_seconds')]: flat(20),
      },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'PublisherStuckTransaction',
      kind: 'edge',
      desc: 'idle-without-pending',
      series: {
        [m('chainprobe_publisher_nonce_gap')]: flat(0),
        [m('chainprobe_publisher_nonce_unchanged_seconds')]: grow(60),
      },
      evalAt: '10m',
      expect: [],
    },
  ];
}

function securityCases(): AlertCase[] {
  const exposed = (v: string) => ({
    [sel('chainprobe_security_method_exposed', {
      endpoint: 'gateway',
      method: 'admin_nodeInfo',
      location: 'dc-a',
    })]: v,
  });
  const identity = (v: string) => ({
    [sel('chainprobe_security_identity_changed', {
      endpoint: 'gateway',
      what: 'tls_fingerprint',
      location: 'dc-a',
    })]: v,
  });
  const expiry = (v: string) => ({
    [sel('chainprobe_security_tls_cert_expiry_timestamp_seconds', {
      endpoint: 'gateway',
      location: 'dc-a',
    })]: v,
  });
  const set = (unexpected: string, missing: string, changes: string) => ({
    [sel('chainprobe_security_validator_unexpected', { location: 'dc-a' })]: unexpected,
    [sel('chainprobe_security_validator_missing', { location: 'dc-a' })]: missing,
    [sel('chainprobe_security_validator_set_changes_total', { location: 'dc-a' })]: changes,
  });
  const votes = (v: string) => ({
    [sel('chainprobe_security_validator_votes_unexpected', { location: 'dc-a' })]: v,
  });
  const events = (cls: string, v: string, location = 'dc-a') => ({
    [sel('chainprobe_security_account_events_total', {
      account: 'publisher',
      class: cls,
      location,
    })]: v,
  });
  const spend = (spent: number, limit: number) => ({
    [sel('chainprobe_security_account_spent_ether', { account: 'publisher', location: 'dc-a' })]:
      flat(spent),
    [sel('chainprobe_security_account_spend_limit_ether', {
      account: 'publisher',
      location: 'dc-a',
    })]: flat(limit),
  });
  const drift = (v: string, location = 'dc-a') => ({
    [sel('chainprobe_security_contract_drift', { check: 'feed-owner', location })]: v,
  });
  const GW = { endpoint: 'gateway' };
  const PUB = { account: 'publisher' };
  const DAY = 86_400;
  return [
    {
      alert: 'SecurityPrivilegedMethodExposed',
      kind: 'fires',
      desc: 'admin-api-served',
      series: exposed(flat(1)),
      evalAt: '5m',
      expect: [{ labels: { ...GW, method: 'admin_nodeInfo' } }],
    },
    {
      alert: 'SecurityPrivilegedMethodExposed',
      kind: 'fires',
      desc: 'alternating-behind-a-load-balancer',
      series: exposed('1 0 '.repeat(15).trim()),
      evalAt: '10m',
      expect: [{ labels: { ...GW, method: 'admin_nodeInfo' } }],
    },
    {
      alert: 'SecurityPrivilegedMethodExposed',
      kind: 'healthy',
      desc: 'method-refused',
      series: exposed(flat(0)),
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'SecurityPrivilegedMethodExposed',
      kind: 'edge',
      desc: 'exposure-older-than-15m-is-forgotten',
      series: exposed(change(1, 1, 0, 40)),
      evalAt: '20m',
      expect: [],
    },
    {
      alert: 'SecurityEndpointIdentityChanged',
      kind: 'fires',
      desc: 'certificate-swapped',
      series: identity(change(0, 3, 1)),
      evalAt: '10m',
      expect: [{ labels: { ...GW, what: 'tls_fingerprint' } }],
    },
    {
      alert: 'SecurityEndpointIdentityChanged',
      kind: 'healthy',
      desc: 'same-certificate',
      series: identity(flat(0)),
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'SecurityEndpointIdentityChanged',
      kind: 'edge',
      desc: 'changed-but-not-yet-held',
      series: identity(change(0, 5, 1)),
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'SecurityTlsCertificateExpiring',
      kind: 'fires',
      desc: 'seven-days-left',
      series: expiry(flat(7 * DAY)),
      evalAt: '30m',
      expect: [{ labels: GW, value: 7 * DAY - 1800 }],
    },
    {
      alert: 'SecurityTlsCertificateExpiring',
      kind: 'healthy',
      desc: 'ninety-days-left',
      series: expiry(flat(90 * DAY)),
      evalAt: '30m',
      expect: [],
    },
    {
      alert: 'SecurityTlsCertificateExpiring',
      kind: 'edge',
      desc: 'exactly-fourteen-days-left',
      series: expiry(flat(14 * DAY + 1800)),
      evalAt: '30m',
      expect: [],
    },
    {
      alert: 'SecurityValidatorSetDrift',
      kind: 'fires',
      desc: 'stranger-in-the-set',
      series: set(flat(1), flat(0), flat(0)),
      evalAt: '2m',
      expect: [{ labels: {} }],
    },
    {
      alert: 'SecurityValidatorSetDrift',
      kind: 'fires',
      desc: 'set-changed-recently',
      series: set(flat(0), flat(0), change(0, 10, 1)),
      evalAt: '20m',
      expect: [{ labels: {} }],
    },
    {
      alert: 'SecurityValidatorSetDrift',
      kind: 'healthy',
      desc: 'set-as-allowed',
      series: set(flat(0), flat(0), flat(0)),
      evalAt: '20m',
      expect: [],
    },
    {
      alert: 'SecurityValidatorSetDrift',
      kind: 'edge',
      desc: 'change-older-than-30m-is-forgotten',
      series: set(flat(0), flat(0), change(0, 5, 1)),
      evalAt: '45m',
      expect: [],
    },
    {
      alert: 'SecurityValidatorVoteUnexpected',
      kind: 'fires',
      desc: 'vote-for-a-stranger',
      series: votes(flat(1)),
      evalAt: '5m',
      expect: [{ labels: {}, value: 1 }],
    },
    {
      alert: 'SecurityValidatorVoteUnexpected',
      kind: 'healthy',
      desc: 'no-votes',
      series: votes(flat(0)),
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'SecurityValidatorVoteUnexpected',
      kind: 'edge',
      desc: 'vote-not-yet-held',
      series: votes(change(0, 5, 2)),
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'SecurityWatchedAccountUnexpectedTransfer',
      kind: 'fires',
      desc: 'transfer-to-a-stranger-seen-from-two-locations',
      series: {
        ...events('unexpected_destination', change(0, 10, 1)),
        ...events('unexpected_destination', change(0, 10, 1), 'dc-b'),
      },
      evalAt: '15m',
      expect: [{ labels: PUB }],
    },
    {
      alert: 'SecurityWatchedAccountUnexpectedTransfer',
      kind: 'healthy',
      desc: 'only-allowed-destinations',
      series: events('unexpected_destination', flat(0)),
      evalAt: '15m',
      expect: [],
    },
    {
      alert: 'SecurityWatchedAccountUnexpectedTransfer',
      kind: 'edge',
      desc: 'an-unexplained-nonce-is-another-alert',
      series: {
        ...events('unexpected_destination', flat(0)),
        ...events('unexplained_nonce', change(0, 10, 1)),
      },
      evalAt: '15m',
      expect: [],
    },
    {
      alert: 'SecurityWatchedAccountNonceUnexplained',
      kind: 'fires',
      desc: 'nonce-jumped',
      series: events('unexplained_nonce', change(0, 10, 2)),
      evalAt: '15m',
      expect: [{ labels: PUB }],
    },
    {
      alert: 'SecurityWatchedAccountNonceUnexplained',
      kind: 'healthy',
      desc: 'every-nonce-explained',
      series: events('unexplained_nonce', flat(0)),
      evalAt: '15m',
      expect: [],
    },
    {
      alert: 'SecurityWatchedAccountNonceUnexplained',
      kind: 'edge',
      desc: 'jump-older-than-30m-is-forgotten',
      series: events('unexplained_nonce', change(0, 5, 1)),
      evalAt: '45m',
      expect: [],
    },
    {
      alert: 'SecurityWatchedAccountOverspend',
      kind: 'fires',
      desc: 'drained-five-times-the-limit',
      series: spend(5, 1),
      evalAt: '5m',
      expect: [{ labels: PUB, value: 5 }],
    },
    {
      alert: 'SecurityWatchedAccountOverspend',
      kind: 'healthy',
      desc: 'within-the-profile',
      series: spend(0.5, 1),
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'SecurityWatchedAccountOverspend',
      kind: 'edge',
      desc: 'exactly-at-the-limit',
      series: spend(1, 1),
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'SecurityContractControlDrift',
      kind: 'fires',
      desc: 'owner-changed-seen-from-one-location',
      series: { ...drift(flat(1)), ...drift(flat(0), 'dc-b') },
      evalAt: '2m',
      expect: [{ labels: { check: 'feed-owner' } }],
    },
    {
      alert: 'SecurityContractControlDrift',
      kind: 'healthy',
      desc: 'owner-unchanged',
      series: drift(flat(0)),
      evalAt: '5m',
      expect: [],
    },
    {
      alert: 'SecurityContractControlDrift',
      kind: 'edge',
      desc: 'drift-cleared-after-restore',
      series: drift(change(1, 3, 0)),
      evalAt: '5m',
      expect: [],
    },
  ];
}

function kubernetesCases(): AlertCase[] {
  const pod = (component: string, name: string) => ({
    namespace: 'besu-network',
    component,
    pod: name,
    location: 'in-cluster',
  });
  const ready = (component: string, name: string) =>
    sel('chainprobe_kube_pod_ready', pod(component, name));
  const waiting = (reason: string) =>
    sel('chainprobe_kube_container_waiting', {
      ...pod('rpc', 'besu-rpc-1'),
      container: 'besu',
      reason,
    });
  const restarts = sel('chainprobe_kube_pod_restarts', pod('rpc', 'besu-rpc-1'));
  const phase = (name: string, p: string) =>
    sel('chainprobe_kube_pod_phase', { ...pod('publisher', name), phase: p });
  const api = (resource: string) => ({
    namespace: 'besu-network',
    resource,
    location: 'in-cluster',
  });
  const apiErr = (cls: string) =>
    sel('chainprobe_kube_api_errors_total', { ...api('pods'), class: cls });
  const V0 = { namespace: 'besu-network', pod: 'besu-validator-0' };
  const R1 = { namespace: 'besu-network', component: 'rpc', pod: 'besu-rpc-1' };
  return [
    {
      alert: 'ValidatorPodNotReady',
      kind: 'fires',
      desc: 'validator-not-ready',
      series: { [ready('validator', V0.pod)]: flat(0) },
      evalAt: '10m',
      expect: [{ labels: V0 }],
    },
    {
      alert: 'ValidatorPodNotReady',
      kind: 'healthy',
      desc: 'rpc-pod-not-ready-is-not-a-validator',
      series: { [ready('validator', V0.pod)]: flat(1), [ready('rpc', R1.pod)]: flat(0) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'ValidatorPodNotReady',
      kind: 'edge',
      desc: 'not-ready-shorter-than-for',
      series: { [ready('validator', V0.pod)]: change(1, 6, 0) },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'KubernetesPodCrashLooping',
      kind: 'fires',
      desc: 'crash-loop-back-off',
      series: { [waiting('CrashLoopBackOff')]: flat(1), [restarts]: flat(7) },
      evalAt: '10m',
      expect: [{ labels: R1 }],
    },
    {
      alert: 'KubernetesPodCrashLooping',
      kind: 'fires',
      desc: 'restarting-between-back-offs',
      series: { [waiting('CrashLoopBackOff')]: flat(0), [restarts]: '0+1x5 5+0x4 6+1x20' },
      evalAt: '25m',
      expect: [{ labels: R1 }],
    },
    {
      alert: 'KubernetesPodCrashLooping',
      kind: 'healthy',
      desc: 'running',
      series: { [waiting('CrashLoopBackOff')]: flat(0), [restarts]: flat(3) },
      evalAt: '25m',
      expect: [],
    },
    {
      alert: 'KubernetesPodCrashLooping',
      kind: 'edge',
      desc: 'two-restarts-in-15m',
      series: { [waiting('CrashLoopBackOff')]: flat(0), [restarts]: '0x9 1x9 2x40' },
      evalAt: '25m',
      expect: [],
    },
    {
      alert: 'KubernetesPodNotReady',
      kind: 'fires',
      desc: 'rpc-pod-not-ready',
      series: { [ready('rpc', R1.pod)]: flat(0) },
      evalAt: '15m',
      expect: [{ labels: R1 }],
    },
    {
      alert: 'KubernetesPodNotReady',
      kind: 'healthy',
      desc: 'completed-job-pod',
      series: {
        [ready('publisher', 'migrate-1')]: flat(0),
        [phase('migrate-1', 'Succeeded')]: flat(1),
      },
      evalAt: '15m',
      expect: [],
    },
    {
      alert: 'KubernetesPodNotReady',
      kind: 'edge',
      desc: 'validators-are-left-to-validator-pod-not-ready',
      series: { [ready('validator', V0.pod)]: flat(0) },
      evalAt: '15m',
      expect: [],
    },
    {
      alert: 'KubernetesApiForbidden',
      kind: 'fires',
      desc: 'rbac-removed',
      series: {
        [apiErr('forbidden')]: grow(1),
        [sel('chainprobe_kube_api_up', api('pods'))]: flat(0),
      },
      evalAt: '10m',
      expect: [{ labels: { namespace: 'besu-network', resource: 'pods' } }],
    },
    {
      alert: 'KubernetesApiForbidden',
      kind: 'healthy',
      desc: 'api-ok',
      series: {
        [apiErr('forbidden')]: flat(0),
        [sel('chainprobe_kube_api_up', api('pods'))]: flat(1),
      },
      evalAt: '10m',
      expect: [],
    },
    {
      alert: 'KubernetesApiForbidden',
      kind: 'edge',
      desc: 'api-timeouts-are-not-forbidden',
      series: {
        [apiErr('timeout')]: grow(1),
        [sel('chainprobe_kube_api_up', api('pods'))]: flat(0),
      },
      evalAt: '10m',
      expect: [],
    },
  ];
}

/** Every promtool case, grouped by alert in catalogue order. */
export function buildAlertCases(): AlertCase[] {
  return [
    ...chainCases(),
    ...validatorCases(),
    ...rpcAvailabilityCases(),
    ...rpcLatencyCases(),
    ...rpcErrorCases(),
    ...rpcChainCases(),
    ...besuHealthCases(),
    ...gatewayCases(),
    ...canaryCases(),
    ...oracleCases(),
    ...breakerCases(),
    ...publisherCases(),
    ...securityCases(),
    ...kubernetesCases(),
    ...chainprobeUpCases(),
    ...chainprobeEngineCases(),
  ];
}
