import { Gauge, type Registry } from 'prom-client';
import { z } from 'zod';
import type { ProbeKind, ProbeContext, ProbeResult } from '../../engine/probe-kind.js';
import { endpointsFor } from '../targets.js';
import { judgeHealth } from './judge.js';
import { failure } from '../result.js';
import { RpcError, classifyHttpStatus } from '../../rpc/errors.js';

/** Options of the `besu-health` probe (Besu's /readiness query parameters). */
export const BesuHealthOptions = z.strictObject({
  minPeers: z
    .number()
    .int()
    .min(0)
    .default(1)
    .describe("minPeers for /readiness; Besu's default is 1."),
  maxBlocksBehind: z
    .number()
    .int()
    .min(0)
    .default(2)
    .describe("maxBlocksBehind for /readiness; Besu's default is 2."),
});
export type BesuHealthOptions = z.output<typeof BesuHealthOptions>;

/** Metrics of the `besu-health` probe. */
export function defineBesuHealthMetrics(registry: Registry) {
  return {
    up: new Gauge({
      name: 'chainprobe_besu_health_up',
      help:
        'Besu health check: 1 UP, 0 DOWN (503), -1 an answer that is neither. check = ' +
        'liveness or readiness.',
      labelNames: ['endpoint', 'check'],
      registers: [registry],
    }),
  };
}
export type BesuHealthMetrics = ReturnType<typeof defineBesuHealthMetrics>;

const CHECKS = ['liveness', 'readiness'] as const;

/** The `besu-health` kind: Besu's GET /liveness and /readiness on each Besu endpoint. */
export const besuHealthKind: ProbeKind<BesuHealthOptions, BesuHealthMetrics> = {
  kind: 'besu-health',
  description: "Besu's /liveness and /readiness (a 503 DOWN is a result, not a probe failure)",
  options: BesuHealthOptions,
  defineMetrics: defineBesuHealthMetrics,
  create(ctx, probe, metrics) {
    const targets = endpointsFor(ctx, probe).filter((e) => probe.endpoints || e.besu);
    return {
      tasks: targets.map((ep) => ({
        target: ep.name,
        run: (signal) => probeHealth(ctx, probe, metrics, ep.name, signal),
      })),
      dispose: () => {
        for (const ep of targets)
          for (const check of CHECKS) metrics.up.remove({ endpoint: ep.name, check });
      },
    };
  },
};

async function probeHealth(
  ctx: ProbeContext,
  opts: BesuHealthOptions,
  metrics: BesuHealthMetrics,
  endpoint: string,
  signal: AbortSignal,
): Promise<ProbeResult> {
  const query = `?minPeers=${opts.minPeers}&maxBlocksBehind=${opts.maxBlocksBehind}`;
  try {
    for (const check of CHECKS) {
      const res = await ctx
        .rpc(endpoint)
        .get(check === 'readiness' ? `/readiness${query}` : '/liveness', { signal });
      const state = judgeHealth(res.status, res.body);
      metrics.up.set({ endpoint, check }, state === 'up' ? 1 : state === 'down' ? 0 : -1);
      if (state === 'unknown') {
        const cls =
          res.status === 200 || res.status === 503
            ? 'bad_response'
            : classifyHttpStatus(res.status);
        throw new RpcError(cls, `${check} answered HTTP ${res.status} without a Besu status`);
      }
    }
    return { ok: true };
  } catch (err) {
    return failure(err);
  }
}
