/**
 * The versions a new plugin depends on, read from the workspace's package.json files when
 * this package is built (tsup) or tested (vitest), and compiled into the bin as
 * `__NOCOFLO_VERSIONS__`: a published create-plugin writes the ranges of the packages
 * released with it, with nothing to look up on the network.
 */
import { readFileSync } from 'node:fs';

const versionOf = (dir: string): string =>
  (
    JSON.parse(readFileSync(new URL(`../../${dir}/package.json`, import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;

/** The `define` entry both tsup and vitest use. */
export const versionsDefine = {
  __NOCOFLO_VERSIONS__: JSON.stringify({
    sdk: versionOf('packages/sdk'),
    host: versionOf('packages/host'),
    testing: versionOf('packages/testing'),
    sqliteDatasource: versionOf('plugins/sqlite-datasource'),
  }),
};
