import type { ErrorClass } from '../../engine/error-class.js';

/** A feed that cannot be judged as configured (e.g. decimals() disagrees with the config). */
export class OracleError extends Error {
  constructor(
    readonly code: ErrorClass,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OracleError';
  }
}
