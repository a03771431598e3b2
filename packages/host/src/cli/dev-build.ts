/**
 * The rebuild half of `nocoflo dev`: watches a plugin's folder (not what its build writes)
 * and runs its build after each change, one build at a time, then hands over to a callback
 * that reloads the plugin.
 *
 * The watcher is ready before the first build starts, so no edit is lost: an edit made while
 * a build runs (the first one included) leads to one more build once it ends. A build
 * tool's own watch mode (`tsup --watch`) starts watching only after its first build, so an
 * edit made in those seconds was never built; and the host reloading on every file its
 * build rewrites saw `dist/` emptied mid-build and reported the plugin failed.
 */
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';

/** Options of {@link startBuildLoop}. */
export interface BuildLoopOptions {
  /** The plugin's folder. */
  dir: string;
  /** Folders inside `dir` that the build writes (`dist`): changes there start no build. */
  outputs: readonly string[];
  /** Runs the build once; resolves true when it succeeded. */
  build: () => Promise<boolean>;
  /** Called after each build that succeeded (the dev command reloads the plugin). */
  onBuilt: () => Promise<void>;
  /** Quiet time after the last change before a build starts, in ms. Default 100. */
  debounceMs?: number;
}

/** A running build loop. */
export interface BuildLoop {
  /** Resolves once the folder is watched: every change from then on leads to a build. */
  readonly ready: Promise<void>;
  /** Runs a build now (after the one running, if any); resolves with its success. */
  buildNow(): Promise<boolean>;
  /** Stops watching; a running build finishes, none starts after it. */
  close(): Promise<void>;
}

/** Path segments never watched: dependencies, version control, host data, build caches. */
const NEVER_WATCHED = new Set(['node_modules', '.git', '.nocoflo', '.turbo', 'coverage']);

/**
 * Whether a path under `dir` is one the loop does not watch: what the build writes (the
 * `outputs` folders), dependencies, version control, caches, packed tarballs and logs.
 */
export function buildOutputFilter(dir: string, outputs: readonly string[]): (path: string) => boolean {
  const root = dir.endsWith(sep) ? dir : dir + sep;
  const folders = new Set(outputs.map((o) => o.replace(/^\.\//, '').split(/[\\/]/)[0]));
  return (path) => {
    if (!path.startsWith(root)) return false; // the folder itself
    const segments = path.slice(root.length).split(/[\\/]/);
    return (
      folders.has(segments[0] ?? '') ||
      segments.some((s) => NEVER_WATCHED.has(s)) ||
      /\.(tgz|tsbuildinfo|log)$/.test(path)
    );
  };
}

/**
 * Watches `dir` and runs `build` after each change (debounced), then `onBuilt` when the build
 * succeeded. Builds never overlap; changes during a build make exactly one more.
 *
 * @example
 * ```ts
 * const loop = startBuildLoop({
 *   dir: '/home/me/my-view',
 *   outputs: ['dist'],
 *   build: () => runNpmBuild('/home/me/my-view'),
 *   onBuilt: async () => {
 *     await host.reload('my-view');
 *   },
 * });
 * await loop.ready;
 * await loop.buildNow();
 * ```
 */
export function startBuildLoop(options: BuildLoopOptions): BuildLoop {
  const debounceMs = options.debounceMs ?? 100;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  // The build running now (or the last one), and whether a change asked for one more.
  let current: Promise<boolean> = Promise.resolve(true);
  let running = false;
  let again = false;

  const ignored = buildOutputFilter(options.dir, options.outputs);

  const runOnce = async (): Promise<boolean> => {
    const ok = await options.build().catch(() => false);
    if (ok && !closed) await options.onBuilt().catch(() => {});
    return ok;
  };

  // Paths changed since the last build started, and paths that first appeared while a build
  // ran: a file made and removed again by the build itself (tsup's bundled config,
  // `tsup.config.bundled_*.mjs`) is not an edit, or every build would start the next one.
  const pending = new Set<string>();
  const bornInBuild = new Set<string>();
  /** Whether a change since the last look asks for a build: a path that exists, or a removed one the build did not make. */
  const takePending = (): boolean => {
    let edited = false;
    for (const path of pending) {
      if (existsSync(path) || !bornInBuild.has(path)) edited = true;
      else bornInBuild.delete(path);
    }
    pending.clear();
    return edited;
  };

  // One build at a time: a request during a build, or an edit made while it ran, makes one more.
  const buildNow = (): Promise<boolean> => {
    if (running) {
      again = true; // the running loop below builds once more before it resolves
      return current;
    }
    running = true;
    current = (async () => {
      pending.clear();
      let ok = await runOnce();
      while ((again || takePending()) && !closed) {
        again = false;
        ok = await runOnce();
      }
      running = false;
      return ok;
    })();
    return current;
  };

  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      // While a build runs, the loop above looks at the edits once it is done.
      if (!running && takePending()) void buildNow();
    }, debounceMs);
  };

  const watcher: FSWatcher = watch(options.dir, { ignoreInitial: true, ignored });
  watcher.on('all', (event, path) => {
    if (running && (event === 'add' || event === 'addDir')) bornInBuild.add(path);
    pending.add(path);
    schedule();
  });
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  return {
    ready,
    buildNow,
    async close() {
      closed = true;
      clearTimeout(timer);
      await watcher.close();
      await current.catch(() => {});
    },
  };
}
