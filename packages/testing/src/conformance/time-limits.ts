/**
 * Time limits of the conformance suites. A check's speed is not what it tests: its limit only
 * catches a check that hangs for good. On a busy two-core machine running several suites at
 * once, a check that renders a view a dozen times can take well over a minute without anything
 * being wrong, so a limit it can reach fails the check for the machine, not for the plugin.
 */

/** Default time limit of one whole check, in ms (only a hang reaches it). */
export const DEFAULT_CHECK_TIMEOUT_MS = 10 * 60_000;

/**
 * Default deadline of each view callback the view suite's test host makes (`canHandle`,
 * `render`), in ms: as long as a whole check's, so only a hang reaches it. A render that
 * does nothing wrong can load its drawing library on first use, and on a loaded machine that
 * took longer than the 30 s this was before.
 */
export const DEFAULT_VIEW_CALLBACK_TIMEOUT_MS = DEFAULT_CHECK_TIMEOUT_MS;
