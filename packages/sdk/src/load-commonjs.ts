/**
 * `require` for the SDK's own dependencies, resolved from the SDK's folder: what the SDK
 * loads only on first use (tapable for `createHooks`, zod and semver for the isolated
 * build's manifest schemas). tapable and semver are CommonJS packages, so this returns the
 * very instance an `import` of them would.
 */
import { createRequire } from 'node:module';

/** Loads a CommonJS module (or a package's CommonJS build) from the SDK's folder. */
export const loadCommonJs: (id: string) => unknown = createRequire(import.meta.url);
