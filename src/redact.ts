/**
 * Redaction of secrets before anything leaves the process. Configuration may carry credentials
 * in URLs (user:password@, ?apikey=, /v3/<key>) and in headers; none of it may reach a log
 * line, an error message, a label or a page.
 */

const MASK = '<redacted>';

// Path segments that may be API keys (Infura, Alchemy and gateway tokens sit in the path):
// anything longer than 10 characters, or mixing letters and digits beyond 8. Plain route words
// (`rpc`, `v3`, `mainnet`, `besu`) stay readable.
function isKeyLike(segment: string): boolean {
  if (segment.length > 10) return true;
  return segment.length > 8 && /\d/.test(segment) && /[A-Za-z]/.test(segment);
}

/** Returns the URL with credentials, query values and key-like path segments masked. */
export function redactUrl(raw: string): string {
  if (!URL.canParse(raw)) return MASK;
  const url = new URL(raw);
  const userinfo = url.username || url.password ? `${MASK}@` : '';
  const path = url.pathname
    .split('/')
    .map((seg) => (isKeyLike(seg) ? MASK : seg))
    .join('/');
  const query = [...url.searchParams.keys()].map((k) => `${k}=${MASK}`).join('&');
  return `${url.protocol}//${userinfo}${url.host}${path}${query ? `?${query}` : ''}`;
}

/** The secret fragments of a URL: userinfo, query values and key-like path segments. */
export function secretsOfUrl(raw: string): string[] {
  if (!URL.canParse(raw)) return [raw];
  const url = new URL(raw);
  const out = [url.username, url.password, safeDecode(url.username), safeDecode(url.password)];
  for (const v of url.searchParams.values()) out.push(v);
  for (const seg of url.pathname.split('/')) if (isKeyLike(seg)) out.push(seg);
  return out.filter((s) => s.length >= 3);
}

/** Replaces every occurrence of any of `secrets` in `text`. */
export function createScrubber(secrets: Iterable<string>): (text: string) => string {
  const list = [...new Set(secrets)]
    .filter((s) => s.length >= 3)
    .sort((a, b) => b.length - a.length);
  if (list.length === 0) return (text) => text;
  const pattern = new RegExp(list.map(escapeRegExp).join('|'), 'g');
  return (text) => text.replace(pattern, MASK);
}

/** Percent-decodes `s`, or returns it as is when it is not valid percent-encoding ("%zz"). */
export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
