import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its key, PEM. */
export interface CertPair {
  cert: string;
  key: string;
}

/** Certificates made by openssl in a temp dir: self-signed (valid), expired, other host. */
export interface TestCerts {
  selfSigned: CertPair;
  expired: CertPair;
  otherHost: CertPair;
}

const CA_CONF = `[ ca ]
default_ca = d
[ d ]
database = ./index.txt
new_certs_dir = .
serial = ./serial
default_md = sha256
policy = p
unique_subject = no
[ p ]
commonName = supplied
`;

function newKeyAndCsr(dir: string, name: string, cn: string): void {
  execFileSync(
    'openssl',
    ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat([
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${cn}`,
    ]),
    { cwd: dir, stdio: 'ignore' },
  );
}

// `openssl ca -selfsign` is the one OpenSSL 3.0 way to set both validity dates.
function selfSign(dir: string, name: string, cn: string, start: string, end: string): CertPair {
  newKeyAndCsr(dir, name, cn);
  execFileSync(
    'openssl',
    ['ca', '-batch', '-config', 'ca.cnf', '-selfsign', '-keyfile', `${name}.key`].concat([
      '-in',
      `${name}.csr`,
      '-out',
      `${name}.pem`,
      '-startdate',
      start,
      '-enddate',
      end,
      '-notext',
    ]),
    { cwd: dir, stdio: 'ignore' },
  );
  return {
    cert: readFileSync(join(dir, `${name}.pem`), 'utf8'),
    key: readFileSync(join(dir, `${name}.key`), 'utf8'),
  };
}

/** Makes the test certificates with the system's openssl; the temp dir is removed after. */
export function makeCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'chainprobe-tls-'));
  try {
    writeFileSync(join(dir, 'ca.cnf'), CA_CONF);
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '01\n');
    const year = new Date().getUTCFullYear();
    return {
      selfSigned: selfSign(
        dir,
        'self',
        '127.0.0.1',
        `${year - 1}0101000000Z`,
        `${year + 2}0101000000Z`,
      ),
      expired: selfSign(dir, 'expired', '127.0.0.1', '20200101000000Z', '20200102000000Z'),
      otherHost: selfSign(
        dir,
        'other',
        'other.invalid',
        `${year - 1}0101000000Z`,
        `${year + 2}0101000000Z`,
      ),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A local server whose connections a test counts; stop() destroys every socket. */
export interface RawServer {
  url: string;
  port: number;
  /** Connections accepted (TCP) or requests answered (HTTPS). */
  readonly hits: number;
  stop(): Promise<void>;
}

function track(server: Server, counter: { hits: number }, scheme: string): Promise<RawServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `${scheme}://127.0.0.1:${port}`,
        port,
        get hits() {
          return counter.hits;
        },
        stop: async () => {
          for (const s of sockets) s.destroy();
          await new Promise<void>((r) => server.close(() => r()));
        },
      });
    });
  });
}

/** An HTTPS server with `pair`; counts requests that got through the handshake. */
export function startHttpsServer(pair: CertPair): Promise<RawServer> {
  const counter = { hits: 0 };
  const server = createHttpsServer({ cert: pair.cert, key: pair.key }, (_req, res) => {
    counter.hits++;
    res.end('{}');
  });
  server.on('tlsClientError', () => undefined);
  return track(server, counter, 'https');
}

/** A TCP server that does `onSocket` with every connection (write garbage, close at once). */
export function startTcpServer(onSocket: (s: Socket) => void): Promise<RawServer> {
  const counter = { hits: 0 };
  const server = createNetServer((s) => {
    counter.hits++;
    onSocket(s);
  });
  return track(server, counter, 'http');
}

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
