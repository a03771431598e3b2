/**
 * What install and uninstall take. Kept apart from install.ts so the host's public types
 * can name them without importing the install code (which itself needs the host's types).
 */
import type { Logger, PluginPermissions } from '@nocoflo/sdk';
import type { PermissionApproval } from '../store/types.js';
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
  /**
   * The operator's answer when the plugin's manifest asks for permissions (`nocoflo.permissions`)
   * beyond those approved for it before: the permissions approved (the request must lie within
   * them), or a function asked with the request (a prompt). Without it, such an install is
   * refused with `NCF_PERMISSIONS_NOT_APPROVED` before anything changes. A plugin asking for
   * nothing new needs no approval.
   */
  approvePermissions?: PluginPermissions | PermissionApprover;
  /** Who approves, recorded with the approval (`cli`, `admin-token`, `user:<name>`). Default `api`. */
  approvedBy?: string;
}

/** Asks the operator about a plugin's permissions; resolves whether they are approved. */
export type PermissionApprover = (request: PermissionRequest) => boolean | Promise<boolean>;

/** What an install asks the operator to approve. */
export interface PermissionRequest {
  /** Plugin name. */
  plugin: string;
  /** The version being installed. */
  version: string;
  /** Everything its manifest asks for. */
  permissions: PluginPermissions;
  /** The same, as a person reads it (`native addons`, `read /srv/maps`, `env TZ`). */
  asks: readonly string[];
  /** What is new since the last approval (all of `asks` when nothing was approved). */
  beyond: readonly string[];
  /** The last approval, when there is one (an upgrade). */
  previous?: PermissionApproval;
}
