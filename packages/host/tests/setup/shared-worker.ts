// Runs before each test file of the `shared` project (vitest.config.ts), whose files share a
// worker process one after another: real timers again after every test, so a test that fails
// between `vi.useFakeTimers()` and its own `vi.useRealTimers()` cannot hand fake ones to the
// next file.
import { afterEach, vi } from 'vitest';

afterEach(() => {
  vi.useRealTimers();
});
