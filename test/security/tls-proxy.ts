import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM key and certificate pair. */
export interface KeyPair {
  key: string;
  cert: string;
}

/**
 * Makes a self-signed EC certificate with openssl in a fresh temp dir (removed after): subject
 * and issuer `CN=<cn>`, valid for `days`.
 */
export function makeCertificate(cn: string, days: number): KeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'chainprobe-tls-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    // prettier-ignore
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', String(days), '-subj', `/CN=${cn}`,
      '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'ignore' });
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A TLS front on 127.0.0.1 (port 0) that forwards POST bodies to `backend`. */
export interface TlsProxy {
  url: string;
  /** Presents `pair` to new connections from now on. */
  swap(pair: KeyPair): void;
  stop(): Promise<void>;
}

/** Starts a tiny HTTPS reverse proxy in front of `backend` presenting `pair`. */
export async function startTlsProxy(backend: string, pair: KeyPair): Promise<TlsProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ ...pair }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      fetch(backend, {
        method: req.method ?? 'POST',
        headers: { 'content-type': 'application/json' },
        ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
      })
        .then(async (up) => {
          res.writeHead(up.status, { 'content-type': 'application/json' });
          res.end(await up.text());
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    swap: (next) => server.setSecureContext({ ...next }),
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
