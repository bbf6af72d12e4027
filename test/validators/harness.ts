import { pino } from 'pino';
import { GlobalSchema, type EndpointConfig } from '../../src/config/schema.js';
import type { ProbeContext, ProbeResult } from '../../src/engine/probe-kind.js';
import { RpcClient } from '../../src/rpc/client.js';
import { ValidatorsOptions } from '../../src/probes/validators/kind.js';
import {
  defineValidatorsMetrics,
  type ValidatorsMetrics,
} from '../../src/probes/validators/metrics.js';
import { ValidatorsWatcher } from '../../src/probes/validators/probe.js';
import { freshCore, valueOf } from '../helpers/registry.js';
import type { Registry } from 'prom-client';

/** A ValidatorsWatcher wired to one endpoint URL, a fresh registry and a settable clock. */
export interface Harness {
  watcher: ValidatorsWatcher;
  metrics: ValidatorsMetrics;
  registry: Registry;
  /** Wall clock, ms; tests move it. */
  clock: { nowMs: number };
  run(): Promise<ProbeResult>;
  /** Value of a series, or undefined. */
  value(name: string, labels?: Record<string, string>): Promise<number | undefined>;
  close(): Promise<void>;
}

/** Builds a watcher for `url` with the given validators options (defaults otherwise). */
export function harness(
  url: string,
  options: Record<string, unknown> = {},
  blockPeriodSeconds = 1,
): Harness {
  const { registry, core } = freshCore();
  const metrics = defineValidatorsMetrics(registry);
  const client = new RpcClient({ url });
  const clock = { nowMs: Date.now() };
  const endpoint: EndpointConfig = {
    name: 'node',
    url,
    role: 'rpc',
    besu: true,
    public: false,
    maxConnections: 4,
  };
  const ctx: ProbeContext = {
    global: GlobalSchema.parse({ blockPeriodSeconds }),
    endpoints: new Map([['node', endpoint]]),
    core,
    registry,
    logger: pino({ level: 'silent' }),
    now: () => clock.nowMs,
    rpc: () => client,
  };
  const probe = {
    name: 'validators',
    kind: 'validators',
    enabled: true,
    intervalMs: 5000,
    timeoutMs: 3000,
    ...ValidatorsOptions.parse(options),
  };
  const watcher = new ValidatorsWatcher(ctx, probe, metrics, 'node');
  return {
    watcher,
    metrics,
    registry,
    clock,
    run: () => watcher.run(AbortSignal.timeout(10_000)),
    value: (name, labels = {}) => valueOf(registry, name, labels),
    close: () => client.close(),
  };
}
