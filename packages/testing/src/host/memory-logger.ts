/** A logger that keeps every line in memory, for assertions on what a host or plugin logged. */
import type { Logger } from '@nocoflo/sdk';

/** Log levels. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One captured log line. */
export interface LogEntry {
  /** Level. */
  readonly level: LogLevel;
  /** Message. */
  readonly message: string;
  /** Structured data; plugin loggers add `plugin`. */
  readonly data?: Record<string, unknown>;
}

/** A logger with the lines it received. */
export interface MemoryLogger extends Logger {
  /** Every line, in order. */
  readonly entries: readonly LogEntry[];
}

/** Creates a logger that records every line (and also passes it to `forward`, if given). */
export function createMemoryLogger(forward?: Logger): MemoryLogger {
  const entries: LogEntry[] = [];
  const at =
    (level: LogLevel) =>
    (message: string, data?: Record<string, unknown>): void => {
      entries.push(data === undefined ? { level, message } : { level, message, data });
      forward?.[level](message, data);
    };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
