import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enterWorkDir, leaveWorkDir } from '../../src/install/work-dir.js';

describe('the install work folder shared by installs and uninstalls', () => {
  let base: string;
  let work: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'nocoflo-work-dir-'));
    work = join(base, '.nocoflo-install');
  });
  afterEach(() => rm(base, { recursive: true, force: true }));

  it('stays while any operation is inside it and goes with the last one out', async () => {
    await enterWorkDir(work);
    await enterWorkDir(work);
    await leaveWorkDir(work);
    expect(existsSync(work)).toBe(true);
    await leaveWorkDir(work);
    expect(existsSync(work)).toBe(false);
  });

  it('is kept when something is left in it (a journal to recover)', async () => {
    await enterWorkDir(work);
    await writeFile(join(work, 'journal-x.json'), '{}');
    await leaveWorkDir(work);
    expect(existsSync(join(work, 'journal-x.json'))).toBe(true);
  });

  it('never vanishes under an operation that entered it while others end and start', async () => {
    // Eight chains of operations, each starting as soon as the one before it in its chain
    // ended: with a plain mkdir / rmdir, an ending one removed the folder under one starting
    // (ENOENT at its mkdir or at its first file), a dozen times in such a run.
    const failures: string[] = [];
    const operation = async (id: string) => {
      await enterWorkDir(work);
      try {
        const file = join(work, `staging-${id}`);
        await writeFile(file, id);
        await rm(file);
      } catch (error) {
        failures.push(`${id}: ${(error as Error).message}`);
      } finally {
        await leaveWorkDir(work);
      }
    };
    await Promise.all(
      Array.from({ length: 8 }, async (_, chain) => {
        for (let i = 0; i < 150; i++) await operation(`${chain}-${i}`);
      }),
    );
    expect(failures).toEqual([]);
    expect(existsSync(work)).toBe(false);
  });
});
