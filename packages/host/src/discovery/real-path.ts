/**
 * The real path of a file or folder. `realpathSync.native` is one realpath(3) call where
 * the JavaScript `realpathSync` lstats every path component (discovery, reloads and the
 * manifest path checks call it for every plugin); the latter stays as the fallback for the
 * rare file system the native call refuses. Throws when `path` does not exist.
 */
import { realpathSync } from 'node:fs';

/** `path` with every symlink resolved; throws when it does not exist. */
export function realPath(path: string): string {
  try {
    return realpathSync.native(path);
  } catch (error) {
    // A path that does not exist is the common failure (a plugin without migrations): the
    // fallback would only throw again, at the cost of a second exception.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
    return realpathSync(path);
  }
}
