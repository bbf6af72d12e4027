import { Agent, request } from 'undici';
import { classifyHttpStatus } from '../../rpc/errors.js';
import { BreakerError, toBreakerError } from './errors.js';

/** Limits of one GET. */
export interface HttpGetOptions {
  signal: AbortSignal;
  timeoutMs: number;
  maxBytes: number;
  dispatcher: Agent;
}

/** A keep-alive agent for breaker sources; undici's own timers only back up our deadline. */
export function createBreakerAgent(): Agent {
  return new Agent({
    connections: 2,
    keepAliveTimeout: 10_000,
    headersTimeout: 600_000,
    bodyTimeout: 600_000,
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
    return await readCapped(res.body, opts.maxBytes);
  } catch (err) {
    const engineTimeout = (opts.signal.reason as { name?: string } | undefined)?.name;
    throw toBreakerError(err, deadline.aborted || engineTimeout === 'TimeoutError');
  }
}

async function readCapped(
  body: AsyncIterable<Uint8Array> & { destroy(): void },
  maxBytes: number,
): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      body.destroy();
      throw new BreakerError('body_too_large', `body larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch (err) {
    throw new BreakerError('bad_response', 'body is not valid UTF-8', { cause: err });
  }
}
