import bcrypt from 'bcryptjs';
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

/** Credentials from an Authorization header. */
export interface BasicCredentials {
  user: string;
  password: string;
}

/** Parses `Authorization: Basic base64(user:password)`; undefined when absent or malformed. */
export function parseBasicAuth(header: string | undefined): BasicCredentials | undefined {
  const m = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const CACHE_LIMIT = 256;

/**
 * Checks basic-auth credentials against bcrypt hashes. bcrypt is slow on purpose (tens of ms at
 * cost 10), and Prometheus sends the same credentials every scrape, so verdicts are cached by a
 * SHA-256 of user, password and hash: a changed hash or password misses the cache.
 */
export class BasicAuthVerifier {
  private readonly cache = new Map<string, boolean>();
  private dummy: Promise<string> | undefined;

  constructor(private users: ReadonlyMap<string, string>) {}

  /** True when at least one user is configured (authentication is on). */
  get enabled(): boolean {
    return this.users.size > 0;
  }

  /** Replaces the users (web configuration reload). */
  setUsers(users: ReadonlyMap<string, string>): void {
    this.users = users;
    this.cache.clear();
    this.dummy = undefined;
  }

  /** True when `creds` match a configured user. */
  async verify(creds: BasicCredentials | undefined): Promise<boolean> {
    const known = creds ? this.users.get(creds.user) : undefined;
    const hash = known ?? (await this.dummyHash());
    const password = creds?.password ?? '';
    const key = createHash('sha256')
      .update(`${creds?.user ?? ''}\u0000${password}\u0000${hash}`)
      .digest('base64');
    const cached = this.cache.get(key);
    const ok = cached ?? (await bcrypt.compare(password, hash));
    if (cached === undefined) this.remember(key, ok);
    // bcrypt.compare compares the digests in constant time; the dummy hash keeps unknown users
    // as slow as known ones.
    return known !== undefined && ok;
  }

  // Compared against when the user is unknown, at the cost of the configured hashes, so an
  // unknown user costs a bcrypt run as a known one does: response times do not reveal which
  // user names exist. Made once, on the first unknown user.
  private dummyHash(): Promise<string> {
    const first = this.users.values().next().value;
    const cost = first ? Number(first.slice(4, 6)) : 10;
    this.dummy ??= bcrypt.hash('chainprobe-no-such-user', cost);
    return this.dummy;
  }

  private remember(key: string, ok: boolean): void {
    if (this.cache.size >= CACHE_LIMIT) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, ok);
  }
}

/**
 * Express middleware: passes requests with valid credentials (or every request when no user is
 * configured), answers 401 with a WWW-Authenticate challenge otherwise. Passwords are never
 * logged; only the remote address of a failure is, at debug.
 */
export function requireBasicAuth(verifier: BasicAuthVerifier, logger?: Logger): RequestHandler {
  // Limitation: failed attempts are not rate limited; put a proxy in front of an exposed port.
  return (req, res, next) => {
    if (!verifier.enabled) return next();
    verifier.verify(parseBasicAuth(req.get('authorization'))).then(
      (ok) => {
        if (ok) return next();
        logger?.debug(
          { remote: req.socket.remoteAddress, path: req.path },
          'authentication failed',
        );
        res
          .status(401)
          .set('WWW-Authenticate', 'Basic realm="chainprobe", charset="UTF-8"')
          .type('text/plain')
          .send('Unauthorized\n');
      },
      (err: unknown) => next(err),
    );
  };
}
