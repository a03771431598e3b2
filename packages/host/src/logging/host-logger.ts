/**
 * The shape of the host's pino logger, and the check for it, apart from pino itself: the
 * host's start (`createHost`, the plugin lifecycle) only asks whether it was given one, and
 * importing them from pino-logger.ts loaded pino and its ~25 modules into every start that
 * logs nowhere, such as each `nocoflo plugins …` or `nocoflo users …` command.
 */
import type { Logger } from '@nocoflo/sdk';
import type { Logger as PinoLogger } from 'pino';

/** A logger whose children carry bound fields (the plugin name), as pino's do. */
export interface HostLogger extends Logger {
  /** A logger writing every line with `bindings` added (e.g. `{ plugin: 'table-view' }`). */
  child(bindings: Record<string, unknown>): HostLogger;
  /** The pino instance underneath, for Fastify's `loggerInstance`. */
  readonly pino: PinoLogger;
}

/** Whether a logger is a {@link HostLogger} (has children and a pino instance). */
export function isHostLogger(logger: Logger): logger is HostLogger {
  return (
    typeof (logger as Partial<HostLogger>).child === 'function' &&
    typeof (logger as Partial<HostLogger>).pino === 'object'
  );
}
