import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Daemon } from '../engine/daemon.js';
import { renderMetrics } from '../metrics/render.js';
import type { WebTlsConfig } from './web-config.js';

/** Routes the HTTP server can be extended with (status page, reload) without touching this file. */
export type RouteInstaller = (app: Express) => void;

/** The HTTP or HTTPS server chainprobe listens with. */
export type Server = HttpServer | HttpsServer;

/** Options of createApp. */
export interface AppOptions {
  /** Gate for every route but /healthz and /readyz (basic auth); default: none. */
  auth?: RequestHandler;
  /** Extra response headers on every answer (web config http_server_config.headers). */
  headers?: () => Readonly<Record<string, string>>;
}

/**
 * Builds the express app: /healthz and /readyz (always open, for the kubelet), then the auth
 * gate, then /metrics and any extra routes.
 */
export function createApp(
  daemon: Daemon,
  extra: readonly RouteInstaller[] = [],
  opts: AppOptions = {},
): Express {
  const app = express();
  app.disable('x-powered-by');
  const { headers } = opts;
  if (headers) app.use((_req, res, next) => (res.set(headers()), next()));
  // Liveness for the kubelet: the process serves HTTP. Never gated by auth.
  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok\n');
  });
  // Readiness: every probe task has completed a first run, so /metrics is complete. Open too:
  // the kubelet cannot authenticate, and the answer is one word.
  app.get('/readyz', (_req, res) => {
    const ready = daemon.isReady();
    res
      .status(ready ? 200 : 503)
      .type('text/plain')
      .send(ready ? 'ready\n' : 'first cycle not done\n');
  });
  if (opts.auth) app.use(opts.auth);
  app.get('/metrics', async (_req: Request, res: Response) => {
    res.set('Content-Type', daemon.registry.contentType);
    // Rendered metric by metric, yielding in between, so a large scrape never holds up probe
    // timers for its whole duration (prom-client's own render does not yield).
    res.send(await renderMetrics(daemon.registry));
  });
  for (const install of extra) install(app);
  return app;
}

/**
 * Listens on `listen` (host:port; port 0 picks one) over HTTP, or HTTPS when `tls` is given,
 * and resolves with the bound address.
 */
export async function listen(
  app: Express,
  listenAddr: string,
  tls?: WebTlsConfig,
): Promise<{ server: Server; url: string }> {
  const idx = listenAddr.lastIndexOf(':');
  const host = listenAddr.slice(0, idx).replace(/^\[|\]$/g, '') || '0.0.0.0';
  const port = Number(listenAddr.slice(idx + 1));
  const server = tls ? createTlsServer(app, tls) : createHttpServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.keepAliveTimeout = 65_000;
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const scheme = tls ? 'https' : 'http';
  return {
    server,
    url: `${scheme}://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${addr.port}`,
  };
}

/** TLS options for node:https from a validated web configuration. */
export function tlsOptions(tls: WebTlsConfig) {
  const requestCert = tls.clientAuth !== 'NoClientCert';
  return {
    cert: tls.cert,
    key: tls.key,
    ...(tls.ca ? { ca: tls.ca } : {}),
    minVersion: tls.minVersion,
    maxVersion: tls.maxVersion,
    requestCert,
    // Only RequireAndVerifyClientCert can be left to OpenSSL; the others are decided per
    // connection below.
    rejectUnauthorized: tls.clientAuth === 'RequireAndVerifyClientCert',
  };
}

// Limitation: certificates are read at start and on reload, not on every handshake as in
// exporter-toolkit; a rotated certificate needs SIGHUP or POST /-/reload.
function createTlsServer(app: Express, tls: WebTlsConfig): HttpsServer {
  const server = createHttpsServer(tlsOptions(tls), app);
  server.on('secureConnection', (socket: TLSSocket) => {
    const hasCert = Object.keys(socket.getPeerCertificate()).length > 0;
    const refuse =
      (tls.clientAuth === 'RequireAnyClientCert' && !hasCert) ||
      (tls.clientAuth === 'VerifyClientCertIfGiven' && hasCert && !socket.authorized);
    if (refuse) socket.destroy();
  });
  return server;
}

/** Closes the server, ending idle keep-alive connections. */
export async function closeServer(server: Server): Promise<void> {
  server.closeIdleConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
