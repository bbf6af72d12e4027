import { pino, type Logger } from 'pino';
import type { Registry } from 'prom-client';
import { GlobalSchema, type EndpointConfig } from '../../src/config/schema.js';
import type { ProbeContext, ProbeResult } from '../../src/engine/probe-kind.js';
import { RpcClient } from '../../src/rpc/client.js';
import { CanaryOptions, defineCanaryMetrics } from '../../src/probes/canary/kind.js';
import { CanaryRunner } from '../../src/probes/canary/probe.js';
import { freshCore, valueOf } from '../helpers/registry.js';

/** A canary runner against one endpoint URL, with a fresh registry; restartable. */
export interface CanaryHarness {
  registry: Registry;
  /** One run; `signal` defaults to the timeout plus 2 s. */
  run(signal?: AbortSignal): Promise<ProbeResult>;
  /** A new runner (fresh memory) on the same registry: a chainprobe restart. */
  restart(): void;
  value(name: string): Promise<number | undefined>;
  /** Deletes the runner's series, as removing the probe does. */
  dispose(): void;
  close(): Promise<void>;
}

/** Builds a canary on `url` (named `gateway`), with options merged over defaults. */
export function canaryHarness(
  url: string,
  options: Record<string, unknown>,
  opts: { logger?: Logger; timeoutMs?: number; blockPeriodSeconds?: number } = {},
): CanaryHarness {
  const { registry, core } = freshCore();
  const global = GlobalSchema.parse({ blockPeriodSeconds: opts.blockPeriodSeconds ?? 1 });
  const metrics = defineCanaryMetrics(registry, global);
  const client = new RpcClient({ url });
  const endpoint: EndpointConfig = {
    name: 'gateway',
    url,
    role: 'gateway',
    besu: true,
    public: false,
    maxConnections: 4,
  };
  const ctx: ProbeContext = {
    global,
    endpoints: new Map([['gateway', endpoint]]),
    core,
    registry,
    logger: opts.logger ?? pino({ level: 'silent' }),
    now: () => Date.now(),
    rpc: () => client,
  };
  const timeoutMs = opts.timeoutMs ?? 8000;
  const probe = {
    name: 'canary',
    kind: 'canary',
    enabled: true,
    intervalMs: timeoutMs + 1000,
    timeoutMs,
    ...CanaryOptions.parse(options),
  };
  const make = () => new CanaryRunner(ctx, probe, metrics, 'gateway');
  let runner = make();
  return {
    registry,
    run: (signal) => runner.run(signal ?? AbortSignal.timeout(timeoutMs + 2000)),
    restart: () => {
      runner = make();
    },
    value: (name) => valueOf(registry, `chainprobe_canary_${name}`, { probe: 'canary' }),
    dispose: () => runner.dispose(),
    close: () => client.close(),
  };
}
