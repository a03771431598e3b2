/**
 * Installing and uninstalling plugins at runtime: from an npm spec or an `npm pack`
 * tarball, checked entry by entry, validated before anything is replaced, swapped in
 * atomically, and recoverable after a crash.
 */
export {
  type InstallHost,
  type InstallOptions,
  type InstallSource,
  installDirectory,
  installPlugin,
  type PermissionApprover,
  type PermissionRequest,
  pluginFolderName,
} from './install.js';
export { type InstallJournal, recoverInstalls, WORK_DIR } from './journal.js';
export { type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS } from './limits.js';
export { installMissingDependencies, npmPack } from './npm.js';
export {
  createOfflineHost,
  type OfflineHost,
  type OfflineHostOptions,
  storedStates,
} from './offline-host.js';
export {
  PACKAGE_MARKER,
  PACKAGE_REPLICA,
  type PackageMarker,
  PackageReplica,
  packageIntegrity,
  type ReplicaHost,
  type ReplicatedHost,
  readPackageMarker,
  replicaOf,
} from './replicate.js';
export { type ArchiveSummary, extractArchive, inspectArchive } from './tarball.js';
export { enabledDependents, uninstallPlugin } from './uninstall.js';
export { type ValidatedPackage, type ValidationContext, validatePluginPackage } from './validate.js';
