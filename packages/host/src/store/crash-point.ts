/**
 * Deterministic crash points for the crash-safety tests: when the environment variable
 * `NOCOFLO_CRASH_AT` names a point, the process kills itself there with SIGKILL, exactly as
 * an operator's `kill -9` or a power cut would. Unset in normal operation, so a no-op.
 */

/**
 * Kills the current process with SIGKILL when `NOCOFLO_CRASH_AT` equals `point`.
 *
 * @param point - A stable name, e.g. `install:after-backup` or `migration:before-commit`.
 */
export function crashPoint(point: string): void {
  if (process.env.NOCOFLO_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}
