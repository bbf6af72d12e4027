import { isatty } from 'node:tty';
import { pino, type Logger, type LevelWithSilent } from 'pino';

/** Log levels accepted by --log-level. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Options of the root logger. */
export interface LoggerOptions {
  level: LevelWithSilent;
  /** Human-readable output (pino-pretty) instead of JSON lines. */
  pretty?: boolean;
  /** Applied to every message and string field before it is written. */
  scrub?: (text: string) => string;
  /** File descriptor to write to: 1 (stdout, the default) or 2 (stderr, used by --once). */
  fd?: 1 | 2;
}

/**
 * The one root logger. JSON lines by default; pretty when asked (or on a terminal). Every
 * record passes through `scrub`, so a credential that slipped into an error message is masked.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const scrub = opts.scrub ?? ((t: string) => t);
  const fd = opts.fd ?? 1;
  return pino(
    {
      level: opts.level,
      base: { app: 'chainprobe' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        streamWrite: (line) => scrub(line),
      },
      transport: opts.pretty
        ? {
            target: 'pino-pretty',
            // Colours only on a terminal: a log file or pipe gets plain text.
            options: { colorize: isatty(fd), translateTime: 'SYS:HH:MM:ss.l', destination: fd },
          }
        : undefined,
    },
    opts.pretty ? undefined : pino.destination({ fd, sync: false }),
  );
}
