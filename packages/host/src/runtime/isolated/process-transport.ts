/**
 * The `process` level: the plugin runs in a child process of its own under Node's permission
 * model (`--experimental-permission` on Node 20, `--permission` on 22+): it reads only its
 * package folder, its dependencies, the host's child entry and its data folder (plus the
 * paths its manifest declares), writes only its data folder, starts no child processes or
 * workers, and loads native addons only when its manifest declares `addons`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { PluginPermissions } from '@nocoflo/sdk';
import { SYNC_BUFFER_BYTES } from './sync-call.js';
import { ISOLATED_SDK_CONDITION, type Transport } from './transport.js';

/** Options of {@link startProcess}. */
export interface ProcessTransportOptions {
  /** The child entry script (dist/plugin-child.js). */
  childEntry: string;
  /** The bridge script (dist/process-bridge.js). */
  bridgeEntry: string;
  /** Plugin name. */
  name: string;
  /** The plugin's package folder. */
  pluginDir: string;
  /** The plugin's data folder (readable and writable). */
  dataDir: string;
  /** What its manifest asks for. */
  permissions: PluginPermissions;
  /** Heap limit, in MB. */
  maxHeapMb: number;
  /** The child's whole environment. */
  env: Record<string, string>;
}

/** The node flags that confine a plugin process. */
export function permissionFlags(
  options: Omit<ProcessTransportOptions, 'bridgeEntry' | 'env' | 'name'>,
): string[] {
  // The symlinks a package's dependencies are reached through (pnpm's layout): readable
  // themselves, so the child's module resolution can follow them to the folders below.
  const links = new Set<string>();
  const reads = [
    ...new Set([
      realpathOr(options.pluginDir),
      options.dataDir,
      ...packageClosure(options.pluginDir, links),
      // The host's code that runs there (its bundle folder) and the packages it imports, not the
      // rest of the host's package (whose folder may hold the host's data in a development tree).
      dirname(options.childEntry),
      ...hostDependencies(packageRootOf(options.childEntry), links),
      ...options.permissions.fsRead,
    ]),
  ];
  const major = Number(process.versions.node.split('.')[0]);
  const flags = major >= 22 ? ['--permission'] : ['--experimental-permission'];
  // One flag per path (Node 20.20 mis-reads comma-separated lists); Node 20 needs `folder/*`
  // for a folder's content, 22+ reads a folder as everything below it.
  const below = (path: string) => (major >= 22 ? [path] : [`${path}/*`]);
  for (const path of reads) for (const entry of below(path)) flags.push(`--allow-fs-read=${entry}`);
  for (const link of linkGrants(links, reads, major)) flags.push(`--allow-fs-read=${link}`);
  for (const entry of below(options.dataDir)) flags.push(`--allow-fs-write=${entry}`);
  if (options.permissions.addons) flags.push('--allow-addons');
  flags.push(`--max-old-space-size=${options.maxHeapMb}`, '--disable-warning=ExperimentalWarning');
  return flags;
}

/** Starts a plugin process (through its bridge thread). */
export function startProcess(options: ProcessTransportOptions): Transport {
  mkdirSync(options.dataDir, { recursive: true });
  const { port1, port2 } = new MessageChannel();
  const buffer = new SharedArrayBuffer(8 + SYNC_BUFFER_BYTES);
  const bridge = new Worker(options.bridgeEntry, {
    name: `nocoflo bridge ${options.name}`,
    workerData: {
      childEntry: options.childEntry,
      execArgv: [...permissionFlags(options), ISOLATED_SDK_CONDITION],
      env: options.env,
      cwd: options.dataDir,
      sync: { buffer, port: port2 },
    },
    transferList: [port2],
    env: {},
    argv: [],
    execArgv: [],
  });
  let pid: number | undefined;
  let killed = false;
  let crashed = false;
  const crashListeners: ((reason: Error) => void)[] = [];
  const listeners: ((message: unknown) => void)[] = [];
  let report: { name: string; message: string } | undefined;
  const crash = (reason: Error) => {
    if (killed || crashed) return;
    if (report) reason.message = `${report.message} (${reason.message})`;
    crashed = true;
    for (const listener of crashListeners) listener(reason);
  };
  bridge.on(
    'message',
    (message: {
      bridge?: string;
      pid?: number;
      code?: number | null;
      signal?: string | null;
      crashReport?: { name: string; message: string };
    }) => {
      if (message?.crashReport) report = message.crashReport;
      else if (message?.bridge === 'pid') pid = message.pid;
      else if (message?.bridge === 'exit')
        crash(
          Object.assign(
            new Error(
              `its process exited with ${message.signal ? `signal ${message.signal}` : `code ${message.code}`}`,
            ),
            {
              code:
                message.code === 134 || message.signal === 'SIGABRT' ? 'ERR_WORKER_OUT_OF_MEMORY' : undefined,
            },
          ),
        );
      else for (const listener of listeners) listener(message);
    },
  );
  bridge.on('error', (error) => crash(error));
  port1.unref();
  return {
    post: (message) => bridge.postMessage(message),
    on: (listener) => listeners.push(listener),
    onCrash: (listener) => crashListeners.push(listener),
    sync: { buffer, port: port1 },
    async kill() {
      if (killed) return;
      killed = true;
      if (pid !== undefined) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      port1.close();
      await bridge.terminate();
    },
  };
}

/**
 * How each dependency symlink is granted. Node 20's permission tree does not match a granted
 * path exactly when another granted path extends it (`…/node_modules/pg` beside
 * `…/node_modules/pg-cursor/*` in pnpm's folder for pg-cursor: the child's `realpath` of the
 * `pg` link is refused). Such a link is granted through its folder (`…/node_modules/*`)
 * instead, but only when everything in that folder is already readable (pnpm's folders hold
 * the package and links to its own dependencies), so the grant reads nothing more; otherwise
 * the link stays granted as itself.
 */
function linkGrants(links: ReadonlySet<string>, reads: readonly string[], major: number): string[] {
  if (major >= 22) return [...links];
  const all = [...reads, ...links];
  const grants = new Set<string>();
  for (const link of links) {
    const shadowed = all.some(
      (other) => other !== link && other.startsWith(link) && other[link.length] !== '/',
    );
    const folder = dirname(link);
    grants.add(shadowed && folderIsReadable(folder, reads, links) ? `${folder}/*` : link);
  }
  return [...grants];
}

/** Whether every entry of `folder` (scoped folders included) is a granted link or lies in a granted folder. */
function folderIsReadable(folder: string, reads: readonly string[], links: ReadonlySet<string>): boolean {
  const inside = (real: string) => reads.some((dir) => real === dir || real.startsWith(`${dir}/`));
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return false;
  }
  for (const name of names) {
    const entry = join(folder, name);
    if (links.has(entry)) continue;
    // A scope folder of pnpm's layout (`@nocoflo/…`) holds links like any other entry.
    if (name.startsWith('@') && !existsSync(join(entry, 'package.json'))) {
      if (!folderIsReadable(entry, reads, links)) return false;
      continue;
    }
    if (!inside(realpathOr(entry))) return false;
  }
  return true;
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The folder of the package.json above `file`. */
function packageRootOf(file: string): string {
  let dir = dirname(file);
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The real folders of a package and of everything it depends on (as Node would resolve them). */
function packageClosure(start: string, links?: Set<string>): string[] {
  const seen = new Set<string>();
  const queue = [realpathOr(start)];
  while (queue.length > 0) {
    const dir = queue.shift()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    let manifest: Record<string, Record<string, string> | undefined>;
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    const names = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}),
    ]);
    for (const name of names) {
      const found = findPackage(dir, name, links);
      if (found) queue.push(found);
    }
  }
  return [...seen];
}

/** The host package's node_modules (as Node walks it) and the real folders of what the child imports. */
function hostDependencies(hostRoot: string, links?: Set<string>): string[] {
  const modules = join(hostRoot, 'node_modules');
  return [
    ...(existsSync(modules) ? [modules] : []),
    ...packageClosure(hostRoot, links).filter((dir) => dir !== realpathOr(hostRoot)),
  ];
}

/** Where Node finds package `name` from `dir`: the first node_modules/<name> up the tree, real path. */
function findPackage(dir: string, name: string, links?: Set<string>): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, 'node_modules', name);
    if (existsSync(candidate)) {
      const real = realpathOr(candidate);
      // Node resolves a symlinked package (pnpm's layout) by reading the link itself.
      if (real !== candidate) links?.add(candidate);
      return real;
    }
    if (dirname(current) === current) return undefined;
  }
}

/** The host's bridge script next to the child entry. */
export function bridgeEntryBeside(childEntry: string): string {
  return join(dirname(childEntry), 'process-bridge.js');
}
