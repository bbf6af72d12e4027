/**
 * A configuration that cannot be used. `issues` lists every problem found, one line each;
 * `lines` gives each one's line in the file where known (0 where not).
 */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
  readonly lines: readonly number[];
  constructor(
    readonly issues: string[],
    options?: { cause?: unknown; lines?: readonly number[] },
  ) {
    super(
      `invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'})`,
      options,
    );
    this.name = 'ConfigError';
    this.lines = options?.lines ?? [];
  }

  /** The message followed by one indented line per issue, with its file line where known. */
  describe(): string {
    const at = (i: number) => ((this.lines[i] ?? 0) > 0 ? `line ${this.lines[i]}: ` : '');
    return [this.message, ...this.issues.map((text, i) => `  - ${at(i)}${text}`)].join('\n');
  }
}
