/**
 * Watch mode (`nocoflo serve --watch`): when files of a directory plugin change, the plugin
 * is reloaded (debounced, so a build writing twenty files reloads once); a new plugin
 * folder is picked up by a rescan. The server keeps running throughout: a reload swaps
 * the plugin's registrations, and requests already being handled by the old code finish.
 */
import { type FSWatcher as DirWatcher, readdirSync, realpathSync, watch as watchDir } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { errorMessage, type Logger } from '@nocoflo/sdk';
import { type FSWatcher, watch } from 'chokidar';
import { WORK_DIR } from '../install/journal.js';
import type { PluginHost } from '../types.js';

/** Options of {@link watchPlugins}. */
export interface WatchOptions {
  /** Plugin directories to watch. Default: the host's plugin directories. */
  dirs?: readonly string[];
  /** Quiet time after the last change before reloading, in ms. Default 150. */
  debounceMs?: number;
  /** Where "reloaded x" lines go. Default: the host's logger. */
  logger?: Logger;
  /** Called after each reload or rescan (for tests and UIs). */
  onReload?: (event: { plugin?: string; kind: 'reload' | 'rescan'; error?: unknown }) => void;
}

/** A running watcher. */
export interface PluginWatcher {
  /** Resolves once the initial scan is done and changes are being watched. */
  readonly ready: Promise<void>;
  /** Stops watching; pending reloads are dropped. */
  close(): Promise<void>;
}

const IGNORED_SEGMENTS = new Set(['node_modules', '.git', WORK_DIR]);

/** Whether a path lies below `dir` (or is `dir`). */
const isInside = (path: string, dir: string) =>
  path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/** The real path of a file or folder, or undefined when it is gone (a removed link). */
function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * The folder directly inside a plugin directory that `path` lies in (`plugins/x` for
 * `plugins/x/dist/index.js`), as the watcher names it: through a symlinked plugin folder,
 * chokidar reports paths below the link, while the host knows the plugin by its real path.
 */
function topFolder(path: string, dirs: readonly string[]): string | undefined {
  for (const dir of dirs) {
    const rel = relative(dir, path);
    if (!rel || rel.startsWith('..') || rel.startsWith(sep)) continue;
    const first = rel.split(sep)[0];
    if (first) return join(dir, first);
  }
  return undefined;
}

/**
 * Watches the plugin directories and reloads a directory plugin when its files change.
 *
 * @example
 * ```ts
 * import { createHost, watchPlugins } from '@nocoflo/host';
 *
 * const host = await createHost();
 * await host.start();
 * const watcher = watchPlugins(host);
 * await watcher.ready;
 * // … later
 * await watcher.close();
 * ```
 */
export function watchPlugins(
  host: PluginHost & { readonly pluginDirs?: readonly string[] },
  options: WatchOptions = {},
): PluginWatcher {
  const dirs = [...(options.dirs ?? host.pluginDirs ?? [])];
  const logger = options.logger ?? host.logger;
  const debounceMs = options.debounceMs ?? 150;
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let closed = false;

  const perform = async (key: string): Promise<void> => {
    if (closed) return;
    const plugin = key === '\0rescan' ? undefined : key;
    try {
      if (plugin === undefined) {
        await host.rescan();
        logger.info('watch: rescanned plugin directories');
        options.onReload?.({ kind: 'rescan' });
      } else if (host.get(plugin)) {
        const info = await host.reload(plugin);
        if (info.state === 'failed')
          logger.warn(`watch: reloaded ${plugin}, which failed: ${info.error?.message ?? ''}`);
        else logger.info(`watch: reloaded ${plugin} (${info.state})`);
        options.onReload?.({ plugin, kind: 'reload' });
      }
    } catch (error) {
      logger.error(`watch: could not reload ${plugin ?? 'the plugin directories'}: ${errorMessage(error)}`);
      options.onReload?.({ kind: plugin ? 'reload' : 'rescan', ...(plugin ? { plugin } : {}), error });
    }
  };

  // One reload per plugin at a time; a change during a reload triggers one more afterwards.
  const run = (key: string) => {
    if (running.has(key)) {
      again.add(key);
      return;
    }
    const job = perform(key).finally(() => {
      running.delete(key);
      if (again.delete(key)) run(key);
    });
    running.set(key, job);
  };

  const schedule = (key: string) => {
    if (closed) return;
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        run(key);
      }, debounceMs),
    );
  };

  // Plugin folder (as the watcher names it) → the plugin loaded from it, so a symlinked
  // folder whose link was removed or replaced still finds the plugin it used to hold.
  const lastOwner = new Map<string, string>();

  const ownerOf = (path: string, folder: string | undefined): string | undefined => {
    const real = folder === undefined ? undefined : realPath(folder);
    const candidates = host
      .list()
      .filter((p) => p.source === 'directory' && p.path !== undefined)
      .filter(
        (p) => isInside(path, p.path as string) || (real !== undefined && isInside(real, p.path as string)),
      )
      .sort((a, b) => (b.path?.length ?? 0) - (a.path?.length ?? 0));
    return candidates[0]?.name ?? (folder === undefined ? undefined : lastOwner.get(folder));
  };

  const onChange = (event: string, path: string) => {
    const folder = topFolder(path, dirs);
    const owner = ownerOf(path, folder);
    if (owner && folder) lastOwner.set(folder, owner);
    // The plugin folder itself came or went (a link made, removed or pointed elsewhere): the
    // plugin reloads from wherever the folder points now, and a new name is picked up.
    const folderChanged = folder !== undefined && path === folder && event !== 'change';
    if (owner) schedule(owner);
    if ((!owner || folderChanged) && (folderChanged || path.endsWith(`${sep}package.json`)))
      schedule('\0rescan'); // a new plugin folder
  };

  const watcher: FSWatcher = watch(dirs, {
    ignoreInitial: true,
    // Plugin folders may be symlinks (`npm link`, `nocoflo dev`, pnpm layouts): watch their targets.
    followSymlinks: true,
    ignored: (path: string) => path.split(/[\\/]/).some((segment) => IGNORED_SEGMENTS.has(segment)),
    awaitWriteFinish: false,
  });
  watcher.on('all', (event, path) => onChange(event, path));
  watcher.on('error', (error) => logger.warn(`watch: ${errorMessage(error)}`));

  // chokidar sees no change when a symlinked plugin folder is replaced by a link of the same
  // name to another folder (the entry still exists, as a folder): node's own watcher on each
  // plugin directory reports the rename, and the folder is watched afresh at its new target.
  const folderOwners = () => {
    for (const dir of dirs) {
      let entries: string[] = [];
      try {
        entries = readdirSync(dir);
      } catch {
        continue; // a plugin directory that does not exist (yet)
      }
      for (const entry of entries) {
        const folder = join(dir, entry);
        const owner = ownerOf(folder, folder);
        if (owner) lastOwner.set(folder, owner);
      }
    }
  };
  const onFolderRenamed = (folder: string) => {
    if (closed) return;
    const owner = lastOwner.get(folder) ?? ownerOf(folder, folder);
    if (owner) schedule(owner);
    schedule('\0rescan');
    watcher.unwatch(folder);
    watcher.add(folder);
  };
  const dirWatchers: DirWatcher[] = [];
  for (const dir of dirs) {
    try {
      const dirWatcher = watchDir(dir, (event, name) => {
        if (event === 'rename' && name) onFolderRenamed(join(dir, name.toString()));
      });
      dirWatcher.on('error', (error) => logger.warn(`watch: ${errorMessage(error)}`));
      dirWatchers.push(dirWatcher);
    } catch {
      // The directory does not exist: chokidar reports it once created; links in it are then
      // followed by chokidar alone.
    }
  }
  const ready = new Promise<void>((resolve) =>
    watcher.once('ready', () => {
      folderOwners();
      resolve();
    }),
  );

  return {
    ready,
    async close() {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      for (const dirWatcher of dirWatchers) dirWatcher.close();
      await watcher.close();
      await Promise.allSettled([...running.values()]);
    },
  };
}
