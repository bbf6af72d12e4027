/**
 * The container's HEALTHCHECK: GETs /healthz on the local port, over HTTP or, when the web
 * config turned TLS on, HTTPS. Loopback only, so the certificate is not checked here.
 * Usage: node dist/src/cli/healthcheck.js [port]
 */
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';

const port = Number(process.argv[2] ?? 9488);

function probe(secure: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const get = secure ? httpsGet : httpGet;
    const req = get(
      { host: '127.0.0.1', port, path: '/healthz', timeout: 3000, rejectUnauthorized: false },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

const ok = (await probe(false)) || (await probe(true));
process.exit(ok ? 0 : 1);
