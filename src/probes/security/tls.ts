import { connect, type PeerCertificate } from 'node:tls';
import { isIP } from 'node:net';
import { connectOptions, type ClientTls } from '../../rpc/client.js';
import { RpcError, classifyTransportError } from '../../rpc/errors.js';

/** What the identity check keeps of a leaf certificate. */
export interface CertificateView {
  /** SHA-256 fingerprint, colon-separated upper-case hex as Node prints it. */
  fingerprint256: string;
  /** Issuer distinguished name, `CN=...,O=...` in a stable order. */
  issuer: string;
  /** notAfter, ms since the epoch. */
  notAfterMs: number;
}

/**
 * Opens a TLS connection to the https URL's host and port (SNI = its host name), reads the
 * leaf certificate and closes: no HTTP request is sent and nothing is followed. Without `tls`
 * the chain is not verified here (the rpc probe reports an untrusted one); this reads what is
 * presented. With the endpoint's `tls` (its own CA bundle, optional server name) the chain and
 * name are verified against them, as for its JSON-RPC client, and a failure is class `tls`.
 * Limitation: only the leaf certificate is examined, not intermediates.
 */
export function fetchCertificate(
  url: string,
  signal: AbortSignal,
  tls?: ClientTls,
): Promise<CertificateView> {
  const { hostname, port } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new RpcError('aborted', 'aborted before connecting'));
      return;
    }
    const socket = connect({
      host,
      port: Number(port || 443),
      ...(isIP(host) === 0 ? { servername: host } : {}),
      ...(tls
        ? { ...connectOptions(tls), rejectUnauthorized: true }
        : { rejectUnauthorized: false }),
    });
    const onAbort = (): void => {
      socket.destroy();
      reject(new RpcError(abortClass(signal), 'TLS connection aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('close', () => signal.removeEventListener('abort', onAbort));
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      socket.destroy();
      if (!cert || Object.keys(cert).length === 0) {
        reject(new RpcError('tls', 'the endpoint presented no certificate'));
        return;
      }
      resolve(toView(cert));
    });
    socket.once('error', (err) => {
      socket.destroy();
      reject(new RpcError(classifyTransportError(err), 'TLS connection failed', { cause: err }));
    });
  });
}

// The engine aborts with a TimeoutError reason when the run's deadline passes.
function abortClass(signal: AbortSignal): 'timeout' | 'aborted' {
  return (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError'
    ? 'timeout'
    : 'aborted';
}

function toView(cert: PeerCertificate): CertificateView {
  const issuer = Object.entries(cert.issuer ?? {})
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .sort()
    .join(',');
  return { fingerprint256: cert.fingerprint256, issuer, notAfterMs: Date.parse(cert.valid_to) };
}

/** Normalises a SHA-256 fingerprint pin: hex with or without colons, any case. */
export function normaliseFingerprint(pin: string): string {
  const hex = pin.replace(/:/g, '').toUpperCase();
  return hex.match(/.{2}/g)?.join(':') ?? hex;
}
