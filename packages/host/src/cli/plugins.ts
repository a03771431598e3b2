/**
 * `nocoflo plugins …`: list, info, validate, enable, disable, reload, install, uninstall,
 * set-isolation and configure plugins — against the local app folder and its metadata store, or, with
 * `--url`, against a running server's admin API (token from `NOCOFLO_ADMIN_TOKEN`).
 *
 * Output is a table or lines for people, JSON with `--json`. Exit codes:
 * 0 done · 1 done, but a plugin is failed (list) or an unexpected error · 2 invalid input
 * (bad value, invalid plugin) · 3 not found · 4 not authorised · 5 conflict (e.g. enabled
 * dependents) · 6 server or store unreachable.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import {
  Errors,
  errorMessage,
  type IsolationLevel,
  isNocofloError,
  NocofloError,
  type PluginInfo,
  type PluginPermissions,
  type SerializedNocofloError,
} from '@nocoflo/sdk';
import type { Command } from 'commander';
import { discover, resolvePluginDirs } from '../discovery/discover.js';
import {
  createOfflineHost,
  installPlugin,
  type PermissionApprover,
  type PermissionRequest,
  uninstallPlugin,
  validatePluginPackage,
} from '../install/index.js';
import { checkIsolationChange } from '../lifecycle/isolation-setting.js';
import { loadEntry } from '../lifecycle/load-entry.js';
import { describePermissions } from '../lifecycle/permission-approval.js';
import { readPluginMigrations } from '../migrations/index.js';
import { publicConfig } from '../secrets/config-secrets.js';
import { PluginConfigs } from '../secrets/plugin-configs.js';
import { AdminClient } from '../server/admin-api/client.js';
import { CONFIG_FILE_NAME, readConfigFile } from '../store/config-file.js';
import type { MetadataStore } from '../store/metadata.js';
import { openMetadataStore } from '../store/open.js';
import { HOST_VERSION } from '../version.js';
import { withDeclaredContributions } from './declared-contributions.js';
import { dataDirOf, storeUrlOf } from './store-options.js';
import { checkDeclaredAssets } from './validate-assets.js';

/** Options every `plugins` subcommand accepts. */
interface CommonOptions {
  root: string;
  pluginsDir: string[];
  dataDir?: string;
  store?: string;
  url?: string;
  json?: boolean;
}

/** Exit codes, by meaning. */
export const EXIT = {
  ok: 0,
  failed: 1,
  invalid: 2,
  notFound: 3,
  unauthorized: 4,
  conflict: 5,
  unreachable: 6,
} as const;

/** The exit code for an error, from its HTTP status / code. */
export function exitCodeFor(error: unknown): number {
  if (!isNocofloError(error)) return EXIT.failed;
  if (error.code === Errors.ConnectionFailed.code || error.code === Errors.MetadataStoreFailed.code)
    return EXIT.unreachable;
  if (error.status === 401 || error.status === 403) return EXIT.unauthorized;
  if (error.status === 404) return EXIT.notFound;
  if (error.status === 409) return EXIT.conflict;
  if (error.status >= 400 && error.status < 500) return EXIT.invalid;
  return EXIT.failed;
}

// ── Output ───────────────────────────────────────────────────────────────────

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
const json = (value: unknown) => out(JSON.stringify(value, null, 2));

/** Formats rows as an aligned text table with a header. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

function printPlugins(plugins: readonly PluginInfo[], asJson: boolean | undefined): void {
  if (asJson) {
    json(plugins);
    return;
  }
  if (plugins.length === 0) {
    out('No plugins found.');
    return;
  }
  out(
    formatTable(
      ['NAME', 'VERSION', 'STATE', 'SOURCE', 'NOTE'],
      plugins.map((p) => [
        p.name,
        p.version,
        p.state,
        p.source,
        p.error?.message ?? p.warnings[0] ?? p.description ?? '',
      ]),
    ),
  );
}

function printError(error: unknown, asJson: boolean | undefined): void {
  const serialized: SerializedNocofloError = isNocofloError(error)
    ? error.toJSON()
    : {
        code: 'NCF_INTERNAL',
        title: 'Unexpected error',
        message: errorMessage(error),
        hint: 'See the message above.',
      };
  if (asJson) json({ error: serialized });
  else process.stderr.write(`error ${serialized.code}: ${serialized.message}\n  hint: ${serialized.hint}\n`);
}

// ── Local and remote targets ────────────────────────────────────────────────

function remote(options: CommonOptions): AdminClient | undefined {
  if (!options.url) return undefined;
  const token = process.env.NOCOFLO_ADMIN_TOKEN;
  if (!token) {
    throw NocofloError.create(Errors.Unauthorized, [
      '--url needs the admin token in the NOCOFLO_ADMIN_TOKEN environment variable, which is not set',
    ]);
  }
  return new AdminClient(options.url, token);
}

async function openStore(options: CommonOptions): Promise<MetadataStore> {
  return openMetadataStore(storeUrlOf(options, dataDirOf(options)));
}

/** The config file's `isolation` section (`<root>/nocoflo.config.json`), if any. */
async function configIsolation(options: CommonOptions) {
  const configPath = resolve(options.root, CONFIG_FILE_NAME);
  return existsSync(configPath) ? (await readConfigFile(configPath)).isolation : undefined;
}

/** Runs `fn` with the local store and an offline host, closing the store afterwards. */
async function local<T>(
  options: CommonOptions,
  fn: (context: { store: MetadataStore; host: ReturnType<typeof createOfflineHost> }) => Promise<T>,
): Promise<T> {
  const store = await openStore(options);
  try {
    const isolation = await configIsolation(options);
    const host = createOfflineHost({
      root: options.root,
      pluginDirs: options.pluginsDir,
      states: await store.readPluginStates(),
      packages: store,
      trust: await store.readPluginTrust(),
      ...(isolation ? { isolation } : {}),
      recordApproval: (name, approval) => store.writePermissionApproval(name, approval),
    });
    return await fn({ store, host });
  } finally {
    await store.close();
  }
}

function requireLocalPlugin(host: ReturnType<typeof createOfflineHost>, name: string): PluginInfo {
  const info = host.get(name);
  if (!info) throw NocofloError.create(Errors.PluginNotFound, [name, host.list().map((p) => p.name)]);
  return info;
}

/** Loads a local plugin's code to read its config schema. */
async function localDefinition(options: CommonOptions, name: string) {
  const root = resolve(options.root);
  const candidate = discover({
    root,
    pluginDirs: resolvePluginDirs(root, options.pluginsDir),
    scanNodeModules: true,
    hostVersion: HOST_VERSION,
  }).find((c) => c.name === name);
  if (!candidate) throw NocofloError.create(Errors.PluginNotFound, [name, []]);
  if (!candidate.ok) throw new NocofloError({ ...candidate.error, status: 400 });
  return loadEntry(name, candidate.location.dir, candidate.manifest.entry);
}

/** Parses a config value given on the command line (JSON). */
function parseJsonArgument(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw NocofloError.create(Errors.BadRequest, [`${what} is not valid JSON (${errorMessage(error)})`]);
  }
}

/** What `isolationSource` means, for people. */
const ISOLATION_SOURCES = {
  operator: 'set with set-isolation',
  config: 'from the config file',
  default: 'the default',
  code: 'registered in code',
} as const;

/** The permission request an install refusal carries (`NCF_PERMISSIONS_NOT_APPROVED`), if it is one. */
function permissionRequestOf(error: unknown): PermissionRequest | undefined {
  if (!isNocofloError(error) || error.code !== Errors.PermissionsNotApproved.code) return undefined;
  const details = error.details as
    | { plugin?: string; version?: string; permissions?: PluginPermissions; beyond?: string[] }
    | undefined;
  if (!details?.permissions || !details.plugin) return undefined;
  return {
    plugin: details.plugin,
    version: details.version ?? '',
    permissions: details.permissions,
    asks: describePermissions(details.permissions),
    beyond: details.beyond ?? [],
  };
}

/**
 * How the CLI approves a plugin's permissions: `--yes` approves; on a terminal the operator
 * is shown what the plugin asks for and answers; otherwise (a script without `--yes`) it is refused.
 */
function approver(options: { yes: boolean; json?: boolean | undefined }): PermissionApprover {
  return async (request) => {
    const lines = [
      `${request.plugin}@${request.version} asks for:`,
      ...request.asks.map(
        (ask) => `  - ${ask}${request.beyond.includes(ask) ? (request.previous ? '  (new)' : '') : ''}`,
      ),
      "At the process level these are granted by Node's permission model; native addons can escape it.",
    ];
    const err = (text: string) => process.stderr.write(`${text}\n`);
    if (options.yes) {
      if (!options.json) err(`${lines.join('\n')}\napproved (--approve-permissions)`);
      return true;
    }
    if (!process.stdin.isTTY || !process.stderr.isTTY) return false;
    err(lines.join('\n'));
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await prompt.question('Approve these permissions? [y/N] ');
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      prompt.close();
    }
  };
}

// ── Commands ─────────────────────────────────────────────────────────────────

function common(command: Command): Command {
  return command
    .option(
      '--root <dir>',
      'app folder (its node_modules and plugin directories are searched)',
      process.cwd(),
    )
    .option('--plugins-dir <dir...>', 'plugin directories, relative to the root', ['plugins'])
    .option('--data-dir <dir>', 'data folder (default <root>/.nocoflo)')
    .option(
      '--store <url>',
      'metadata store: SQLite file or postgres:// URL (default <data-dir>/metadata.db)',
    )
    .option('--url <server>', 'work against a running server (token from NOCOFLO_ADMIN_TOKEN)')
    .option('--json', 'print JSON for scripts');
}

/** Wraps an action: prints errors and sets the exit code. */
function action<A extends unknown[]>(fn: (...args: A) => Promise<number | undefined>) {
  return async (...args: A): Promise<void> => {
    const command = args[args.length - 1] as Command;
    const options = command.opts<CommonOptions>();
    try {
      process.exitCode = (await fn(...args)) ?? EXIT.ok;
    } catch (error) {
      printError(error, options.json);
      process.exitCode = exitCodeFor(error);
    }
  };
}

/**
 * Registers `nocoflo plugins` and its subcommands on the program.
 *
 * @example
 * ```ts
 * import { Command } from 'commander';
 *
 * const program = new Command('nocoflo');
 * registerPluginsCommand(program);
 * await program.parseAsync(['node', 'nocoflo', 'plugins', 'list', '--json']);
 * ```
 */
export function registerPluginsCommand(program: Command): void {
  const plugins = program
    .command('plugins')
    .description('list, info, validate, enable, disable, reload, install, uninstall and configure plugins');

  common(plugins.command('list'))
    .description('list the plugins with their version, state and source')
    .action(
      action(async (_options: CommonOptions, command: Command) => {
        const options = command.opts<CommonOptions>();
        const client = remote(options);
        const list = client
          ? (await client.list()).available
          : await local(options, async ({ host }) => withDeclaredContributions(host.list()));
        printPlugins(list, options.json);
        return list.some((p) => p.state === 'failed') ? EXIT.failed : EXIT.ok;
      }),
    );

  common(plugins.command('info'))
    .description('show one plugin: state, error, dependencies, permissions, config, applied migrations')
    .argument('<name>', 'plugin name')
    .action(
      action(async (name: string, _options: CommonOptions, command: Command) => {
        const options = command.opts<CommonOptions>();
        const client = remote(options);
        const detail = client
          ? await client.info(name)
          : await local(options, async ({ host, store }) => ({
              plugin: requireLocalPlugin(host, name),
              // Secret fields are write-only: named as set, never shown (not even sealed).
              config: publicConfig((await store.readPluginConfig(name)) ?? null, []).config ?? null,
              secrets: publicConfig((await store.readPluginConfig(name)) ?? null, []).secrets,
              migrations: await store.appliedMigrations(name),
            }));
        if (options.json) {
          json(detail);
          return EXIT.ok;
        }
        const p = detail.plugin;
        const rows: [string, string][] = [
          ['name', p.name],
          ['version', p.version],
          ['state', p.state],
          ['source', `${p.source}${p.path ? ` (${p.path})` : ''}`],
        ];
        if (p.error) rows.push(['error', `${p.error.code}: ${p.error.message}`], ['hint', p.error.hint]);
        if (p.description) rows.push(['description', p.description]);
        const deps = Object.entries(p.dependencies);
        rows.push(['dependencies', deps.length ? deps.map(([n, r]) => `${n}@${r}`).join(', ') : '(none)']);
        if (p.permissions.length)
          rows.push(['permissions', p.permissions.map((x) => `${x.key} (${x.description})`).join(', ')]);
        if (p.runtime) {
          const asks = p.runtime.permissions;
          rows.push(
            [
              'isolation',
              `${p.runtime.isolation}${p.runtime.isolationSource ? ` (${ISOLATION_SOURCES[p.runtime.isolationSource]})` : ''}${
                p.runtime.maxHeapMb !== undefined ? `, heap limit ${p.runtime.maxHeapMb} MB` : ''
              }`,
            ],
            [
              'restarts',
              `${p.runtime.restarts}${p.runtime.crashLoop ? ' (crash loop: stays failed until enabled or reloaded)' : ''}`,
            ],
            [
              'asks for',
              [
                asks.addons ? 'native addons' : '',
                asks.fsRead.length ? `reads ${asks.fsRead.join(', ')}` : '',
                asks.env.length ? `env ${asks.env.join(', ')}` : '',
              ]
                .filter(Boolean)
                .join('; ') || '(nothing)',
            ],
          );
          rows.push([
            'approved',
            p.runtime.approval
              ? `by ${p.runtime.approval.by} at ${p.runtime.approval.at} (version ${p.runtime.approval.version})${
                  p.runtime.unapproved?.length ? `; not approved: ${p.runtime.unapproved.join(', ')}` : ''
                }`
              : '(no approval stored: placed on disk by the operator)',
          ]);
          if (p.runtime.lastError)
            rows.push(['last error', `${p.runtime.lastError.code}: ${p.runtime.lastError.message}`]);
        }
        rows.push([
          'config',
          detail.config === null || detail.config === undefined
            ? '(none stored)'
            : JSON.stringify(detail.config),
        ]);
        rows.push([
          'migrations',
          detail.migrations.length
            ? detail.migrations.map((m) => `${m.id} (${m.appliedAt})`).join(', ')
            : '(none applied)',
        ]);
        for (const warning of p.warnings) rows.push(['warning', warning]);
        const width = Math.max(...rows.map(([k]) => k.length));
        out(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'));
        return EXIT.ok;
      }),
    );

  plugins
    .command('validate')
    .description(
      'check a plugin folder: manifest, host range, entry, default export, config schema, migrations',
    )
    .argument('<path>', 'plugin folder (holding package.json)')
    .option('--json', 'print JSON for scripts')
    .action(
      action(async (path: string, _options: unknown, command: Command) => {
        const options = command.opts<{ json?: boolean }>();
        const folder = resolve(path);
        if (!existsSync(folder) || !statSync(folder).isDirectory()) {
          throw NocofloError.create(Errors.BadRequest, [`${folder} is not a folder`]);
        }
        const pkg = await validatePluginPackage(folder, { hostVersion: HOST_VERSION });
        const definition = await loadEntry(pkg.name, folder, pkg.packageJson.nocoflo.entry);
        const assets = checkDeclaredAssets(pkg.name, folder, definition, pkg.packageJson);
        const migrations = await readPluginMigrations(
          { name: pkg.name, path: folder, migrations: pkg.packageJson.nocoflo.migrations },
          'sqlite',
        );
        const report = {
          valid: true,
          name: pkg.name,
          version: pkg.version,
          host: pkg.packageJson.nocoflo.host,
          hostVersion: HOST_VERSION,
          dependencies: pkg.packageJson.nocoflo.dependencies,
          config: definition.config !== undefined,
          permissions: (definition.permissions ?? []).map((p) => p.key),
          migrations: migrations.map((m) => m.id),
          assets,
        };
        if (options.json) json(report);
        else
          out(
            [
              `✓ ${pkg.name}@${pkg.version} is a valid nocoflo plugin`,
              `  manifest   ok (entry ${pkg.packageJson.nocoflo.entry})`,
              `  host       "${report.host}" admits ${HOST_VERSION}`,
              '  entry      default-exports definePlugin(...)',
              `  config     ${report.config ? 'has a zod schema' : 'none'}`,
              `  assets     ${assets.length ? `${assets.join(', ')} (present, shipped by "files")` : 'none'}`,
              `  migrations ${report.migrations.length ? report.migrations.join(', ') : 'none'}`,
            ].join('\n'),
          );
        return EXIT.ok;
      }),
    );

  for (const verb of ['enable', 'disable'] as const) {
    common(plugins.command(verb))
      .description(
        `${verb} a plugin (locally: recorded in the metadata store, applied at the next start; with --url: at once)`,
      )
      .argument('<name>', 'plugin name')
      .action(
        action(async (name: string, _options: CommonOptions, command: Command) => {
          const options = command.opts<CommonOptions>();
          const client = remote(options);
          let info: PluginInfo;
          if (client) info = await client.action(name, verb);
          else
            info = await local(options, async ({ host, store }) => {
              const plugin = requireLocalPlugin(host, name);
              await store.writePluginState(name, plugin.version, verb === 'enable');
              return { ...plugin, state: verb === 'enable' ? 'enabled' : 'disabled' };
            });
          if (options.json) json(info);
          else
            out(
              `${info.name} is ${info.state}${client ? '' : ' (recorded; a server sharing a PostgreSQL store follows at once, others at their next start)'}`,
            );
          return info.state === 'failed' ? EXIT.failed : EXIT.ok;
        }),
      );
  }

  common(plugins.command('reload'))
    .description("reload a plugin's code from disk on a running server (needs --url)")
    .argument('<name>', 'plugin name')
    .action(
      action(async (name: string, _options: CommonOptions, command: Command) => {
        const options = command.opts<CommonOptions>();
        const client = remote(options);
        if (!client) {
          throw NocofloError.create(Errors.BadRequest, [
            'reload acts on a running server: pass --url http://host:port (plugins are loaded fresh at every start anyway)',
          ]);
        }
        const info = await client.action(name, 'reload');
        if (options.json) json(info);
        else out(`${info.name} reloaded: ${info.state}${info.error ? ` (${info.error.message})` : ''}`);
        return info.state === 'failed' ? EXIT.failed : EXIT.ok;
      }),
    );

  common(plugins.command('install'))
    .description(
      'install or upgrade a plugin from an npm spec or an `npm pack` tarball; the permissions it asks for need approval',
    )
    .argument('<source>', 'npm spec (name, name@range, git URL) or path to a .tgz')
    .option('--approve-permissions', 'approve the permissions the plugin asks for without a prompt (scripts)')
    .option('-y, --yes', 'the same as --approve-permissions')
    .action(
      action(async (source: string, _options: CommonOptions, command: Command) => {
        const options = command.opts<CommonOptions & { yes?: boolean; approvePermissions?: boolean }>();
        const client = remote(options);
        const isFile = existsSync(resolve(source)) && statSync(resolve(source)).isFile();
        const approve = approver({
          yes: options.yes === true || options.approvePermissions === true,
          json: options.json,
        });
        let info: PluginInfo;
        if (client) {
          const send = async (approval?: PluginPermissions) =>
            isFile
              ? client.install({ bytes: await readFile(resolve(source)), filename: source }, approval)
              : client.install({ spec: source }, approval);
          try {
            info = await send();
          } catch (error) {
            // The server says what the plugin asks for; the operator approves that, and it is sent again.
            const request = permissionRequestOf(error);
            if (!request || !(await approve(request))) throw error;
            info = await send(request.permissions);
          }
        } else {
          info = await local(options, ({ host }) =>
            installPlugin(host, isFile ? { tarball: resolve(source) } : source, {
              approvePermissions: approve,
              approvedBy: 'cli',
            }),
          );
        }
        if (options.json) json(info);
        else
          out(`installed ${info.name}@${info.version} (${info.state})${info.path ? ` in ${info.path}` : ''}`);
        return EXIT.ok;
      }),
    );

  common(plugins.command('set-isolation'))
    .description(
      'set where a plugin runs: worker (default), process, or inline (trusted only); stored, applied at once with --url, else at the next start',
    )
    .argument('<name>', 'plugin name')
    .argument('<level>', 'worker, process, inline (needs --trusted), or default (drop the stored level)')
    .option('--trusted', "name the plugin trusted: needed for inline (its code runs in the host's process)")
    .option('--max-heap-mb <mb>', 'heap limit of its worker or process, in MB ("default" drops it)')
    .action(
      action(async (name: string, levelArg: string, _options: CommonOptions, command: Command) => {
        const options = command.opts<CommonOptions & { trusted?: boolean; maxHeapMb?: string }>();
        const level = levelArg === 'default' ? null : (levelArg as IsolationLevel);
        const maxHeapMb =
          options.maxHeapMb === undefined
            ? undefined
            : options.maxHeapMb === 'default'
              ? null
              : Number(options.maxHeapMb);
        const settings = {
          trusted: options.trusted === true,
          ...(maxHeapMb !== undefined ? { maxHeapMb } : {}),
        };
        const client = remote(options);
        let info: PluginInfo;
        if (client) info = await client.setIsolation(name, level, settings);
        else
          info = await local(options, async ({ host, store }) => {
            requireLocalPlugin(host, name);
            await store.writePluginIsolation(name, checkIsolationChange(name, level, settings));
            const trust = await store.readPluginTrust();
            const isolation = await configIsolation(options);
            return requireLocalPlugin(
              createOfflineHost({
                root: options.root,
                pluginDirs: options.pluginsDir,
                trust,
                ...(isolation ? { isolation } : {}),
              }),
              name,
            );
          });
        if (options.json) json(info);
        else
          out(
            `${info.name} runs at the ${info.runtime?.isolation ?? levelArg} level${
              info.runtime?.maxHeapMb !== undefined ? ` (heap limit ${info.runtime.maxHeapMb} MB)` : ''
            }${client ? `; ${info.state}` : ' (recorded; applied at the next start, or at once with --url)'}`,
          );
        return info.state === 'failed' ? EXIT.failed : EXIT.ok;
      }),
    );

  common(plugins.command('uninstall'))
    .description('remove an installed plugin (refused while enabled plugins depend on it)')
    .argument('<name>', 'plugin name')
    .action(
      action(async (name: string, _options: CommonOptions, command: Command) => {
        const options = command.opts<CommonOptions>();
        const client = remote(options);
        if (client) await client.uninstall(name);
        else await local(options, ({ host }) => uninstallPlugin(host, name));
        if (options.json) json({ uninstalled: name });
        else out(`uninstalled ${name}`);
        return EXIT.ok;
      }),
    );

  common(plugins.command('config'))
    .description("show or set a plugin's config (validated by the plugin's schema)")
    .argument('<name>', 'plugin name')
    .argument('[value]', 'new config as JSON, e.g. \'{"table":"orders"}\'')
    .option('--from-file <path>', 'read the new config from a JSON file')
    .option('--unset', 'remove the stored config (the config file value applies again); local only')
    .action(
      action(async (name: string, value: string | undefined, _options: unknown, command: Command) => {
        const options = command.opts<CommonOptions & { fromFile?: string; unset?: boolean }>();
        let next: unknown;
        if (options.fromFile !== undefined) {
          next = parseJsonArgument(await readFile(resolve(options.fromFile), 'utf8'), options.fromFile);
        } else if (value !== undefined) {
          next = parseJsonArgument(value, 'the config value');
        }
        const client = remote(options);
        if (client) {
          if (options.unset)
            throw NocofloError.create(Errors.BadRequest, ['--unset works on the local store only']);
          if (next === undefined) {
            const config = await client.getConfig(name);
            json(config ?? null);
            return EXIT.ok;
          }
          const info = await client.setConfig(name, next);
          if (options.json) json(info);
          else out(`${name}: config stored; plugin ${info.state}`);
          return info.state === 'failed' ? EXIT.failed : EXIT.ok;
        }
        return local(options, async ({ host, store }) => {
          requireLocalPlugin(host, name);
          if (options.unset) {
            await store.writePluginConfig(name, undefined);
            if (!options.json) out(`${name}: stored config removed`);
            else json({ unset: name });
            return EXIT.ok;
          }
          const fromFile = existsSync(resolve(options.root, CONFIG_FILE_NAME))
            ? (await readConfigFile(resolve(options.root, CONFIG_FILE_NAME))).plugins
            : {};
          const configs = new PluginConfigs({ store, defaults: fromFile, dataDir: dataDirOf(options) });
          if (next === undefined) {
            // Secret fields are write-only: shown as set, never as values.
            const definition = await localDefinition(options, name).catch(() => undefined);
            const view = await configs.view(name, definition?.config);
            json(
              view.secrets.length > 0
                ? { config: view.config, secrets: view.secrets }
                : (view.config ?? null),
            );
            return EXIT.ok;
          }
          const definition = await localDefinition(options, name);
          const { fields } = await configs.write(name, definition.config, next, 'cli');
          const shown = (await configs.view(name, definition.config)).config;
          if (options.json) json({ plugin: name, config: shown, changed: fields });
          else out(`${name}: config stored (a running server picks it up at its next start, or use --url)`);
          return EXIT.ok;
        });
      }),
    );
}
