import type { ClientTls } from '../rpc/client.js';
import type { EndpointTls } from './schema.js';

/**
 * The TLS options every HTTP or TLS client of `owner` (an endpoint, a breaker source) must use:
 * its CA bundle and server name, or undefined when it has no `tls` (system roots, URL host).
 * Throws when `tls` is set but its CA file was never read: a bug, since trusting the system
 * roots instead would be silent.
 */
export function clientTlsOf(owner: { name: string; tls?: EndpointTls }): ClientTls | undefined {
  const { tls } = owner;
  if (tls === undefined) return undefined;
  if (tls.ca === undefined) throw new Error(`${owner.name}: tls.caFile was not loaded`);
  return {
    ca: tls.ca.pem(),
    ...(tls.serverName !== undefined ? { serverName: tls.serverName } : {}),
  };
}
