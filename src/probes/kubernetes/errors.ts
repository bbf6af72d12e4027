import type { ErrorClass } from '../../engine/error-class.js';
import { classifyHttpStatus, classifyTransportError } from '../../rpc/errors.js';

/** Resources the probe lists; they name the failing call in messages and labels. */
export const KUBE_RESOURCES = ['pods', 'statefulsets', 'deployments'] as const;
/** One listed resource. */
export type KubeResource = (typeof KUBE_RESOURCES)[number];

/** A failed Kubernetes API call or client set-up. `code` is its class; the message is safe. */
export class KubeError extends Error {
  constructor(
    readonly code: ErrorClass,
    message: string,
    readonly extra: { resource?: KubeResource; httpStatus?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: extra.cause });
    this.name = 'KubeError';
  }
}

/**
 * The one place client library errors become classes. `signal` is the run's signal: once it
 * has fired, whatever the library threw is the abort (a timeout when its reason says so).
 */
export function classifyKubeError(err: unknown, signal?: AbortSignal): ErrorClass {
  if (signal?.aborted) return nameOf(signal.reason) === 'TimeoutError' ? 'timeout' : 'aborted';
  if (err instanceof KubeError) return err.code;
  const httpStatus = apiStatusOf(err);
  if (httpStatus !== undefined) return classifyHttpStatus(httpStatus);
  if (nameOf(err) === 'TimeoutError') return 'timeout';
  if (nameOf(err) === 'AbortError') return 'aborted';
  // The client parses bodies with JSON.parse; a truncated or HTML body lands here.
  if (err instanceof SyntaxError) return 'invalid_json';
  if (hasCode(err) || (err instanceof TypeError && err.message === 'fetch failed')) {
    return classifyTransportError(err);
  }
  return 'internal';
}

/** Wraps any error of a list call into a KubeError with its class and a one-line message. */
export function toKubeError(err: unknown, resource: KubeResource, signal?: AbortSignal): KubeError {
  if (err instanceof KubeError) return err;
  const code = classifyKubeError(err, signal);
  const httpStatus = apiStatusOf(err);
  const what = httpStatus ? `HTTP ${httpStatus}${statusReason(err)}` : code;
  return new KubeError(code, `listing ${resource} failed: ${what}`, {
    resource,
    cause: err,
    ...(httpStatus ? { httpStatus } : {}),
  });
}

// A Status body's `reason` is a CamelCase word from the API's own closed list (Forbidden,
// NotFound, ...); the free-text `message` (user and namespace names) stays out of details.
function statusReason(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? null);
  const reason = /"reason":"([A-Za-z]{1,40})"/.exec(text)?.[1];
  return reason ? ` (${reason})` : '';
}

/**
 * The HTTP status of the client's ApiException (code, body, headers), found by shape so this
 * module does not load the client library (it costs ~0.7 s at start-up; client.ts loads it lazily).
 */
export function apiStatusOf(err: unknown): number | undefined {
  if (!(err instanceof Error) || !('body' in err) || !('headers' in err)) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' && Number.isInteger(code) ? code : undefined;
}

function nameOf(value: unknown): string | undefined {
  const name = (value as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
}

// fetch failures are TypeError('fetch failed') whose cause carries the socket error code.
function hasCode(err: unknown): boolean {
  let cur = err;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    if (typeof (cur as { code?: unknown }).code === 'string') return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}
