/** A configuration that cannot be used. `issues` lists every problem found, one line each. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(
    readonly issues: string[],
    options?: { cause?: unknown },
  ) {
    super(
      `invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'})`,
      options,
    );
    this.name = 'ConfigError';
  }

  /** The message followed by one indented line per issue. */
  describe(): string {
    return [this.message, ...this.issues.map((i) => `  - ${i}`)].join('\n');
  }
}
