import { Agent, request } from 'undici';
import { readCappedBody, type BodyErrors } from '../../rpc/body.js';
import { connectOptions, type ClientTls } from '../../rpc/client.js';
import { classifyHttpStatus } from '../../rpc/errors.js';
import { BreakerError, toBreakerError } from './errors.js';

/** Limits of one GET. */
export interface HttpGetOptions {
  signal: AbortSignal;
  timeoutMs: number;
  maxBytes: number;
  dispatcher: Agent;
}

/**
 * A keep-alive agent for breaker sources; undici's own timers only back up our deadline. With
 * `tls`, connections trust its CAs (instead of the system roots) and verify its server name.
 */
export function createBreakerAgent(tls?: ClientTls): Agent {
  return new Agent({
    connections: 2,
    keepAliveTimeout: 10_000,
    headersTimeout: 600_000,
    bodyTimeout: 600_000,
    ...(tls ? { connect: connectOptions(tls) } : {}),
  });
}

/**
 * GETs `rawUrl` and returns the body text of a 200 answer. Redirects are not followed (a
 * redirect is http_redirect), credentials in the URL become a Basic header, bodies above
 * `maxBytes` are body_too_large. Every failure is a BreakerError without the URL.
 */
export async function httpGetText(rawUrl: string, opts: HttpGetOptions): Promise<string> {
  const url = new URL(rawUrl);
  const headers: Record<string, string> = { accept: 'application/json, text/plain, */*' };
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const signal = AbortSignal.any([opts.signal, deadline]);
  try {
    const res = await request(url, { method: 'GET', headers, signal, dispatcher: opts.dispatcher });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new BreakerError(classifyHttpStatus(res.statusCode), `HTTP status ${res.statusCode}`);
    }
    return await readCappedBody(res.body, opts.maxBytes, BREAKER_BODY_ERRORS);
  } catch (err) {
    const engineTimeout = (opts.signal.reason as { name?: string } | undefined)?.name;
    throw toBreakerError(err, deadline.aborted || engineTimeout === 'TimeoutError');
  }
}

const BREAKER_BODY_ERRORS: BodyErrors = {
  tooLarge: (max) => new BreakerError('body_too_large', `body larger than ${max} bytes`),
  notUtf8: (cause) => new BreakerError('bad_response', 'body is not valid UTF-8', { cause }),
};
