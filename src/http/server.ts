import express, { type Express, type Request, type Response } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Daemon } from '../engine/daemon.js';

/** Routes the HTTP server can be extended with (status page, reload) without touching this file. */
export type RouteInstaller = (app: Express) => void;

/** Builds the express app: /metrics, /healthz, /readyz, plus any extra routes. */
export function createApp(daemon: Daemon, extra: readonly RouteInstaller[] = []): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (_req: Request, res: Response) => {
    res.set('Content-Type', daemon.registry.contentType);
    res.send(await daemon.registry.metrics());
  });
  // Liveness for the kubelet: the process serves HTTP. Never gated by auth.
  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok\n');
  });
  // Readiness: every probe task has completed a first run, so /metrics is complete.
  app.get('/readyz', (_req, res) => {
    const ready = daemon.isReady();
    res
      .status(ready ? 200 : 503)
      .type('text/plain')
      .send(ready ? 'ready\n' : 'first cycle not done\n');
  });
  for (const install of extra) install(app);
  return app;
}

/** Listens on `listen` (host:port; port 0 picks one) and resolves with the bound address. */
export async function listen(
  app: Express,
  listenAddr: string,
): Promise<{ server: Server; url: string }> {
  const idx = listenAddr.lastIndexOf(':');
  const host = listenAddr.slice(0, idx).replace(/^\[|\]$/g, '') || '0.0.0.0';
  const port = Number(listenAddr.slice(idx + 1));
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  server.keepAliveTimeout = 65_000;
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${addr.port}`,
  };
}

/** Closes the server, ending idle keep-alive connections. */
export async function closeServer(server: Server): Promise<void> {
  server.closeIdleConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
