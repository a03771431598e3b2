/**
 * `nocoflo serve [datasource URLs…]`: starts the host and the web app. With no URL (or with
 * `--demo`) it serves the demo database, creating it in the data folder the first time.
 */

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Errors, errorMessage, isNocofloError, NocofloError } from '@nocoflo/sdk';
import { type Command, Option } from 'commander';
import { createHost } from '../create-host.js';
import { ensureDemoDatabase } from '../demo/index.js';
import { createHostLogger } from '../logging/pino-logger.js';
import { loadKeyring } from '../secrets/keyring.js';
import { createServer, resolveAdminToken } from '../server/index.js';
import { CONFIG_FILE_NAME, readConfigFile } from '../store/config-file.js';
import { isMetadataStore } from '../store/metadata.js';
import { openMetadataStore } from '../store/open.js';
import type { PluginHost } from '../types.js';
import { HOST_VERSION } from '../version.js';
import { describeUnavailable, findUnavailableDatasources } from './check-datasources.js';
import { ensureLocalAdmin } from './local-admin.js';
import { storeUrlOf } from './store-options.js';

/** Options of `nocoflo serve`, as commander parses them. */
export interface ServeOptions {
  port: string;
  host: string;
  allowedHost?: string[];
  readOnly?: boolean;
  localAdmin?: boolean;
  demo?: boolean;
  root: string;
  pluginsDir: string[];
  dataDir?: string;
  store?: string;
  adminToken?: string;
  adminTokenFile?: string;
  config?: string;
  watch?: boolean;
  verbose?: boolean;
  serveUnavailable?: boolean;
  callbackTimeout?: string;
  /** Called with the host once it is created (`nocoflo dev` reloads its plugin through it). */
  onHost?: (host: PluginHost) => void;
}

/** Start-up stopped because a datasource cannot be opened (already explained on stderr). */
class UnavailableDatasourcesError extends Error {}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a whole number from 0 to 65535 (0 picks a free port), not "${text}".`);
  }
  return port;
}

function parseCallbackTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 1) {
    throw new Error(`--callback-timeout must be a whole number of milliseconds, at least 1, not "${text}".`);
  }
  return ms;
}

/** Names the server answers: `--allowed-host` ones, and the listen address unless it is a wildcard. */
function allowedHosts(options: ServeOptions): string[] {
  const names = [...(options.allowedHost ?? [])];
  if (options.host !== '0.0.0.0' && options.host !== '::') names.push(options.host);
  return names;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * How people get in on first run: with no user, a one-time setup link creates the first
 * admin; the demo on a loopback address creates a local admin and signs browsers in as it.
 * Reachable from the network with no user and not read-only: refused.
 */
async function firstRun(
  store: Awaited<ReturnType<typeof openMetadataStore>>,
  options: ServeOptions,
  demo: boolean,
): Promise<{ setupToken?: string; autoSignIn?: string; note?: string }> {
  const accounts = store.accounts();
  const users = await accounts.countUsers();
  const loopback = LOOPBACK.has(options.host);
  if ((demo || options.localAdmin) && loopback) {
    const admin = await ensureLocalAdmin(accounts);
    return {
      autoSignIn: admin.name,
      note: `browsers on this machine are signed in as ${admin.name} (admin); \`nocoflo users reset-password ${admin.name}\` sets a password for signing in elsewhere`,
    };
  }
  if (users > 0 || options.readOnly) return {};
  if (!loopback) {
    throw NocofloError.create(Errors.ServeRefused, [
      `no user exists yet, and ${options.host} is reachable from other machines: anyone could become the first admin`,
      'create the first admin with `nocoflo users add <name> --role admin`, serve on 127.0.0.1 first and open the setup link, or pass --read-only to publish data with no write path',
    ]);
  }
  // Every user was removed after a setup link made the first admin: links stay closed (a
  // link printed by a host still running would otherwise work again), so say what works.
  if (await accounts.setupDone())
    return {
      note: 'no user exists, and the setup link was used before (every user has since been removed): add an admin with `nocoflo users add <name> --role admin`',
    };
  return { setupToken: randomBytes(24).toString('base64url') };
}

/** Starts everything and resolves once the server listens; returns the stop function. */
export async function serve(urls: string[], options: ServeOptions): Promise<() => Promise<void>> {
  if (options.adminToken !== undefined) {
    throw NocofloError.create(Errors.SecretRefused, [
      'the admin token given with --admin-token',
      'tokens are not taken on the command line; set NOCOFLO_ADMIN_TOKEN or pass --admin-token-file <file>',
    ]);
  }
  const port = parsePort(options.port);
  const callbackTimeoutMs = parseCallbackTimeout(options.callbackTimeout);
  const root = resolve(options.root);
  // The one logger (pino, JSON lines on stderr): warnings and errors always, the rest and
  // every request with --verbose. Fastify logs through it too.
  const logger = createHostLogger({ level: options.verbose ? 'debug' : 'warn' });
  const dataDir = resolve(root, options.dataDir ?? '.nocoflo');
  // Per-plugin config from the config file: --config, else nocoflo.config.json in the root when present.
  const configPath = options.config ? resolve(options.config) : resolve(root, CONFIG_FILE_NAME);
  const configFile = options.config || existsSync(configPath) ? await readConfigFile(configPath) : undefined;
  // Secrets first: read, then removed from the environment before any plugin runs.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = resolveAdminToken(dataDir, { file: options.adminTokenFile });
  const secretKeyring = loadKeyring({ dataDir });
  const store = await openMetadataStore(storeUrlOf(options, dataDir), {
    logger,
  });
  const host = await createHost({
    root,
    pluginDirs: options.pluginsDir,
    store,
    dataDir,
    logger,
    secretKeyring,
    ...(callbackTimeoutMs !== undefined ? { callbackTimeoutMs } : {}),
    ...(configFile ? { config: configFile.plugins } : {}),
    // Where plugin code runs: a level stored with `plugins set-isolation` wins over the file.
    ...(configFile?.isolation ? { isolation: configFile.isolation } : {}),
  });
  options.onHost?.(host);
  // The plugins start (each isolated one booting its worker) while the main thread builds the
  // server: its routes, the demo database and the first-run account need no started plugin.
  const starting = host.start();
  starting.catch(() => {}); // awaited below; a failure must not count as unhandled meanwhile
  let app: Awaited<ReturnType<typeof createServer>> | undefined;
  const datasources = [...urls];
  let access: Awaited<ReturnType<typeof firstRun>> = {};
  try {
    if (options.demo || urls.length === 0) {
      const demo = ensureDemoDatabase(host.dataDir);
      if (demo.created) {
        process.stdout.write(
          `Created the demo database ${demo.path} (${demo.created.orderLines.toLocaleString('en-US')} order lines).\n`,
        );
      }
      datasources.unshift(`sqlite:${demo.path}`);
    }
    const demo = Boolean(options.demo || urls.length === 0);
    access = isMetadataStore(store) ? await firstRun(store, options, demo) : {};
    app = await createServer({
      host,
      datasources,
      ...(options.readOnly ? { readOnly: true } : {}),
      ...(access.autoSignIn ? { autoSignIn: access.autoSignIn } : {}),
      ...(access.setupToken ? { setupToken: access.setupToken } : {}),
      adminToken: token.token,
      ...(options.verbose ? { logRequests: true } : {}),
      allowedHosts: allowedHosts(options),
      ...(configFile?.audit?.retentionDays ? { auditRetentionDays: configFile.audit.retentionDays } : {}),
      ...(isMetadataStore(store) ? { store } : {}),
    });
  } catch (error) {
    await starting.catch(() => {});
    await app?.close();
    await host.stop();
    throw error;
  }
  try {
    await starting;
  } catch (error) {
    await app.close();
    throw error;
  }
  // The watcher's module (chokidar) loads only when watching.
  const watcher = options.watch ? (await import('../watch/index.js')).watchPlugins(host) : undefined;
  await watcher?.ready;
  for (const plugin of host.list().filter((p) => p.state === 'failed')) {
    process.stderr.write(`plugin ${plugin.name} failed: ${plugin.error?.message ?? 'unknown error'}\n`);
    if (plugin.error?.hint) process.stderr.write(`  hint: ${plugin.error.hint}\n`);
  }

  const unavailable = await findUnavailableDatasources(host, urls);
  if (unavailable.length > 0) {
    const serving = options.serveUnavailable === true;
    process.stderr.write(describeUnavailable(unavailable, serving));
    if (!serving) {
      await watcher?.close();
      await app.close();
      await host.stop();
      throw new UnavailableDatasourcesError();
    }
  }

  try {
    await app.listen({ port, host: options.host });
  } catch (error) {
    await app.close();
    await host.stop();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(`Port ${port} is already in use. Pass --port <n>, or --port 0 for any free port.`);
    }
    throw error;
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  const base = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${actualPort}`;
  // A generated token is printed once, when it is created; afterwards the file (0600) holds it.
  const adminUrl =
    token.source === 'new file'
      ? `${base}/admin#token=${token.token}  (new admin token, saved to ${token.path}; it is not shown again)`
      : token.source === 'file'
        ? `${base}/admin (token in ${token.path})`
        : `${base}/admin (token from NOCOFLO_ADMIN_TOKEN)`;
  process.stdout.write(
    `nocoflo ${HOST_VERSION} is serving ${base}\n` +
      datasources.map((url) => `  data:  ${url}\n`).join('') +
      `  admin: ${adminUrl}\n` +
      (access.setupToken
        ? `  setup: ${base}/setup?token=${access.setupToken}  (no user yet: open it to create the first admin; it works once)\n`
        : '') +
      (access.note ? `  sign-in: ${access.note}\n` : '') +
      (options.readOnly ? '  read-only: no write path; anyone who reaches the server may read\n' : '') +
      'Press Ctrl+C to stop.\n',
  );

  return async () => {
    await watcher?.close();
    await app.close();
    await host.stop();
  };
}

/** Registers `nocoflo serve` on the program. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the data browser; with no URL, on a demo SQLite database created in the data folder')
    .argument('[urls...]', 'datasource URLs, e.g. sqlite:./shop.db postgres://user@host/db')
    .option('-p, --port <n>', 'port to listen on (0: any free port)', process.env.PORT ?? '3000')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option(
      '--allowed-host <name...>',
      'host names the server answers besides the loopback names (a page opened by any other name gets 403)',
    )
    .option('--read-only', 'serve with no write path at all; anyone who reaches the server may read')
    .option(
      '--local-admin',
      'on a loopback address, sign every browser on this machine in as the first admin (what --demo does)',
    )
    .option('--demo', 'also serve the demo database (the default when no URL is given)')
    .option(
      '--root <dir>',
      'host root folder (its node_modules and plugin directories are searched)',
      process.cwd(),
    )
    .option('--plugins-dir <dir...>', 'plugin directories, relative to the root', ['plugins'])
    .option(
      '--data-dir <dir>',
      'folder for the demo database, metadata and plugin data (default <root>/.nocoflo)',
    )
    .option(
      '--store <url>',
      'metadata store: a SQLite file path or a postgres:// URL (default <data-dir>/metadata.db)',
    )
    .option(
      '--admin-token-file <file>',
      'file holding the token for admin changes (default NOCOFLO_ADMIN_TOKEN, else <data-dir>/admin-token)',
    )
    // Refused with a hint: a token on the command line is visible to every user of the machine.
    .addOption(new Option('--admin-token <token>').hideHelp())
    .option('--config <file>', `per-plugin config file (default <root>/${CONFIG_FILE_NAME} when present)`)
    .option(
      '--callback-timeout <ms>',
      'how long a plugin callback (setup, enable, …) may take before that plugin fails (default 10000)',
    )
    .option('--watch', 'reload a directory plugin when its files change')
    .option(
      '--serve-unavailable',
      'serve even when a datasource URL cannot be opened (its pages show the error)',
    )
    .option('--verbose', 'log what the host does')
    .action((urls: string[], options: ServeOptions) => runUntilSignal(serve(urls, options)));
}

/**
 * Waits for a server start, then keeps the process up until SIGINT or SIGTERM and stops it.
 * Signals are handled from the start, so a Ctrl+C during start-up also stops cleanly.
 * `cleanup` runs after the server stopped (e.g. a build watcher of `nocoflo dev`).
 */
export async function runUntilSignal(
  ready: Promise<() => Promise<void>>,
  cleanup: () => void = () => {},
): Promise<void> {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) process.exit(1); // a second Ctrl+C: stop waiting
    stopping = true;
    process.stdout.write(`\n${signal}: stopping…\n`);
    // A plugin that hangs on teardown must not keep the process alive forever.
    setTimeout(() => process.exit(1), 10_000).unref();
    ready
      .then((stop) => stop())
      .finally(cleanup)
      .then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`error while stopping: ${errorMessage(error)}\n`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  try {
    await ready;
  } catch (error) {
    cleanup();
    // Unavailable datasources were already explained, one per line, before this.
    if (!(error instanceof UnavailableDatasourcesError)) {
      process.stderr.write(`${isNocofloError(error) ? error.toString() : errorMessage(error)}\n`);
    }
    process.exit(1);
  }
}
