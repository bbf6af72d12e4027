/** Closed set of reasons the devnet itself fails (as opposed to a fault switched on). */
export type DevnetErrorCode = 'anvil-start-failed' | 'anvil-exited';

/** The devnet's own failure; `code` says which, `detail` carries anvil's last stderr lines. */
export class DevnetError extends Error {
  override readonly name = 'DevnetError';
  readonly code: DevnetErrorCode;
  readonly detail?: string[];

  constructor(
    code: DevnetErrorCode,
    message: string,
    options: { detail?: string[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.detail !== undefined) this.detail = options.detail;
  }
}

/** True when `err` is a DevnetError (optionally with the given code). */
export function isDevnetError(err: unknown, code?: DevnetErrorCode): err is DevnetError {
  return err instanceof DevnetError && (code === undefined || err.code === code);
}
