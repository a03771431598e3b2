/**
 * The tarballs and the better-sqlite3 prebuild that the install project's global setup
 * (../global-setup.ts) packed once for every install file of the run.
 */
import { inject } from 'vitest';
import type { NativePrebuild } from './native-prebuild.js';
import type { Tarballs } from './tarballs.js';

/** What an install file installs from: the workspace's tarballs and better-sqlite3's prebuild. */
export interface Packs {
  /** Tarball path by package name. */
  tarballs: Tarballs;
  /** better-sqlite3's version and the environment that offers its binary as a local prebuild. */
  native: NativePrebuild;
}

/** The packs of this run; throws when the file runs outside the `install` project. */
export function installPacks(): Packs {
  const packs = inject('installPacks');
  if (!packs) throw new Error('no installPacks: run the install files through the e2e vitest config');
  return { tarballs: new Map(Object.entries(packs.tarballs)), native: packs.native };
}
