/**
 * The install work folder (`<plugin dir>/.nocoflo-install`) is shared by every install and
 * uninstall into that plugin directory, and removed when the last one leaves it, so an
 * operator never finds an empty one lying about.
 *
 * Removing it without counting who else uses it raced: an install of this process that
 * ended removed the folder while another started in it (a host applying another host's
 * install while its operator uninstalled), and the other failed with ENOENT, either at its
 * `mkdir` (Node's recursive mkdir stats the folder it found, which was gone by then) or at
 * its first file inside. Operations of one process now enter and leave the folder here: it
 * is removed only when none is inside, and one entering waits for a removal under way.
 */
import { mkdir, rmdir } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Operations of this process inside each work folder. */
const inside = new Map<string, number>();
/** A removal under way, per work folder. */
const removing = new Map<string, Promise<void>>();

/** Creates `workDir` if needed and counts the caller inside it until {@link leaveWorkDir}. */
export async function enterWorkDir(workDir: string): Promise<void> {
  const key = resolve(workDir);
  inside.set(key, (inside.get(key) ?? 0) + 1);
  try {
    await removing.get(key);
    await mkdir(key, { recursive: true });
  } catch (error) {
    await leaveWorkDir(key);
    throw error;
  }
}

/** Counts the caller out of `workDir`; the last one out removes it when it is empty. */
export async function leaveWorkDir(workDir: string): Promise<void> {
  const key = resolve(workDir);
  const left = (inside.get(key) ?? 1) - 1;
  if (left > 0) {
    inside.set(key, left);
    return;
  }
  inside.delete(key);
  // Not empty (a crashed install's journal, or another process's install): it stays.
  const removal: Promise<void> = rmdir(key)
    .catch(() => {})
    .finally(() => {
      if (removing.get(key) === removal) removing.delete(key);
    });
  removing.set(key, removal);
  await removal;
}
