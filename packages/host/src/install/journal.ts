/**
 * The install journal: before an install swaps folders it writes down what it is about to
 * do, so that a process killed half-way (SIGKILL, power cut) is finished or undone at the
 * next start by {@link recoverInstalls}. Until the new version has started and the journal
 * says `committed`, recovery puts the previous version back.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, type Logger, silentLogger } from '@nocoflo/sdk';

/** The folder, inside a plugin directory, where installs stage, back up and journal. */
export const WORK_DIR = '.nocoflo-install';

/** One install in progress, as written to `journal-<id>.json`. */
export interface InstallJournal {
  /** Install id (names the staging and backup folders). */
  id: string;
  /** Plugin name. */
  plugin: string;
  /** Folder the plugin is installed to. */
  target: string;
  /** Where the previous version is kept until the new one started. */
  backup: string;
  /** Where the new version was unpacked. */
  staging: string;
  /** Whether a previous version existed in `target`. */
  hadPrevious: boolean;
  /** `prepared`: may be undone; `committed`: the new version stays. */
  phase: 'prepared' | 'committed';
}

const journalPath = (workDir: string, id: string) => join(workDir, `journal-${id}.json`);

/** Writes the journal durably (temp file, fsync, rename, fsync of the folder). */
export async function writeJournal(workDir: string, journal: InstallJournal): Promise<void> {
  await mkdir(workDir, { recursive: true });
  const path = journalPath(workDir, journal.id);
  const temp = `${path}.tmp`;
  const file = await open(temp, 'w');
  try {
    await file.writeFile(JSON.stringify(journal, null, 2));
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
  await syncDir(workDir);
}

/** Removes a finished install's journal. */
export async function removeJournal(workDir: string, id: string): Promise<void> {
  await rm(journalPath(workDir, id), { force: true });
  await syncDir(workDir);
}

/** fsync of a folder, so a rename in it survives a power cut (a no-op where unsupported). */
export async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic there.
  }
}

/** Moves `path` aside (atomic rename into the work folder), then deletes it. */
export async function discard(path: string, workDir: string, label: string): Promise<void> {
  if (!existsSync(path)) return;
  const trash = join(workDir, `trash-${label}-${Date.now().toString(36)}`);
  await rename(path, trash);
  await rm(trash, { recursive: true, force: true });
}

/** Undoes or finishes one journaled install. Returns what it did. */
async function recoverOne(workDir: string, journal: InstallJournal): Promise<string> {
  if (journal.phase === 'committed') {
    await rm(journal.backup, { recursive: true, force: true });
    return `${journal.plugin}: finished an interrupted install (new version kept)`;
  }
  if (journal.hadPrevious) {
    if (existsSync(journal.backup)) {
      await discard(journal.target, workDir, journal.id);
      await rename(journal.backup, journal.target);
      await syncDir(join(journal.target, '..'));
    }
  } else {
    await discard(journal.target, workDir, journal.id);
  }
  return `${journal.plugin}: undid an interrupted install (previous state restored)`;
}

/**
 * Finishes or undoes installs a crash interrupted in `pluginDir`, and removes leftover
 * staging, download and trash folders. Call it before discovery; it is cheap when there is
 * nothing to do.
 *
 * @returns One line per recovered install, for the log.
 */
export async function recoverInstalls(pluginDir: string, logger: Logger = silentLogger): Promise<string[]> {
  const workDir = join(pluginDir, WORK_DIR);
  let names: string[];
  try {
    names = await readdir(workDir);
  } catch {
    return [];
  }
  const done: string[] = [];
  for (const name of names.filter((n) => /^journal-.*\.json$/.test(n)).sort()) {
    const path = join(workDir, name);
    let journal: InstallJournal;
    try {
      journal = JSON.parse(await readFile(path, 'utf8')) as InstallJournal;
    } catch (error) {
      // A journal is renamed into place whole; an unreadable one was never acted on.
      logger.warn(`install recovery: ignoring unreadable journal ${path}`, { error: errorMessage(error) });
      await rm(path, { force: true });
      continue;
    }
    const line = await recoverOne(workDir, journal);
    await removeJournal(workDir, journal.id);
    logger.warn(line, { plugin: journal.plugin });
    done.push(line);
  }
  for (const name of await readdir(workDir)) {
    if (/^(staging|download|trash)-/.test(name) || name.endsWith('.tmp')) {
      await rm(join(workDir, name), { recursive: true, force: true });
    }
  }
  return done;
}
