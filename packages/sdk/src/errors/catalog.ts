/**
 * The error catalog: every error nocoflo raises, with a stable code, a title, a message
 * that says what happened and a hint that says what to do. Codes never change once
 * released; add new entries rather than repurposing old ones.
 */
import { defineError } from './nocoflo-error.js';

const list = (names: readonly string[], max = 12): string => {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, … (${names.length - max} more)` : shown;
};

// ── Discovery and manifests ────────────────────────────────────────────────────

/** A plugin's package.json could not be read or is not valid JSON. */
export const PackageJsonUnreadable = defineError({
  code: 'NCF_PACKAGE_JSON_UNREADABLE',
  title: 'Unreadable package.json',
  status: 400,
  message: (path: string, reason: string) => `Could not read ${path}: ${reason}.`,
  hint: (path: string) =>
    `Fix the JSON syntax in ${path} (run \`node -e "JSON.parse(require('fs').readFileSync('${path}','utf8'))"\` to see where it breaks).`,
});

/** The `nocoflo` field of a plugin's package.json does not match the manifest schema. */
export const ManifestInvalid = defineError({
  code: 'NCF_MANIFEST_INVALID',
  title: 'Invalid plugin manifest',
  status: 400,
  message: (packageName: string, issues: string) =>
    `The "nocoflo" field of ${packageName}'s package.json is invalid: ${issues}.`,
  hint: () =>
    'Compare the field with the manifest schema (@nocoflo/sdk/manifest.schema.json); it needs at least "entry" and "host", e.g. { "entry": "./dist/index.js", "host": "^0.1.0" }.',
});

/** The plugin's `host` range does not admit the running host's version. */
export const HostRangeUnsatisfied = defineError({
  code: 'NCF_HOST_RANGE_UNSATISFIED',
  title: 'Plugin needs another host version',
  status: 409,
  message: (plugin: string, range: string, hostVersion: string) =>
    `${plugin} requires a host matching "${range}", but this host is ${hostVersion}.`,
  hint: (plugin: string) => `Install a version of ${plugin} built for this host, or upgrade @nocoflo/host.`,
});

/** The same plugin name was found twice; one copy wins and the other is ignored. */
export const DuplicatePlugin = defineError({
  code: 'NCF_DUPLICATE_PLUGIN',
  title: 'Plugin found twice',
  status: 409,
  message: (plugin: string, kept: string, ignored: string) =>
    `${plugin} was found twice; using ${kept} and ignoring ${ignored}.`,
  hint: () => 'Remove one of the copies, or keep the directory copy on purpose as a local override.',
});

/** The same plugin name was found in two places of equal standing, so neither is used. */
export const AmbiguousPlugin = defineError({
  code: 'NCF_PLUGIN_AMBIGUOUS',
  title: 'Plugin name used twice',
  status: 409,
  message: (plugin: string, paths: readonly string[]) =>
    `Two packages are named ${plugin}: ${paths.join(' and ')}; neither is loaded.`,
  hint: () =>
    'Remove or rename one of them (package.json "name"); a directory copy may override a node_modules copy, but two of the same kind cannot be told apart.',
});

/** The manifest's entry file does not exist. */
export const EntryNotFound = defineError({
  code: 'NCF_ENTRY_NOT_FOUND',
  title: 'Plugin entry file missing',
  status: 400,
  message: (plugin: string, entryPath: string) => `${plugin}'s entry ${entryPath} does not exist.`,
  hint: (plugin: string) =>
    `Build ${plugin} (e.g. \`npm run build\` in its folder) or fix "nocoflo.entry" in its package.json.`,
});

/** Importing the entry failed (syntax error, failing top-level code, missing import). */
export const EntryLoadFailed = defineError({
  code: 'NCF_ENTRY_LOAD_FAILED',
  title: 'Plugin entry failed to load',
  status: 500,
  message: (plugin: string, entryPath: string, reason: string) =>
    `Importing ${plugin}'s entry ${entryPath} failed: ${reason}`,
  hint: () =>
    'Run the entry with `node <entry>` to see the full error; fix syntax errors and missing imports.',
});

/** The entry's default export is not a `definePlugin(...)` result. */
export const EntryNotPlugin = defineError({
  code: 'NCF_ENTRY_NOT_PLUGIN',
  title: 'Entry does not export a plugin',
  status: 400,
  message: (plugin: string, entryPath: string, got: string) =>
    `${plugin}'s entry ${entryPath} must default-export definePlugin({...}), but its default export is ${got}.`,
  hint: () => "Write `export default definePlugin({ ... })` with definePlugin imported from '@nocoflo/sdk'.",
});

// ── Dependencies ─────────────────────────────────────────────────────────────

/** A declared plugin dependency was not found. */
export const DependencyMissing = defineError({
  code: 'NCF_DEPENDENCY_MISSING',
  title: 'Plugin dependency missing',
  status: 409,
  message: (plugin: string, dependency: string, range: string) =>
    `${plugin} depends on ${dependency}@${range}, which is not installed.`,
  hint: (_plugin: string, dependency: string) =>
    `Install ${dependency} (\`nocoflo plugins install ${dependency}\`) or remove the dependency.`,
});

/** A declared plugin dependency was found at a version outside the required range. */
export const DependencyVersionMismatch = defineError({
  code: 'NCF_DEPENDENCY_VERSION',
  title: 'Plugin dependency at the wrong version',
  status: 409,
  message: (plugin: string, dependency: string, range: string, found: string) =>
    `${plugin} needs ${dependency}@${range}, but ${dependency}@${found} is installed.`,
  hint: (_plugin: string, dependency: string, range: string) =>
    `Install a version of ${dependency} matching "${range}".`,
});

/** Plugins depend on each other in a cycle. */
export const DependencyCycle = defineError({
  code: 'NCF_DEPENDENCY_CYCLE',
  title: 'Plugin dependency cycle',
  status: 409,
  message: (chain: readonly string[]) => `Plugins depend on each other in a cycle: ${chain.join(' -> ')}.`,
  hint: () =>
    'Break the cycle: move the shared part into a plugin both can depend on, or drop one dependency.',
});

/** A dependency of this plugin failed, so it cannot start. */
export const DependencyFailed = defineError({
  code: 'NCF_DEPENDENCY_FAILED',
  title: 'Plugin dependency failed',
  status: 409,
  message: (plugin: string, chain: readonly string[], reason: string) =>
    `${plugin} cannot start because ${chain.join(' -> ')} failed: ${reason}`,
  hint: (_plugin: string, chain: readonly string[]) =>
    `Fix ${chain[chain.length - 1] ?? 'the dependency'} first; this plugin starts with it.`,
});

/** A dependency of this plugin is disabled, so it cannot be enabled. */
export const DependencyDisabled = defineError({
  code: 'NCF_DEPENDENCY_DISABLED',
  title: 'Plugin dependency disabled',
  status: 409,
  message: (plugin: string, dependency: string) =>
    `${plugin} cannot be enabled while its dependency ${dependency} is disabled.`,
  hint: (_plugin: string, dependency: string) => `Enable ${dependency} first.`,
});

/** Disabling this plugin would strand enabled plugins that depend on it. */
export const HasEnabledDependents = defineError({
  code: 'NCF_HAS_DEPENDENTS',
  title: 'Other plugins depend on this one',
  status: 409,
  message: (plugin: string, action: string, dependents: readonly string[]) =>
    `Cannot ${action} ${plugin}: enabled plugins depend on it: ${list(dependents)}.`,
  hint: (_plugin: string, action: string) => `Disable those plugins first, then ${action} this one.`,
});

// ── Lifecycle ────────────────────────────────────────────────────────────────

/** A plugin callback threw or rejected. */
export const PluginCallbackFailed = defineError({
  code: 'NCF_PLUGIN_CALLBACK_FAILED',
  title: 'Plugin callback failed',
  status: 500,
  message: (plugin: string, callback: string, reason: string) => `${plugin}'s ${callback} failed: ${reason}`,
  hint: (plugin: string) =>
    `See the cause in the host log; fix ${plugin} and reload it (\`nocoflo plugins reload ${plugin}\`).`,
});

/** A plugin callback did not settle within the host's timeout. */
export const PluginCallbackTimeout = defineError({
  code: 'NCF_PLUGIN_CALLBACK_TIMEOUT',
  title: 'Plugin callback timed out',
  status: 504,
  message: (plugin: string, callback: string, ms: number) =>
    `${plugin}'s ${callback} did not finish within ${ms} ms.`,
  hint: () =>
    'Make the callback settle (await every promise, do long work in the background through the context), or raise the host option `callbackTimeoutMs`.',
});

/** A plugin's config does not match its zod schema. */
export const PluginConfigInvalid = defineError({
  code: 'NCF_CONFIG_INVALID',
  title: 'Invalid plugin config',
  status: 400,
  message: (plugin: string, issues: string) => `${plugin}'s config is invalid: ${issues}.`,
  hint: (plugin: string) =>
    `Fix the value in the host config (config["${plugin}"]) or with \`nocoflo plugins config ${plugin}\`.`,
});

/** No plugin of that name is known to the host. */
export const PluginNotFound = defineError({
  code: 'NCF_PLUGIN_NOT_FOUND',
  title: 'Unknown plugin',
  status: 404,
  message: (plugin: string, known: readonly string[]) =>
    `No plugin named ${plugin}. Known plugins: ${list(known)}.`,
  hint: () => 'Check the name with `nocoflo plugins list`.',
});

/** The requested lifecycle action is not possible from the plugin's current state. */
export const InvalidPluginState = defineError({
  code: 'NCF_INVALID_PLUGIN_STATE',
  title: 'Action not possible in this state',
  status: 409,
  message: (plugin: string, action: string, state: string) =>
    `Cannot ${action} ${plugin} while it is ${state}.`,
  hint: (plugin: string) =>
    `Check \`nocoflo plugins info ${plugin}\`; a failed plugin is started again with reload.`,
});

/** A plugin used its context after it was disabled or torn down. */
export const ContextDisposed = defineError({
  code: 'NCF_CONTEXT_DISPOSED',
  title: 'Plugin context is no longer active',
  status: 500,
  message: (plugin: string, operation: string) => `${plugin} called ${operation} after it was disabled.`,
  hint: () =>
    'Stop background work in `disable` (or register it through ctx.onDispose / ctx.setInterval so the host stops it).',
});

/** A plugin tapped a hook that does not exist. */
export const UnknownHook = defineError({
  code: 'NCF_UNKNOWN_HOOK',
  title: 'Unknown hook',
  status: 400,
  message: (plugin: string, hook: string, known: readonly string[]) =>
    `${plugin} tapped "${hook}", which is not a hook. Known hooks: ${list(known, 50)}.`,
  hint: () => 'Use one of the known hook names; they are typed in NocofloHooks.',
});

/** A name collision among contributions (view name, service name). */
export const ContributionConflict = defineError({
  code: 'NCF_CONTRIBUTION_CONFLICT',
  title: 'Contribution name already taken',
  status: 409,
  message: (kind: string, name: string, owner: string, claimant: string) =>
    `${claimant} registers ${kind} "${name}", which ${owner} already provides.`,
  hint: (kind: string) => `Give the ${kind} a name of its own (prefix it with your plugin's name).`,
});

/** Two plugins claim the same URL scheme. */
export const SchemeConflict = defineError({
  code: 'NCF_SCHEME_CONFLICT',
  title: 'URL scheme claimed twice',
  status: 409,
  message: (scheme: string, plugins: readonly string[]) =>
    `The URL scheme "${scheme}:" is claimed by ${plugins.join(' and ')}.`,
  hint: () =>
    'Disable one of the plugins, or open the URL naming a plugin explicitly (host.datasources.open(url, { plugin })).',
});

/** No enabled datasource plugin handles the URL's scheme. */
export const SchemeUnknown = defineError({
  code: 'NCF_SCHEME_UNKNOWN',
  title: 'No datasource for this URL',
  status: 400,
  message: (url: string, known: readonly string[]) =>
    `No enabled datasource handles "${url}". Known schemes: ${list(known.map((s) => `${s}:`))}.`,
  hint: () =>
    'Install and enable a datasource plugin for this scheme (e.g. @nocoflo/sqlite-datasource for sqlite:).',
});

/** No view can show the table. */
export const NoViewForTable = defineError({
  code: 'NCF_NO_VIEW',
  title: 'No view for this table',
  status: 404,
  message: (table: string) => `No enabled view can show ${table}.`,
  hint: () => 'Enable a view plugin such as @nocoflo/table-view.',
});

// ── Data ─────────────────────────────────────────────────────────────────────

/** A table is not known to the datasource. */
export const TableNotFound = defineError({
  code: 'NCF_TABLE_NOT_FOUND',
  title: 'Unknown table',
  status: 404,
  message: (table: string, known: readonly string[]) =>
    `There is no table ${JSON.stringify(table)}. Tables: ${list(known)}.`,
  hint: () => 'Check the name (it is case-sensitive, and schema-qualified for PostgreSQL outside "public").',
});

/** A column is not known in the table. */
export const ColumnNotFound = defineError({
  code: 'NCF_COLUMN_NOT_FOUND',
  title: 'Unknown column',
  status: 400,
  message: (table: string, column: string, known: readonly string[]) =>
    `Table ${JSON.stringify(table)} has no column ${JSON.stringify(column)}. Columns: ${list(known, 30)}.`,
  hint: () => 'Check the column name; names are case-sensitive.',
});

/** A query was malformed: bad operator, bad cursor, bad limit, bad aggregate. */
export const InvalidQuery = defineError({
  code: 'NCF_INVALID_QUERY',
  title: 'Invalid query',
  status: 400,
  message: (reason: string) => `The query is invalid: ${reason}.`,
  hint: () => 'See the Datasource reference for the accepted sort, filter, cursor and aggregate forms.',
});

/** A value does not fit the column's type. */
export const InvalidValue = defineError({
  code: 'NCF_INVALID_VALUE',
  title: 'Invalid value',
  status: 400,
  message: (table: string, column: string, reason: string) =>
    `Invalid value for ${table}.${column}: ${reason}.`,
  hint: () =>
    'Send a value of the column type shown in the table schema (or null where the column is nullable).',
});

/** The write targets a row that does not exist (stale or wrong key). */
export const RowNotFound = defineError({
  code: 'NCF_ROW_NOT_FOUND',
  title: 'Row not found',
  status: 404,
  message: (table: string, key: string) => `No row of ${table} has the key ${key}.`,
  hint: () => 'The row may have been changed or deleted meanwhile: reload and try again.',
});

/** A database constraint (unique, foreign key, not null, check) refused the write. */
export const ConstraintViolation = defineError({
  code: 'NCF_CONSTRAINT_VIOLATION',
  title: 'Constraint violated',
  status: 409,
  message: (table: string, reason: string) => `The database refused the write to ${table}: ${reason}.`,
  hint: () => 'Change the values so that they satisfy the table constraints shown in its schema.',
});

/** The datasource or table cannot be written. */
export const ReadOnly = defineError({
  code: 'NCF_READ_ONLY',
  title: 'Read-only',
  status: 405,
  message: (target: string, reason: string) => `${target} cannot be written: ${reason}.`,
  hint: () => 'Write to a base table with a primary key, through a datasource opened for writing.',
});

/**
 * The datasource cannot do what was asked in this form: a filter operator, sort or
 * aggregate it has no way to run where the data lives (a REST API that filters on some
 * fields only). It refuses rather than fake the answer over part of the data.
 */
export const Unsupported = defineError({
  code: 'NCF_UNSUPPORTED',
  title: 'Not supported by this datasource',
  status: 501,
  message: (target: string, what: string, _hint?: string) => `${target} does not support ${what}.`,
  hint: (_target: string, _what: string, hint?: string) =>
    hint ??
    'Ask for what the datasource supports (its table schema and README list it), or read the data through another datasource.',
});

/** A plugin vetoed a write through the `beforeWrite` hook. */
export const WriteVetoed = defineError({
  code: 'NCF_WRITE_VETOED',
  title: 'Write refused by a plugin',
  status: 403,
  message: (plugin: string, reason: string) => `${plugin} refused the write: ${reason}`,
  hint: (plugin: string) => `Ask whoever configures ${plugin}; nothing was changed.`,
});

/** The datasource has been closed. */
export const DatasourceClosed = defineError({
  code: 'NCF_DATASOURCE_CLOSED',
  title: 'Datasource closed',
  status: 503,
  message: (url: string, operation: string) => `Cannot ${operation}: the datasource ${url} is closed.`,
  hint: () => 'Open the datasource again (host.datasources.open(url)).',
});

/** Connecting to a database failed. */
export const ConnectionFailed = defineError({
  code: 'NCF_CONNECTION_FAILED',
  title: 'Could not connect',
  status: 502,
  message: (url: string, reason: string, _hint?: string) => `Could not connect to ${url}: ${reason}.`,
  hint: (_url: string, _reason: string, hint?: string) =>
    hint ?? 'Check the URL, that the server runs and that the credentials are right.',
});

/** A driver error nocoflo has no more specific code for. */
export const DatasourceError = defineError({
  code: 'NCF_DATASOURCE_ERROR',
  title: 'Database error',
  status: 500,
  message: (operation: string, reason: string) => `${operation} failed in the database: ${reason}.`,
  hint: () => 'See the cause in the host log.',
});

// ── HTTP and operations ──────────────────────────────────────────────────────

/** Every connection a datasource (or the host) may hold is in use: the request is refused rather than queued. */
export const DatasourceBusy = defineError({
  code: 'NCF_DATASOURCE_BUSY',
  title: 'Datasource busy',
  status: 503,
  message: (datasource: string, reason: string) => `${datasource} is busy: ${reason}.`,
  hint: () =>
    'Retry in a moment. Operators raise pool_max / pool_queue in the datasource URL or the host-wide maxDatasourceConnections, or look for slow queries holding connections.',
});

/** A request's input failed validation. */
export const BadRequest = defineError({
  code: 'NCF_BAD_REQUEST',
  title: 'Bad request',
  status: 400,
  message: (reason: string) => `The request is invalid: ${reason}.`,
  hint: () => 'See the API reference for the expected body and parameters.',
});

/** The admin token is missing or wrong. */
export const Unauthorized = defineError({
  code: 'NCF_UNAUTHORIZED',
  title: 'Admin token required',
  status: 401,
  message: (reason: string) => `This request needs the admin token: ${reason}.`,
  hint: () =>
    'Send `Authorization: Bearer <token>`; the token is in NOCOFLO_ADMIN_TOKEN or the file the host printed at first start.',
});

/** Too many failed authentications from one client address: it must wait before trying again. */
export const RateLimited = defineError({
  code: 'NCF_RATE_LIMITED',
  title: 'Too many failed attempts',
  status: 429,
  message: (retryAfterSeconds: number) =>
    `Too many failed authentications from this address; try again in ${retryAfterSeconds} s.`,
  hint: () =>
    'Check the token you send (Authorization: Bearer <token>) and wait for the time in the Retry-After header; operators set the limit with the server option authRateLimit.',
});

/** The caller lacks a permission a plugin route requires. */
export const Forbidden = defineError({
  code: 'NCF_FORBIDDEN',
  title: 'Permission required',
  status: 403,
  message: (permission: string) => `This needs the permission "${permission}".`,
  hint: () => 'Ask an administrator to grant the permission.',
});

/** A request named a `Host` the operator did not allow (DNS rebinding looks like this). */
export const HostNotAllowed = defineError({
  code: 'NCF_HOST_NOT_ALLOWED',
  title: 'Host not allowed',
  status: 403,
  message: (host: string, allowed: readonly string[]) =>
    `The request was addressed to the host "${host}", which this server does not answer (it answers ${list(allowed)}).`,
  hint: (host: string) =>
    `If "${host}" is a name of this server, start it with \`--allowed-host ${host.replace(/:\d+$/, '')}\`; otherwise open the server by one of the allowed names.`,
});

/** A mutating request came from another site (its `Origin` or `Sec-Fetch-Site` says so). */
export const CrossSiteRefused = defineError({
  code: 'NCF_CROSS_SITE_REFUSED',
  title: 'Cross-site request refused',
  status: 403,
  message: (origin: string, host: string) =>
    `A change was sent from ${origin}, which is not this server (${host}); nothing was changed.`,
  hint: () =>
    'Make changes from the nocoflo pages themselves, or from a script that sends an API token in `Authorization: Bearer <token>` and no foreign Origin.',
});

/** A request that needs someone signed in (or an API token) came without either. */
export const SignInRequired = defineError({
  code: 'NCF_SIGN_IN_REQUIRED',
  title: 'Sign-in required',
  status: 401,
  message: (what: string) => `${what} needs you to be signed in.`,
  hint: () =>
    'Sign in at /sign-in, or send an API token as `Authorization: Bearer <token>` (create one on the admin users page or with `nocoflo users`).',
});

/** The actor's role or grants do not allow what the request does. */
export const NotAllowed = defineError({
  code: 'NCF_NOT_ALLOWED',
  title: 'Not allowed',
  status: 403,
  message: (actor: string, action: string) => `${actor} may not ${action}.`,
  hint: () => 'Ask an administrator for a role or grant that allows it.',
});

/** A signed-in write came without the page's CSRF token. */
export const CsrfRefused = defineError({
  code: 'NCF_CSRF_REFUSED',
  title: 'CSRF token missing or wrong',
  status: 403,
  message: (reason: string) => `The change was refused: ${reason}; nothing was changed.`,
  hint: () =>
    'Reload the page and try again (its token may have expired); scripts send an API token as `Authorization: Bearer <token>` instead.',
});

/** A write named a row version that is no longer current (someone changed the row since). */
export const RowChanged = defineError({
  code: 'NCF_ROW_CHANGED',
  title: 'Row changed meanwhile',
  status: 409,
  message: (table: string, key: string) =>
    `The row ${key} of ${table} changed since you read it; your change was not applied.`,
  hint: () =>
    'Look at the current values (in `details.current`), then apply your change again on top of them.',
});

/**
 * The setup link (or another host's) already created the first admin: a setup link creates
 * one first admin, once, across every host sharing the store.
 */
export const SetupDone = defineError({
  code: 'NCF_SETUP_DONE',
  title: 'First admin already created',
  status: 409,
  message: () =>
    "The first admin was already created (through this setup link or another host's); this link creates no other account.",
  hint: () =>
    'Sign in at /sign-in; more accounts are added by an admin on /admin/users or with `nocoflo users add`.',
});

/** A user name that does not exist. */
export const UserNotFound = defineError({
  code: 'NCF_USER_NOT_FOUND',
  title: 'No such user',
  status: 404,
  message: (name: string) => `There is no user named "${name}".`,
  hint: () => 'List the users with `nocoflo users list` or on the admin users page.',
});

/** The server cannot start as asked (e.g. reachable from the network with no user). */
export const ServeRefused = defineError({
  code: 'NCF_SERVE_REFUSED',
  title: 'Refusing to serve',
  status: 400,
  message: (reason: string, _hint: string) => `nocoflo will not serve: ${reason}.`,
  hint: (_reason: string, hint: string) => hint,
});

// ── Operations: metadata store, migrations, install ─────────────────────────

/** The metadata store could not be opened, read or written. */
export const MetadataStoreFailed = defineError({
  code: 'NCF_METADATA_STORE_FAILED',
  title: 'Metadata store unavailable',
  status: 503,
  message: (location: string, operation: string, reason: string) =>
    `The metadata store ${location} failed to ${operation}: ${reason}.`,
  hint: (location: string) =>
    location.startsWith('postgres')
      ? 'Check that PostgreSQL runs, that the URL and credentials are right and that the user may create tables.'
      : 'Check that the data folder exists and is writable, and that the file is a nocoflo metadata database.',
});

/** A plugin's data namespace (its SQLite file, or its PostgreSQL schema and role) could not be prepared or used. */
export const NamespaceFailed = defineError({
  code: 'NCF_NAMESPACE_FAILED',
  title: 'Plugin data namespace unavailable',
  status: 503,
  message: (plugin: string, location: string, operation: string, reason: string) =>
    `${plugin}'s data namespace ${location} failed to ${operation}: ${reason}.`,
  hint: (_plugin: string, location: string) =>
    location.startsWith('schema ')
      ? "Check that the store's PostgreSQL user may create roles and schemas (CREATEROLE, and CREATE on the database), and that the server lets the new role log in (pg_hba.conf)."
      : "Check that the plugin's data folder exists and is writable by the host.",
});

/** A plugin's SQL tried something a plugin namespace does not allow. */
export const SqlRefused = defineError({
  code: 'NCF_SQL_REFUSED',
  title: 'Plugin SQL refused',
  status: 400,
  message: (plugin: string, where: string, reason: string) =>
    `${plugin}'s SQL in ${where} was refused: ${reason}.`,
  hint: () =>
    "A plugin's SQL runs in its own namespace, inside a transaction the host controls: ATTACH / DETACH, VACUUM, load_extension and BEGIN / COMMIT / ROLLBACK / SAVEPOINT are not allowed. Use ctx.database.transaction([...]) to run several statements atomically.",
});

/** A secret value could not be encrypted or decrypted (missing or wrong key). */
export const SecretUnavailable = defineError({
  code: 'NCF_SECRET_UNAVAILABLE',
  title: 'Secret cannot be read',
  status: 503,
  message: (what: string, reason: string) => `${what} could not be decrypted: ${reason}.`,
  hint: () =>
    'Start the host with the key the secrets were encrypted with: NOCOFLO_SECRET_KEY (or NOCOFLO_SECRET_KEY_FILE), with the previous key in NOCOFLO_SECRET_KEY_PREVIOUS while rotating; without either, the host uses the secret.key file in its data folder. Or set the secret again.',
});

/** A secret was given where it would leak (the command line), or a key is malformed. */
export const SecretRefused = defineError({
  code: 'NCF_SECRET_REFUSED',
  title: 'Secret refused',
  status: 400,
  message: (what: string, reason: string) => `${what} was refused: ${reason}.`,
  hint: () =>
    'Pass secrets through the environment or a file readable only by the host (chmod 600), never as a command-line argument: other users and every child process can read the command line.',
});

/** A plugin migration already applied has changed on disk since. */
export const MigrationChanged = defineError({
  code: 'NCF_MIGRATION_CHANGED',
  title: 'Applied migration was modified',
  status: 409,
  message: (plugin: string, file: string, applied: string, now: string) =>
    `${plugin}'s migration ${file} was applied with checksum ${applied.slice(0, 12)}…, but the file now has checksum ${now.slice(0, 12)}….`,
  hint: (_plugin: string, file: string) =>
    `Restore ${file} to the version that was applied and put the change in a new migration file with the next number.`,
});

/** A plugin migration failed; it was rolled back. */
export const MigrationFailed = defineError({
  code: 'NCF_MIGRATION_FAILED',
  title: 'Plugin migration failed',
  status: 500,
  message: (plugin: string, file: string, reason: string) =>
    `${plugin}'s migration ${file} failed and was rolled back: ${reason}.`,
  hint: (_plugin: string, file: string) =>
    `Fix the SQL in ${file} (it has not been recorded as applied), then reload the plugin.`,
});

/** The plugin's namespace has migrations applied that this version of the plugin does not have. */
export const MigrationAhead = defineError({
  code: 'NCF_MIGRATION_AHEAD',
  title: 'Store ahead of the plugin',
  status: 409,
  message: (plugin: string, version: string, migrations: readonly string[]) =>
    `${plugin}@${version} cannot run: its data has migration${migrations.length === 1 ? '' : 's'} ${migrations.join(', ')} applied, which this version does not have (a newer version applied ${migrations.length === 1 ? 'it' : 'them'}).`,
  hint: (plugin: string) =>
    `Install the version of ${plugin} that applied them (fixed), or restore the plugin's data from a backup taken before the upgrade; a plugin never runs on data migrated past what it knows.`,
});

/** The migrations folder of a plugin holds something that is not a well-formed migration. */
export const MigrationInvalid = defineError({
  code: 'NCF_MIGRATION_INVALID',
  title: 'Invalid migrations folder',
  status: 400,
  message: (plugin: string, reason: string) => `${plugin}'s migrations are invalid: ${reason}.`,
  hint: () =>
    'Name migrations NNNN_name.sql (optionally NNNN_name.sqlite.sql / NNNN_name.postgres.sql), one number per migration.',
});

/** A plugin archive or npm spec was refused before anything was replaced. */
export const InstallRejected = defineError({
  code: 'NCF_INSTALL_REJECTED',
  title: 'Plugin package refused',
  status: 400,
  message: (source: string, reason: string) =>
    `Refused to install ${source}: ${reason}. Nothing was changed.`,
  hint: () =>
    'Install a tarball made by `npm pack` of a nocoflo plugin (package/package.json with a valid "nocoflo" field), at most the size limit.',
});

/** A plugin asks for manifest permissions the operator has not approved; nothing was installed. */
export const PermissionsNotApproved = defineError({
  code: 'NCF_PERMISSIONS_NOT_APPROVED',
  title: 'Plugin permissions not approved',
  status: 403,
  message: (plugin: string, asks: readonly string[]) =>
    `${plugin} asks for permissions that were not approved: ${list(asks)}. Nothing was changed.`,
  hint: () =>
    'Review what the plugin asks for, then approve it: answer the prompt of `nocoflo plugins install`, pass `--approve-permissions` (scripts), or send `approvePermissions` (the permissions shown in `details.permissions`) to `POST /admin/plugins/install`.',
});

/** An isolation level or heap limit was refused for a plugin. */
export const IsolationRefused = defineError({
  code: 'NCF_ISOLATION_REFUSED',
  title: 'Isolation setting refused',
  status: 400,
  message: (plugin: string, reason: string) => `Cannot change where ${plugin} runs: ${reason}.`,
  hint: (plugin: string) =>
    `Levels are worker (default), process and inline; inline runs the plugin in the host's own process and needs the operator to name it trusted: \`nocoflo plugins set-isolation ${plugin} inline --trusted\`.`,
});

/** Installing a plugin failed after it was validated; the previous version was kept. */
export const InstallFailed = defineError({
  code: 'NCF_INSTALL_FAILED',
  title: 'Plugin install failed',
  status: 500,
  message: (source: string, reason: string) =>
    `Installing ${source} failed: ${reason}. The previous version (if any) is still in place.`,
  hint: () => 'See the cause in the host log; fix it and install again.',
});

/** A plugin cannot be uninstalled (registered in code, or outside the plugin folder). */
export const UninstallRefused = defineError({
  code: 'NCF_UNINSTALL_REFUSED',
  title: 'Plugin cannot be uninstalled',
  status: 409,
  message: (plugin: string, reason: string) => `Cannot uninstall ${plugin}: ${reason}.`,
  hint: () =>
    "Remove it where it comes from (the host code, or the app's package.json with `npm uninstall`).",
});

/** No plugin route matches the request. */
export const RouteNotFound = defineError({
  code: 'NCF_ROUTE_NOT_FOUND',
  title: 'No such plugin route',
  status: 404,
  message: (method: string, path: string) => `No enabled plugin answers ${method} ${path}.`,
  hint: () => 'Check the plugin name and path, and that the plugin is enabled (`nocoflo plugins list`).',
});

/** The config file could not be read or does not have the expected shape. */
export const ConfigFileInvalid = defineError({
  code: 'NCF_CONFIG_FILE_INVALID',
  title: 'Invalid config file',
  status: 400,
  message: (path: string, reason: string) => `The config file ${path} is invalid: ${reason}.`,
  hint: () =>
    'Write a JSON object keyed by plugin name, e.g. { "plugins": { "@acme/audit": { "table": "orders" } } }.',
});

/** No page or API endpoint at this path. */
export const NotFound = defineError({
  code: 'NCF_NOT_FOUND',
  title: 'Not found',
  status: 404,
  message: (method: string, path: string) => `Nothing answers ${method} ${path}.`,
  hint: () => 'Check the address; the home page (/) lists every datasource and table.',
});

/** The server's URL names a datasource it does not serve. */
export const DatasourceNotFound = defineError({
  code: 'NCF_DATASOURCE_NOT_FOUND',
  title: 'Unknown datasource',
  status: 404,
  message: (id: string, known: readonly string[]) =>
    `There is no datasource ${JSON.stringify(id)}. Datasources: ${list(known)}.`,
  hint: () => 'Pick a datasource from the home page, or pass its URL to `nocoflo serve`.',
});

/** An unexpected failure inside the host; the cause is in the host log. */
export const InternalError = defineError({
  code: 'NCF_INTERNAL',
  title: 'Internal error',
  status: 500,
  message: (reason: string) => `Something unexpected failed: ${reason}.`,
  hint: () => 'See the host log for the cause; if it persists, report it with the log lines.',
});

/** `nocoflo plugin init` cannot write the new plugin package where it was asked to. */
export const ScaffoldRefused = defineError({
  code: 'NCF_SCAFFOLD_REFUSED',
  title: 'Cannot create the plugin package',
  status: 400,
  message: (dir: string, reason: string, _hint: string) =>
    `Cannot create a plugin package in ${dir}: ${reason}.`,
  hint: (_dir: string, _reason: string, hint: string) => hint,
});

/**
 * A view declares an asset (`assets` of its definition) that its package cannot serve: the
 * file is missing, lies outside the package, or is left out of the published tarball.
 */
export const ViewAssetInvalid = defineError({
  code: 'NCF_VIEW_ASSET_INVALID',
  title: 'A view asset is missing',
  status: 400,
  message: (plugin: string, view: string, asset: string, reason: string) =>
    `${plugin}'s view "${view}" declares the asset ${asset}, but ${reason}.`,
  hint: () =>
    'List assets relative to the package folder (e.g. ./assets/view.js), keep the files there, and include their folder in package.json "files" (e.g. ["dist", "assets"]).',
});

/** A testing-kit function needs a real host, and `@nocoflo/host` (its optional peer) is not installed. */
export const TestHostUnavailable = defineError({
  code: 'NCF_TEST_HOST_UNAVAILABLE',
  title: 'The test host is not installed',
  status: 500,
  message: (what: string) => `${what} runs a real nocoflo host, and @nocoflo/host is not installed.`,
  hint: () =>
    'Install it next to @nocoflo/testing: npm install --save-dev @nocoflo/host (a plugin whose views are declared statically needs none).',
});

/** The catalog, keyed by name. */
export const Errors = {
  PackageJsonUnreadable,
  ManifestInvalid,
  HostRangeUnsatisfied,
  DuplicatePlugin,
  AmbiguousPlugin,
  EntryNotFound,
  EntryLoadFailed,
  EntryNotPlugin,
  DependencyMissing,
  DependencyVersionMismatch,
  DependencyCycle,
  DependencyFailed,
  DependencyDisabled,
  HasEnabledDependents,
  PluginCallbackFailed,
  PluginCallbackTimeout,
  PluginConfigInvalid,
  PluginNotFound,
  InvalidPluginState,
  ContextDisposed,
  UnknownHook,
  ContributionConflict,
  SchemeConflict,
  SchemeUnknown,
  NoViewForTable,
  TableNotFound,
  ColumnNotFound,
  InvalidQuery,
  InvalidValue,
  RowNotFound,
  ConstraintViolation,
  ReadOnly,
  Unsupported,
  WriteVetoed,
  DatasourceClosed,
  ConnectionFailed,
  DatasourceBusy,
  DatasourceError,
  BadRequest,
  Unauthorized,
  RateLimited,
  Forbidden,
  HostNotAllowed,
  CrossSiteRefused,
  SignInRequired,
  NotAllowed,
  CsrfRefused,
  RowChanged,
  SetupDone,
  UserNotFound,
  ServeRefused,
  MetadataStoreFailed,
  MigrationChanged,
  MigrationAhead,
  MigrationFailed,
  MigrationInvalid,
  NamespaceFailed,
  SqlRefused,
  SecretUnavailable,
  SecretRefused,
  InstallRejected,
  PermissionsNotApproved,
  IsolationRefused,
  InstallFailed,
  UninstallRefused,
  RouteNotFound,
  ConfigFileInvalid,
  NotFound,
  DatasourceNotFound,
  InternalError,
  ScaffoldRefused,
  TestHostUnavailable,
  ViewAssetInvalid,
} as const;
