/** Closed set of reasons a consensus decode, hash or signing step can fail. */
export type ConsensusErrorCode =
  | 'not-hex'
  | 'not-rlp'
  | 'ibft1-legacy'
  | 'bad-shape'
  | 'bad-vanity'
  | 'bad-validator'
  | 'bad-vote'
  | 'bad-round'
  | 'bad-seal'
  | 'missing-field'
  | 'bad-field'
  | 'bad-digest'
  | 'bad-key';

/** Options for a ConsensusError: extra detail lines and the underlying cause. */
export interface ConsensusErrorOptions {
  detail?: string[];
  cause?: unknown;
}

/** The only error the consensus codec throws; `code` is safe to use as a metric label. */
export class ConsensusError extends Error {
  override readonly name = 'ConsensusError';
  readonly code: ConsensusErrorCode;
  readonly detail?: string[];

  constructor(code: ConsensusErrorCode, message: string, options: ConsensusErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.detail !== undefined) this.detail = options.detail;
  }
}

/** True when `err` is a ConsensusError (optionally with the given code). */
export function isConsensusError(err: unknown, code?: ConsensusErrorCode): err is ConsensusError {
  return err instanceof ConsensusError && (code === undefined || err.code === code);
}

/**
 * Maps any thrown value to a ConsensusError: ours pass through unchanged, library errors
 * (ethers' INVALID_ARGUMENT, BUFFER_OVERRUN, RangeError...) get `fallback` and keep the cause.
 */
export function toConsensusError(
  err: unknown,
  fallback: ConsensusErrorCode,
  message: string,
): ConsensusError {
  if (err instanceof ConsensusError) return err;

  const detail = err instanceof Error ? [err.message.split('\n')[0] ?? ''] : [String(err)];
  return new ConsensusError(fallback, message, { detail, cause: err });
}
