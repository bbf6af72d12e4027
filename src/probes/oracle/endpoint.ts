import type { EndpointConfig } from '../../config/schema.js';

/**
 * The endpoint a chain-reading probe uses: the one named, else the first gateway, else the
 * first rpc endpoint (never a validator: probes must not add load to block producers).
 */
export function pickEndpoint(
  named: string | undefined,
  endpoints: Iterable<EndpointConfig>,
): string | undefined {
  const all = [...endpoints];
  if (named !== undefined) return all.some((e) => e.name === named) ? named : undefined;
  return (all.find((e) => e.role === 'gateway') ?? all.find((e) => e.role === 'rpc'))?.name;
}

/** Config issues of an `endpoint` option: it must name an endpoint, or a default must exist. */
export function checkEndpoint(
  named: string | undefined,
  endpoints: readonly EndpointConfig[],
): string[] {
  if (pickEndpoint(named, endpoints) !== undefined) return [];
  if (named !== undefined) return [`endpoint (${named}) names no configured endpoint`];
  return ['endpoint is not set and no gateway or rpc endpoint is configured'];
}

/** Issue for a chain-reading probe given `endpoints`: it reads through one `endpoint`. */
export const ENDPOINTS_UNUSED = 'endpoints is not used by this kind: name one `endpoint`';
