/** `setupTestHost`: one fresh test host per test of a describe block, stopped in afterEach. */
import { afterEach, beforeEach } from 'vitest';
import { createTestHost, type TestHost, type TestHostOptions } from './create-test-host.js';

/**
 * Registers a `beforeEach` that creates a test host and an `afterEach` that stops it;
 * returns a function giving the current test's host. Call it at the top of a describe
 * block (or file).
 *
 * @example
 * ```ts
 * import { definePlugin } from '@nocoflo/sdk';
 * import { setupTestHost } from '@nocoflo/testing';
 * import '@nocoflo/testing/matchers';
 * import { describe, expect, it } from 'vitest';
 *
 * const audit = definePlugin({});
 *
 * describe('audit plugin', () => {
 *   const host = setupTestHost(() => ({ plugins: [{ name: 'audit', plugin: audit }] }));
 *   it('starts', () => expect(host()).toHavePluginState('audit', 'enabled'));
 * });
 * ```
 */
export function setupTestHost(
  options: TestHostOptions | (() => TestHostOptions | Promise<TestHostOptions>) = {},
): () => TestHost {
  let current: TestHost | undefined;
  beforeEach(async () => {
    current = await createTestHost(typeof options === 'function' ? await options() : options);
  });
  afterEach(async () => {
    const host = current;
    current = undefined;
    await host?.stop();
  });
  return () => {
    if (!current)
      throw new Error('setupTestHost: the host exists only while a test runs (call the getter inside it)');
    return current;
  };
}
