import type { Logger } from './plugin/types.js';

/** A logger that discards everything; the default where no logger is given. */
export const silentLogger: Logger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
});
