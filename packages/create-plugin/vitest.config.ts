import { defineConfig } from 'vitest/config';
import { sharedTestOptions, workspaceAliases } from '../../vitest.shared.js';
import { versionsDefine } from './versions.config.js';

export default defineConfig({
  define: versionsDefine,
  resolve: { alias: workspaceAliases },
  test: { include: ['tests/**/*.test.ts'], ...sharedTestOptions },
});
