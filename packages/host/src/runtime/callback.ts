/**
 * Runs one call into a plugin under its deadline, turning throws, rejections and hangs into
 * catalog errors that name the plugin and the callback.
 */
import { Errors, errorMessage, isNocofloError, NocofloError } from '@nocoflo/sdk';
import { TimeoutError, withTimeout } from '../lifecycle/timeout.js';

/** Runs `fn` under `timeoutMs`; a failure is a `NocofloError` naming `plugin` and `callback`. */
export async function runPluginCallback<T>(
  plugin: string,
  callback: string,
  timeoutMs: number,
  fn: () => T | Promise<T>,
): Promise<T> {
  try {
    return await withTimeout(fn, timeoutMs);
  } catch (error) {
    throw asCallbackError(plugin, callback, error);
  }
}

/** The catalog error for a failed call into a plugin. */
export function asCallbackError(plugin: string, callback: string, error: unknown): NocofloError {
  if (error instanceof TimeoutError)
    return NocofloError.create(Errors.PluginCallbackTimeout, [plugin, callback, error.ms]);
  if (isNocofloError(error)) return error;
  return NocofloError.create(Errors.PluginCallbackFailed, [plugin, callback, errorMessage(error)], {
    cause: error,
  });
}
