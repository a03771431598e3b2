/**
 * What install and uninstall take. Kept apart from install.ts so the host's public types
 * can name them without importing the install code (which itself needs the host's types).
 */
import type { Logger } from '@nocoflo/sdk';
import type { ArchiveLimits } from './limits.js';

/** What to install: an npm spec or a tarball path (string), a tarball path, or uploaded tarball bytes. */
export type InstallSource =
  | string
  | {
      /** Path of a package tarball (`.tgz`). */
      tarball: string;
    }
  | {
      /** The bytes of a package tarball, e.g. an upload. */
      data: Uint8Array;
      /** The uploaded file's name, for messages. */
      filename?: string;
    };

/** Options of `installPlugin` and `uninstallPlugin`. */
export interface InstallOptions extends Partial<ArchiveLimits> {
  /** Plugin directory installs go to. Default: the host's first plugin directory (`<root>/plugins`). */
  pluginDir?: string;
  /** Where progress lines go. Default: the host's logger. */
  logger?: Logger;
  /** Install the plugin's runtime npm dependencies the app lacks (`npm install`). Default true. */
  installDependencies?: boolean;
}
