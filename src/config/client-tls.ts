import type { ClientTls } from '../rpc/client.js';
import type { EndpointConfig } from './schema.js';

/**
 * The TLS options every HTTP or TLS client of `ep` must use: its CA bundle and server name, or
 * undefined when the endpoint has no `tls` (system roots, URL host). Throws when `tls` is set
 * but its CA file was never read: a bug, since trusting the system roots instead would be silent.
 */
export function clientTlsOf(ep: EndpointConfig): ClientTls | undefined {
  if (ep.tls === undefined) return undefined;
  if (ep.tls.ca === undefined) throw new Error(`endpoint ${ep.name}: tls.caFile was not loaded`);
  return {
    ca: ep.tls.ca.pem(),
    ...(ep.tls.serverName !== undefined ? { serverName: ep.tls.serverName } : {}),
  };
}
