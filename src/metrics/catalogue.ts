import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS_SECONDS } from './buckets.js';

const ENGINE_LABELS = ['probe', 'kind', 'target'] as const;

/** Metrics the engine records for every probe task; probes never touch these. */
export function defineEngineMetrics(registry: Registry) {
  const r = [registry];
  return {
    runs: new Counter({
      name: 'chainprobe_probe_runs_total',
      help: 'Probe runs completed, by outcome (success or failure).',
      labelNames: [...ENGINE_LABELS, 'result'],
      registers: r,
    }),
    failures: new Counter({
      name: 'chainprobe_probe_failures_total',
      help: 'Failed probe runs by error class.',
      labelNames: [...ENGINE_LABELS, 'class'],
      registers: r,
    }),
    success: new Gauge({
      name: 'chainprobe_probe_success',
      help: '1 if the last run of the probe task succeeded, else 0.',
      labelNames: ENGINE_LABELS,
      registers: r,
    }),
    lastError: new Gauge({
      name: 'chainprobe_probe_last_error',
      help: 'Class of the last failure of a probe task that is currently failing (always 1).',
      labelNames: [...ENGINE_LABELS, 'class'],
      registers: r,
    }),
    duration: new Histogram({
      name: 'chainprobe_probe_duration_seconds',
      help: 'Duration of probe runs, including time spent on retries-free I/O and decoding.',
      labelNames: ENGINE_LABELS,
      buckets: LATENCY_BUCKETS_SECONDS,
      registers: r,
    }),
    lastRun: new Gauge({
      name: 'chainprobe_probe_last_run_timestamp_seconds',
      help: 'Unix time when the last run of the probe task ended.',
      labelNames: ENGINE_LABELS,
      registers: r,
    }),
    lastSuccess: new Gauge({
      name: 'chainprobe_probe_last_success_timestamp_seconds',
      help: 'Unix time when the probe task last succeeded.',
      labelNames: ENGINE_LABELS,
      registers: r,
    }),
    scheduleLag: new Histogram({
      name: 'chainprobe_probe_schedule_lag_seconds',
      help: 'Delay between a run being due and starting (waiting for a concurrency slot).',
      labelNames: ['probe', 'kind'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    }),
    interval: new Gauge({
      name: 'chainprobe_probe_interval_seconds',
      help: 'Configured interval between runs of the probe task (for staleness alerts).',
      labelNames: ENGINE_LABELS,
      registers: r,
    }),
    skipped: new Counter({
      name: 'chainprobe_probe_skipped_total',
      help: 'Runs skipped because the previous run of the same task had not finished.',
      labelNames: ENGINE_LABELS,
      registers: r,
    }),
    inFlight: new Gauge({
      name: 'chainprobe_probe_runs_in_flight',
      help: 'Probe runs currently executing.',
      registers: r,
    }),
  };
}

/** Metrics of the JSON-RPC transport, recorded for every call any probe makes. */
export function defineRpcTransportMetrics(registry: Registry) {
  const r = [registry];
  return {
    duration: new Histogram({
      name: 'chainprobe_rpc_request_duration_seconds',
      help: 'JSON-RPC round-trip time (request sent to last byte read) of answered calls.',
      labelNames: ['endpoint', 'method'],
      buckets: LATENCY_BUCKETS_SECONDS,
      registers: r,
    }),
    requests: new Counter({
      name: 'chainprobe_rpc_requests_total',
      help: 'JSON-RPC calls made.',
      labelNames: ['endpoint', 'method'],
      registers: r,
    }),
    errors: new Counter({
      name: 'chainprobe_rpc_errors_total',
      help: 'Failed JSON-RPC calls by error class.',
      labelNames: ['endpoint', 'method', 'class'],
      registers: r,
    }),
  };
}

/** Process-level metrics: build, readiness and configuration state. */
export function defineProcessMetrics(registry: Registry) {
  const r = [registry];
  return {
    buildInfo: new Gauge({
      name: 'chainprobe_build_info',
      help: 'Always 1; labels carry the chainprobe version and Node.js version.',
      labelNames: ['version', 'node_version'],
      registers: r,
    }),
    ready: new Gauge({
      name: 'chainprobe_ready',
      help: '1 once every probe task has completed at least one run.',
      registers: r,
    }),
    configReloadSuccess: new Gauge({
      name: 'chainprobe_config_last_reload_successful',
      help: '1 if the last configuration (re)load succeeded, 0 if it was rejected.',
      registers: r,
    }),
    blockPeriod: new Gauge({
      name: 'chainprobe_config_block_period_seconds',
      help: 'Configured QBFT block period (global.blockPeriodSeconds), for alert thresholds.',
      registers: r,
    }),
    expectedChainId: new Gauge({
      name: 'chainprobe_config_chain_id',
      help: 'Configured expected chain id (global.chainId).',
      registers: r,
    }),
    endpointInfo: new Gauge({
      name: 'chainprobe_endpoint_info',
      help:
        'Always 1 per configured endpoint; labels carry its role, whether it is public, and ' +
        'the validator address whose node it is (empty if none).',
      labelNames: ['endpoint', 'role', 'public', 'validator'],
      registers: r,
    }),
    configReloadTimestamp: new Gauge({
      name: 'chainprobe_config_last_reload_success_timestamp_seconds',
      help: 'Unix time of the last successful configuration (re)load.',
      registers: r,
    }),
  };
}

/** The metrics shared by all probe kinds. */
export interface CoreMetrics {
  engine: ReturnType<typeof defineEngineMetrics>;
  rpc: ReturnType<typeof defineRpcTransportMetrics>;
  process: ReturnType<typeof defineProcessMetrics>;
}

/** Creates the core metrics in `registry`. Probe kinds add theirs via ProbeKind.defineMetrics. */
export function defineCoreMetrics(registry: Registry): CoreMetrics {
  return {
    engine: defineEngineMetrics(registry),
    rpc: defineRpcTransportMetrics(registry),
    process: defineProcessMetrics(registry),
  };
}
