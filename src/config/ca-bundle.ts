import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * The CA certificates of one endpoint's `tls.caFile`, as read at load or reload. The PEM text
 * stays inside: serialised (logs, --check-config, the daemon's change detection) it is only
 * its SHA-256 and certificate count, so a rotated bundle reads as a changed endpoint and no
 * PEM text ever reaches output.
 */
export class CaBundle {
  readonly #pem: string;

  constructor(
    pem: string,
    /** How many certificates the bundle holds. */
    readonly certificates: number,
  ) {
    this.#pem = pem;
  }

  /** The PEM text, for a TLS connection's `ca` option only. */
  pem(): string {
    return this.#pem;
  }

  /** What a log or a printed configuration shows instead of the PEM text. */
  toJSON(): { certificates: number; sha256: string } {
    const sha256 = createHash('sha256').update(this.#pem).digest('hex');
    return { certificates: this.certificates, sha256 };
  }
}

/**
 * Checks PEM text as a CA bundle: at least one CERTIFICATE block, each a parseable X.509
 * certificate, and no private key. Returns the bundle or a problem (never quoting the text).
 */
export function parseCaBundle(text: string): CaBundle | string {
  if (PRIVATE_KEY.test(text)) return 'holds a private key; give CA certificates only';
  const blocks = text.match(CERT_BLOCK) ?? [];
  if (blocks.length === 0) return 'holds no PEM certificate';
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch {
      return `certificate ${i + 1} of ${blocks.length} is not a valid X.509 certificate`;
    }
  }
  return new CaBundle(blocks.join('\n') + '\n', blocks.length);
}

/** Reads and checks a CA bundle file (relative paths from the working directory). */
export function readCaBundle(path: string): CaBundle | string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  return parseCaBundle(text);
}
