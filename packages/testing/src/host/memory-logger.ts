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

/**
 * Creates a logger that records every line (and also passes it to `forward`, if given).
 *
 * @example
 * ```ts
 * import { definePlugin } from '@nocoflo/sdk';
 * import { createMemoryLogger, createTestHost } from '@nocoflo/testing';
 * import { expect, it } from 'vitest';
 *
 * it('logs that it started', async () => {
 *   const logger = createMemoryLogger();
 *   const plugin = definePlugin({ setup: (ctx) => ctx.logger.info('ready') });
 *   const host = await createTestHost({ plugins: [{ name: 'greeter', plugin }], logger });
 *   try {
 *     expect(logger.entries).toContainEqual(expect.objectContaining({ level: 'info', message: 'ready' }));
 *   } finally {
 *     await host.stop();
 *   }
 * });
 * ```
 */
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
