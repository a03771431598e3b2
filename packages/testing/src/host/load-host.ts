/**
 * `@nocoflo/host` is an optional peer of the testing kit: a view plugin whose suite needs no
 * host (static views, no lifecycle) installs neither it nor its native SQLite driver. What
 * needs a host loads it here, at the first call, and says how to install it when it is absent.
 */
import { Errors, NocofloError } from '@nocoflo/sdk';

/** The parts of `@nocoflo/host` the testing kit uses. */
export type HostModule = typeof import('@nocoflo/host');

let loading: Promise<HostModule> | undefined;

/** Imports `@nocoflo/host` once; a missing install is a NocofloError naming the command to run. */
export function loadHost(what: string): Promise<HostModule> {
  loading ??= import('@nocoflo/host').catch((error: unknown) => {
    loading = undefined;
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' || !String((error as Error).message).includes('@nocoflo/host'))
      throw error;
    throw NocofloError.create(Errors.TestHostUnavailable, [what]);
  });
  return loading;
}
