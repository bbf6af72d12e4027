/** Why the canary's key or options cannot be used (a configuration problem, found at load). */
export type CanaryConfigCode = 'key_missing' | 'key_unreadable' | 'key_invalid' | 'key_in_config';

/** A canary configuration error. The message never contains the key or any part of it. */
export class CanaryConfigError extends Error {
  constructor(
    readonly code: CanaryConfigCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'CanaryConfigError';
  }
}
