import type { ErrorClass } from '../../engine/error-class.js';
import { classifyTransportError } from '../../rpc/errors.js';

/** A breaker source that could not be read or understood; `code` is its class (never a URL). */
export class BreakerError extends Error {
  constructor(
    readonly code: ErrorClass,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BreakerError';
  }
}

/** Maps anything thrown while fetching a source to a BreakerError with a fixed, URL-free text. */
export function toBreakerError(err: unknown, timedOut: boolean): BreakerError {
  if (err instanceof BreakerError) return err;
  const code = classifyTransportError(err, timedOut);
  return new BreakerError(code, `source ${code.replace(/_/g, ' ')}`, { cause: err });
}
