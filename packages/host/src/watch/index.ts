/**
 * Watch mode (`nocoflo serve --watch`): when files of a directory plugin change, the plugin
 * is reloaded (debounced, so a build writing twenty files reloads once); a new plugin
 * folder is picked up by a rescan. The server keeps running throughout: a reload swaps
 * the plugin's registrations, and requests already being handled by the old code finish.
 */
import { sep } from 'node:path';
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

  const onChange = (path: string) => {
    const owner = host
      .list()
      .filter((p) => p.source === 'directory' && p.path !== undefined && isInside(path, p.path))
      .sort((a, b) => (b.path?.length ?? 0) - (a.path?.length ?? 0))[0];
    if (owner) schedule(owner.name);
    else if (path.endsWith(`${sep}package.json`)) schedule('\0rescan'); // a new plugin folder
  };

  const watcher: FSWatcher = watch(dirs, {
    ignoreInitial: true,
    ignored: (path: string) => path.split(/[\\/]/).some((segment) => IGNORED_SEGMENTS.has(segment)),
    awaitWriteFinish: false,
  });
  watcher.on('all', (_event, path) => onChange(path));
  watcher.on('error', (error) => logger.warn(`watch: ${errorMessage(error)}`));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  return {
    ready,
    async close() {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await watcher.close();
      await Promise.allSettled([...running.values()]);
    },
  };
}
