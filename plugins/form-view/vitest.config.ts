import { defineConfig } from 'vitest/config';
import { sharedTestOptions, workspaceAliases } from '../../vitest.shared.js';

export default defineConfig({
  resolve: { alias: workspaceAliases },
  // `isolate: false`: the files share their workers' loaded modules (the SDK, the testing kit,
  // the host a test host starts) instead of importing them again for every file. The files
  // change no globals and mock no modules; each builds its own hosts, databases and servers.
  test: { include: ['tests/**/*.test.ts'], ...sharedTestOptions, isolate: false },
});
