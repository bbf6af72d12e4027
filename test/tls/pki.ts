import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway private PKI in a temp dir: two CAs and a server certificate signed by the first. */
export interface TestPki {
  dir: string;
  /** PEM file of the CA that signed the server certificate. */
  caFile: string;
  /** PEM file of an unrelated CA. */
  otherCaFile: string;
  /** The server's key and certificate (PEM text), for 127.0.0.1 and SERVER_NAME. */
  server: { key: string; cert: string };
}

/** The DNS name in the server certificate besides IP 127.0.0.1. */
export const SERVER_NAME = 'rpc.chain138.test';

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

function makeCa(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  // prettier-ignore
  openssl([
    'req', '-x509', ...EC, '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { cert, key };
}

/** Makes the PKI with openssl (offline, well under a second). The caller removes `dir`. */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'chainprobe-pki-'));
  const ca = makeCa(dir, 'chainprobe-test-ca');
  const other = makeCa(dir, 'chainprobe-other-ca');
  const key = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const cert = join(dir, 'server.pem');
  const ext = join(dir, 'server.ext');
  writeFileSync(
    ext,
    `subjectAltName=IP:127.0.0.1,DNS:${SERVER_NAME}\nbasicConstraints=CA:FALSE\n` +
      'extendedKeyUsage=serverAuth\n',
  );
  openssl(['req', '-new', ...EC, '-keyout', key, '-out', csr, '-subj', `/CN=${SERVER_NAME}`]);
  // prettier-ignore
  openssl([
    'x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial',
    '-out', cert, '-days', '2', '-extfile', ext,
  ]);
  return {
    dir,
    caFile: ca.cert,
    otherCaFile: other.cert,
    server: { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') },
  };
}
