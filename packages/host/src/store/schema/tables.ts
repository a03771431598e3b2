/**
 * The host's own tables, as the store's query builder (Kysely) sees them once every host
 * migration has run. Column values differ by dialect where the databases differ (booleans
 * are 0/1 and times are ISO text on SQLite; PostgreSQL has booleans, timestamptz and jsonb):
 * `codec.ts` converts them, so the store's queries are written once for both.
 */
import type { ColumnType } from 'kysely';

/** A time: ISO 8601 text is written; SQLite reads back text, PostgreSQL a `Date`. */
export type Time = ColumnType<string | Date, string, string>;
/** A boolean: SQLite stores 0/1, PostgreSQL a boolean. */
export type Bool = ColumnType<boolean | number, boolean | number, boolean | number>;
/** JSON: written as text; SQLite reads back text, PostgreSQL (jsonb) the parsed value. */
export type Json = ColumnType<unknown, string, string>;

/** Enabled/disabled choice and version last seen, per plugin. */
export interface PluginStateTable {
  name: string;
  version: string;
  enabled: Bool;
  first_seen_at: Time;
  updated_at: Time;
}

/** Per-plugin config set at runtime; secret fields are stored encrypted (see `secrets/`). */
export interface PluginConfigTable {
  name: string;
  config: Json;
  updated_at: Time;
}

/**
 * Applied plugin migrations, written by the host only. `location` says where the
 * migration ran: `plugin` (the plugin's own namespace) or `host` (the host's store, as
 * releases before namespaces did; such tables move to the plugin's namespace on its next start).
 */
export interface PluginMigrationsTable {
  plugin: string;
  id: string;
  file: string;
  checksum: string;
  applied_at: Time;
  location: ColumnType<string, string | undefined, string>;
}

/** The view chosen per table. */
export interface ViewPreferencesTable {
  key: string;
  view: string;
  updated_at: Time;
}

/** API tokens, by the sha256 of their secret; owned by a user since 0004 (older ones have none). */
export interface ApiTokensTable {
  id: string;
  name: string;
  secret_hash: string;
  permissions: Json;
  created_at: Time;
  user_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The role the token acts with (at most its owner's); null: the owner's. */
  role: ColumnType<string | null, string | null | undefined, string | null>;
  expires_at: ColumnType<string | Date | null, string | null | undefined, string | null>;
}

/** People who sign in. */
export interface UsersTable {
  id: string;
  name: string;
  role: string;
  /** `scrypt$N$r$p$salt$hash`, never the password. */
  password_hash: string;
  created_at: Time;
  updated_at: Time;
}

/** Sign-in sessions (the @fastify/session store), shared by hosts on one store. */
export interface SessionsTable {
  id: string;
  data: Json;
  user_id: string | null;
  expires_at: Time;
}

/** A grant narrows a user's role on one datasource, or one table of it (`*`: every table). */
export interface GrantsTable {
  id: string;
  user_id: string;
  datasource: string;
  table_name: string;
  /** `none`, `read` or `write`. */
  access: string;
  created_at: Time;
}

/** The view each user chose per table (the site default lives in `view_preferences`). */
export interface UserViewPreferencesTable {
  user_id: string;
  key: string;
  view: string;
  settings: ColumnType<unknown, string | null | undefined, string | null>;
  updated_at: Time;
}

/** The append-only audit trail: every write, config change, plugin action and sign-in. */
export interface AuditLogTable {
  id: string;
  at: Time;
  actor: string;
  action: string;
  datasource: string | null;
  table_name: string | null;
  row_key: ColumnType<unknown, string | null | undefined, never>;
  before: ColumnType<unknown, string | null | undefined, never>;
  after: ColumnType<unknown, string | null | undefined, never>;
  detail: ColumnType<unknown, string | null | undefined, never>;
}

/** Each plugin's data namespace: a SQLite file (`sqlite-file`) or a PostgreSQL schema and role (`postgres-schema`). */
export interface PluginNamespacesTable {
  plugin: string;
  kind: string;
  /** File path, or schema (= role) name. */
  name: string;
  created_at: Time;
}

/** Who changed which plugin's config, and when (values are not kept here). */
export interface PluginConfigChangesTable {
  id: string;
  plugin: string;
  changed_at: Time;
  /** Who: `admin-token`, `api-token:<name>`, `cli`, … */
  actor: string;
  /** Top-level fields whose value changed, JSON array of dotted paths. */
  fields: Json;
}

/** Small host settings: the id of the key secrets are encrypted with, the namespace password seed. */
export interface StoreSettingsTable {
  key: string;
  value: string;
  updated_at: Time;
}

/**
 * Plugins installed at runtime, with their tarball: what every host sharing the store
 * installs. `integrity` is `sha512-<base64>` of the tarball (npm's notation).
 */
export interface InstalledPackagesTable {
  name: string;
  version: string;
  integrity: string;
  size: number;
  tarball: Uint8Array;
  /** Permissions the operator approved (JSON array), or null. */
  permissions: ColumnType<unknown, string | null | undefined, string | null>;
  installed_at: Time;
}

/**
 * The operator's decisions about a plugin's code (since 0006): the level and heap limit set
 * with `nocoflo plugins set-isolation` (null: the config file's or the default), and the
 * manifest permissions approved on install.
 */
export interface PluginTrustTable {
  name: string;
  isolation: string | null;
  max_heap_mb: number | null;
  approved_permissions: ColumnType<unknown, string | null | undefined, string | null>;
  approved_version: string | null;
  approved_by: string | null;
  approved_at: ColumnType<string | Date | null, string | null | undefined, string | null>;
  updated_at: Time;
}

/** Every host table, by name. */
export interface HostTables {
  plugin_state: PluginStateTable;
  plugin_config: PluginConfigTable;
  plugin_migrations: PluginMigrationsTable;
  view_preferences: ViewPreferencesTable;
  api_tokens: ApiTokensTable;
  plugin_namespaces: PluginNamespacesTable;
  plugin_config_changes: PluginConfigChangesTable;
  store_settings: StoreSettingsTable;
  users: UsersTable;
  sessions: SessionsTable;
  grants: GrantsTable;
  user_view_preferences: UserViewPreferencesTable;
  audit_log: AuditLogTable;
  installed_packages: InstalledPackagesTable;
  plugin_trust: PluginTrustTable;
}

/** Names of the host's tables (and the migrator's), which plugin SQL may never touch or adopt. */
export const HOST_TABLE_NAMES: readonly string[] = [
  'plugin_state',
  'plugin_config',
  'plugin_migrations',
  'view_preferences',
  'api_tokens',
  'plugin_namespaces',
  'plugin_config_changes',
  'store_settings',
  'users',
  'sessions',
  'grants',
  'user_view_preferences',
  'audit_log',
  'installed_packages',
  'plugin_trust',
  'host_migrations',
  'host_migrations_lock',
];
