import type { PluginManifest, PluginSource, SerializedNocofloError } from '@nocoflo/sdk';

/** A folder that holds a plugin package.json, before validation. */
export interface PluginLocation {
  /** Folder holding package.json (real path, symlinks resolved). */
  dir: string;
  /** Where it was found. */
  source: Exclude<PluginSource, 'registered'>;
  /** package.json text, when discovery already read it (saves a second read). */
  packageJson?: string;
  /**
   * The path inside a plugin directory where the folder was found, before symlinks are
   * resolved (`plugins/linked` for a link), so a reload can tell cheaply whether it still
   * leads to `dir`.
   */
  foundAt?: string;
}

/** A plugin whose package.json and manifest are valid and whose host range admits this host. */
export interface ValidCandidate {
  ok: true;
  name: string;
  version: string;
  description?: string;
  manifest: PluginManifest;
  location: PluginLocation;
  warnings: string[];
}

/** A plugin that discovery rejected, with the reason. */
export interface RejectedCandidate {
  ok: false;
  /** Package name when it could be read, else the folder name. */
  name: string;
  version: string;
  location: PluginLocation;
  error: SerializedNocofloError;
  warnings: string[];
}

/** What discovery found for one name. */
export type Candidate = ValidCandidate | RejectedCandidate;
