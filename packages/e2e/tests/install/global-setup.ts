/**
 * Vitest global setup of the install tests (the `install` project of vitest.config.ts): packs
 * the workspace and better-sqlite3's binary once, before either install file starts, into a
 * temp folder that both files read and that is removed when the run ends.
 *
 * Each file packed on its own before (the same `pnpm -r pack` twice, at the same moment);
 * the tarballs are the same build's, and each file still installs them into projects of its
 * own. Only runs that include an install file pay for it (vitest runs a project's global
 * setup only when the project has files to run).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type NativePrebuild, packNativePrebuild } from './helpers/native-prebuild.js';
import { packWorkspace } from './helpers/tarballs.js';

/** What the global setup hands to the install files (plain data: it crosses to their workers). */
export interface InstallPacks {
  /** Tarball path by package name, e.g. `@nocoflo/sdk` → `/tmp/…/nocoflo-sdk-0.1.0.tgz`. */
  tarballs: Record<string, string>;
  /** better-sqlite3's version and the environment that offers its binary as a local prebuild. */
  native: NativePrebuild;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The workspace's tarballs and better-sqlite3 prebuild, packed once per run. */
    installPacks: InstallPacks;
  }
}

/** Packs once and provides `installPacks`; the returned teardown removes the folder. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'nocoflo-packs-'));
  const teardown = () => rm(dir, { recursive: true, force: true });
  try {
    mkdirSync(join(dir, 'packs'));
    const [tarballs, native] = await Promise.all([
      packWorkspace(join(dir, 'packs')),
      packNativePrebuild(join(dir, 'prebuilds')),
    ]);
    project.provide('installPacks', { tarballs: Object.fromEntries(tarballs), native });
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
