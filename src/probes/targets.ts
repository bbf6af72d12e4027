import type { ProbeContext } from '../engine/probe-kind.js';
import type { EndpointConfig } from '../config/schema.js';

/**
 * The endpoints a probe runs against: those it names, else every endpoint whose role is in
 * `roles` (default: all).
 */
export function endpointsFor(
  ctx: ProbeContext,
  probe: { endpoints?: string[] | undefined },
  roles?: ReadonlyArray<EndpointConfig['role']>,
): EndpointConfig[] {
  const all = [...ctx.endpoints.values()];
  if (probe.endpoints && probe.endpoints.length > 0) {
    return probe.endpoints.flatMap((name) => all.filter((e) => e.name === name));
  }
  return roles ? all.filter((e) => roles.includes(e.role)) : all;
}
