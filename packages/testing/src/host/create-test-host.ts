/**
 * `createTestHost`: a real nocoflo host for one test, over a temporary folder and an
 * in-memory store, with hook spies and captured logs; stopped (and its folder removed) by
 * `stop()`, `await using`, or {@link setupTestHost}'s afterEach.
 */
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type {
  HostOptions,
  IsolationOptions,
  PluginHost,
  PluginStateStore,
  RegisteredManifest,
} from '@nocoflo/host';
import type { IsolationLevel, Logger, NocofloPlugin } from '@nocoflo/sdk';
import { type HookSpies, spyOnHooks } from '../mocks/hook-spies.js';
import { loadHost } from './load-host.js';
import { createMemoryLogger, type LogEntry } from './memory-logger.js';

/** A plugin given in code: its definition and the manifest facts package.json would give. */
export interface TestPluginSpec extends RegisteredManifest {
  /** The `definePlugin(...)` result. */
  plugin: NocofloPlugin;
}

/** Options of {@link createTestHost}. */
export interface TestHostOptions {
  /**
   * Plugins: definitions given in code (`{ name, plugin, version?, dependencies? }`) and
   * paths of plugin folders on disk (each holding a plugin package.json, built entry and
   * all), which the host discovers as directory plugins.
   */
  plugins?: readonly (TestPluginSpec | string)[];
  /** Extra plugin directories whose sub-folders are discovered (like the host option). */
  pluginDirs?: readonly string[];
  /** Per-plugin config by plugin name. */
  config?: Readonly<Record<string, unknown>>;
  /** The metadata store. Default: a fresh in-memory store. */
  store?: PluginStateStore;
  /** Also receives every log line (they are captured in `host.logs` regardless). */
  logger?: Logger;
  /**
   * Time limit of plugin callbacks in ms. Default: the host's own (10 s), so a test meets the
   * deadlines production does and a busy CI machine does not fail a plugin that is only slow.
   */
  callbackTimeoutMs?: number;
  /** Time limit of each async hook tap in ms. Default: the host's own (5 s). */
  tapTimeoutMs?: number;
  /** Host version plugins' `host` ranges are checked against. Default: the real one. */
  hostVersion?: string;
  /** Search `node_modules` of `root` for plugins. Default false (a test sees only what it names). */
  scanNodeModules?: boolean;
  /** Root folder. Default: the temporary folder (its `node_modules` is then empty). */
  root?: string;
  /** Call `start()` before returning. Default true. */
  start?: boolean;
  /**
   * Where the plugin folders' code runs: `'inline'`, `'worker'` (the host's default) or
   * `'process'`, or the host's whole `isolation` options (levels per plugin, heap limits,
   * restarts). Run a plugin's tests at each level to see that it works the same isolated.
   * Plugins given in code run inline at every level: their code is already in the test's realm.
   */
  isolation?: IsolationLevel | IsolationOptions;
}

/** A running test host: the whole `PluginHost` plus test conveniences. */
export interface TestHost extends PluginHost, AsyncDisposable {
  /** The temporary folder holding plugin links and the data dir; removed by `stop()`. */
  readonly tempDir: string;
  /** Every hook call and tap run since the host was created. */
  readonly spies: HookSpies;
  /** Every log line of the host and its plugins. */
  readonly logs: readonly LogEntry[];
  /** The underlying host. */
  readonly host: PluginHost;
  /** Stops the host and removes the temporary folder. Idempotent. */
  stop(): Promise<void>;
}

function isSpec(p: TestPluginSpec | string): p is TestPluginSpec {
  return typeof p === 'object' && p !== null && 'plugin' in p;
}

function wrap(host: PluginHost, tempDir: string, spies: HookSpies, logs: readonly LogEntry[]): TestHost {
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      try {
        await host.stop();
      } finally {
        spies.restore();
        await rm(tempDir, { recursive: true, force: true });
      }
    })();
    return stopping;
  };
  const extras: Record<PropertyKey, unknown> = {
    host,
    tempDir,
    spies,
    logs,
    stop,
    [Symbol.asyncDispose]: stop,
  };
  // Everything else is the host's own, run on the host itself: it keeps private state
  // (#fields), so methods must be bound to it, not to the proxy.
  return new Proxy(host, {
    get(target, property) {
      if (Object.hasOwn(extras, property)) return extras[property];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    has: (target, property) => Object.hasOwn(extras, property) || property in target,
  }) as unknown as TestHost;
}

/**
 * Creates (and by default starts) a real host for a test. Plugins given in code are
 * registered; plugin folders are linked into a temporary plugin directory and discovered
 * like any directory plugin, so their manifests are validated and their entries loaded.
 *
 * @example
 * ```ts
 * import { definePlugin } from '@nocoflo/sdk';
 * import { createTestHost } from '@nocoflo/testing';
 * import '@nocoflo/testing/matchers';
 * import { expect, it } from 'vitest';
 *
 * const auditPlugin = definePlugin({ setup: (ctx) => ctx.logger.info('audit ready') });
 *
 * it('starts the audit plugin', async () => {
 *   await using host = await createTestHost({ plugins: [{ name: 'audit', plugin: auditPlugin }] });
 *   expect(host).toHavePluginState('audit', 'enabled');
 * });
 * ```
 */
export async function createTestHost(options: TestHostOptions = {}): Promise<TestHost> {
  // Loaded here, not at import: @nocoflo/host is an optional peer of the testing kit.
  const { createHost, MemoryStore } = await loadHost('createTestHost');
  const tempDir = await mkdtemp(join(tmpdir(), 'nocoflo-test-host-'));
  try {
    const linkDir = join(tempDir, 'plugins');
    await mkdir(linkDir);
    const specs: TestPluginSpec[] = [];
    let linkIndex = 0;
    for (const entry of options.plugins ?? []) {
      if (isSpec(entry)) specs.push(entry);
      else {
        const folder = resolve(entry);
        // One link per folder; the index keeps two folders with the same name apart.
        await symlink(folder, join(linkDir, `${linkIndex++}-${basename(folder)}`), 'dir');
      }
    }
    const logger = createMemoryLogger(options.logger);
    const hostOptions: HostOptions = {
      root: options.root ?? tempDir,
      pluginDirs: [linkDir, ...(options.pluginDirs ?? []).map((d) => resolve(d))],
      scanNodeModules: options.scanNodeModules ?? false,
      store: options.store ?? new MemoryStore(),
      logger,
      dataDir: join(tempDir, 'data'),
      ...(options.callbackTimeoutMs !== undefined ? { callbackTimeoutMs: options.callbackTimeoutMs } : {}),
      ...(options.tapTimeoutMs !== undefined ? { tapTimeoutMs: options.tapTimeoutMs } : {}),
      ...(options.config ? { config: options.config } : {}),
      ...(options.hostVersion ? { hostVersion: options.hostVersion } : {}),
      ...(options.isolation
        ? {
            isolation:
              typeof options.isolation === 'string' ? { default: options.isolation } : options.isolation,
          }
        : {}),
    };
    const host = await createHost(hostOptions);
    const testHost = wrap(host, tempDir, spyOnHooks(host.hooks), logger.entries);
    try {
      for (const { plugin, ...manifest } of specs) await host.register(plugin, manifest);
      if (options.start !== false) await host.start();
    } catch (error) {
      await testHost.stop().catch(() => {});
      throw error;
    }
    return testHost;
  } catch (error) {
    await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
}
