import type { Registry } from 'prom-client';
import { pino, type Logger } from 'pino';
import { EndpointSchema, GlobalSchema } from '../../src/config/schema.js';
import type { ProbeContext, ProbeInstance, ProbeResult } from '../../src/engine/probe-kind.js';
import { RpcClient } from '../../src/rpc/client.js';
import { freshCore, valueOf } from '../helpers/registry.js';

/** A ProbeContext over real endpoints with a clock the test moves. */
export interface Harness {
  ctx: ProbeContext;
  registry: Registry;
  /** Seconds added to the wall clock (to follow evm_increaseTime, or to age things). */
  clock: { shiftSeconds: number };
  /** Points endpoint `name` at another URL (e.g. a closed port, to take it down). */
  setUrl(name: string, url: string): Promise<void>;
  close(): Promise<void>;
}

/** Builds a context whose endpoints are `name -> url` (role gateway for the first). */
export function makeHarness(
  endpoints: Record<string, string>,
  logger: Logger = pino({ level: 'silent' }),
): Harness {
  const { registry, core } = freshCore();
  const clock = { shiftSeconds: 0 };
  const configs = Object.entries(endpoints).map(([name, url], i) =>
    EndpointSchema.parse({ name, url, role: i === 0 ? 'gateway' : 'rpc' }),
  );
  const clients = new Map<string, RpcClient>();
  const ctx: ProbeContext = {
    global: GlobalSchema.parse({ blockPeriodSeconds: 2 }),
    endpoints: new Map(configs.map((e) => [e.name, e])),
    core,
    registry,
    logger,
    now: () => Date.now() + clock.shiftSeconds * 1000,
    rpc: (name) => {
      const url = endpoints[name];
      if (url === undefined) throw new Error(`unknown endpoint ${name}`);
      const client = clients.get(name) ?? new RpcClient({ url });
      clients.set(name, client);
      return client;
    },
  };
  return {
    ctx,
    registry,
    clock,
    setUrl: async (name, url) => {
      endpoints[name] = url;
      await clients.get(name)?.close();
      clients.delete(name);
    },
    close: async () => {
      await Promise.all([...clients.values()].map((c) => c.close()));
    },
  };
}

/** The common probe fields, as the loader would resolve them. */
export function common(kind: string, name = kind) {
  return { name, kind, intervalMs: 5000, timeoutMs: 3000, enabled: true };
}

/** Runs the task of `instance` whose target is `target`, with a fresh 5 s signal. */
export function runTask(instance: ProbeInstance, target: string): Promise<ProbeResult> {
  const task = instance.tasks.find((t) => t.target === target);
  if (!task) throw new Error(`no task ${target}`);
  return task.run(AbortSignal.timeout(5000));
}

/**
 * The state of a state-set gauge for `labels`: the one `key` value at 1. Throws unless exactly
 * one series is at 1 and all others are at 0.
 */
export async function stateOf(
  registry: Registry,
  metric: string,
  key: string,
  labels: Record<string, string>,
): Promise<string> {
  const m = registry.getSingleMetric(metric);
  if (!m) throw new Error(`no metric ${metric}`);
  const series = (await m.get()).values.filter((v) =>
    Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
  );
  const on = series.filter((v) => v.value === 1);
  if (on.length !== 1 || series.some((v) => v.value !== 0 && v.value !== 1)) {
    throw new Error(`${metric} ${JSON.stringify(labels)}: ${on.length} states at 1`);
  }
  return String(on[0]?.labels[key]);
}

export { valueOf };
