import { pino } from 'pino';
import type { Registry } from 'prom-client';
import { EndpointSchema, GlobalSchema, type EndpointConfig } from '../../src/config/schema.js';
import type { ProbeContext, ProbeResult, ProbeTask } from '../../src/engine/probe-kind.js';
import { RpcClient } from '../../src/rpc/client.js';
import { SecurityOptions, securityKind } from '../../src/probes/security/kind.js';
import { defineSecurityMetrics } from '../../src/probes/security/metrics.js';
import { freshCore, valueOf } from '../helpers/registry.js';

/** A configured security probe on a fresh registry, its tasks run by hand. */
export interface SecurityHarness {
  registry: Registry;
  tasks: ProbeTask[];
  /** Methods called through the instrumented clients (ctx.rpc), as the daemon would count them. */
  observed: string[];
  /** Runs every task once, in order; results by target. */
  runAll(): Promise<Map<string, ProbeResult>>;
  /** Runs the task of one target. */
  run(target: string): Promise<ProbeResult>;
  value(name: string, labels?: Record<string, string>): Promise<number | undefined>;
  close(): Promise<void>;
}

/** Builds the `security` kind exactly as the daemon does, from raw endpoint and option objects. */
export function securityHarness(
  endpoints: Array<Record<string, unknown>>,
  options: Record<string, unknown> = {},
): SecurityHarness {
  const { registry, core } = freshCore();
  const metrics = defineSecurityMetrics(registry);
  const configs: EndpointConfig[] = endpoints.map((e) => EndpointSchema.parse(e));
  const observed: string[] = [];
  const clients = new Map(
    configs.map((e) => [
      e.name,
      new RpcClient({ url: e.url, onCall: ({ method }) => observed.push(method) }),
    ]),
  );
  const ctx: ProbeContext = {
    global: GlobalSchema.parse({ blockPeriodSeconds: 1 }),
    endpoints: new Map(configs.map((e) => [e.name, e])),
    core,
    registry,
    logger: pino({ level: 'silent' }),
    now: () => Date.now(),
    rpc: (name) => clients.get(name) as RpcClient,
  };
  const probe = {
    name: 'security',
    kind: 'security',
    enabled: true,
    intervalMs: 5000,
    timeoutMs: 10_000,
    ...SecurityOptions.parse(options),
  };
  const errors = securityKind.check?.(probe, { global: ctx.global, endpoints: configs }) ?? [];
  if (errors.length > 0) throw new Error(errors.join('; '));
  const instance = securityKind.create(ctx, probe, metrics);
  const { tasks } = instance;
  const run = (target: string): Promise<ProbeResult> => {
    const task = tasks.find((t) => t.target === target);
    if (!task) throw new Error(`no task ${target}`);
    return task.run(AbortSignal.timeout(20_000));
  };
  return {
    registry,
    tasks,
    observed,
    run,
    runAll: async () => {
      const out = new Map<string, ProbeResult>();
      for (const t of tasks) out.set(t.target, await run(t.target));
      return out;
    },
    value: (name, labels = {}) => valueOf(registry, name, labels),
    close: async () => {
      await instance.dispose?.();
      await Promise.all([...clients.values()].map((c) => c.close()));
    },
  };
}
