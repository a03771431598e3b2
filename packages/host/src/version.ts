import { readFileSync } from 'node:fs';

/**
 * The host's own version, read from its package.json (one level up from both `src/` and
 * `dist/`), so plugins' `host` ranges are checked against what is really installed.
 */
export const HOST_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
