/**
 * What the host persists between runs: which plugins an operator enabled or disabled, and
 * per-plugin config. The default store keeps this in memory; `@nocoflo/host` also ships a
 * SQLite file store and a PostgreSQL store for several hosts (see `openMetadataStore`).
 */
import type { IsolationLevel, PluginPermissions } from '@nocoflo/sdk';
import type { NamespaceOptions, PluginNamespace } from '../namespaces/types.js';
import type {
  AppliedMigration,
  ApplyMigrationOutcome,
  MetadataDialect,
  MetadataStore,
  PendingMigration,
} from './metadata.js';

/** The persisted choice for one plugin. */
export interface StoredPluginState {
  /** Plugin name. */
  name: string;
  /** Version last seen. */
  version: string;
  /** Whether the operator wants it enabled. A plugin seen for the first time is enabled. */
  enabled: boolean;
  /** When the plugin was first seen (ISO 8601). */
  firstSeenAt: string;
  /** When the choice last changed (ISO 8601). */
  updatedAt: string;
}

/** Manifest permissions an operator approved for a plugin. */
export interface PermissionApproval {
  /** What was approved (the manifest's `permissions`, defaults applied). */
  permissions: PluginPermissions;
  /** The plugin version whose manifest asked for them. */
  version: string;
  /** Who approved: `cli`, `admin-token`, `user:<name>`, … */
  by: string;
  /** When (ISO 8601). */
  at: string;
}

/**
 * What the operator decided about a plugin's code: where it runs (set with `nocoflo plugins
 * set-isolation`) and which of its manifest permissions were approved on install.
 */
export interface StoredPluginTrust {
  /** Plugin name. */
  name: string;
  /** The level set by the operator; wins over the config file and the default. */
  isolation?: IsolationLevel;
  /** The heap limit set by the operator, in MB; wins over the config file and the default. */
  maxHeapMb?: number;
  /** The last approval of its manifest permissions. */
  approved?: PermissionApproval;
  /** When a decision last changed (ISO 8601). */
  updatedAt: string;
}

/** A change of {@link StoredPluginTrust}'s runtime part: a value sets, `null` clears, absent keeps. */
export interface PluginIsolationChange {
  /** The level, or `null` to fall back to the config file and the default. */
  isolation?: IsolationLevel | null;
  /** The heap limit in MB, or `null` to fall back. */
  maxHeapMb?: number | null;
}

/**
 * The plugin-data part of a store: each plugin's own namespace and the records of the
 * migrations applied in it. The metadata stores and the in-memory store have it.
 */
export interface PluginDataStore {
  /** The SQL dialect of the plugins' namespaces, which picks `.sqlite.sql` / `.postgres.sql` migration variants. */
  readonly dialect: MetadataDialect;
  /** Migrations recorded as applied for a plugin, in id order. */
  appliedMigrations(plugin: string): Promise<AppliedMigration[]>;
  /**
   * Applies a migration in the plugin's namespace and records it, under a lock per plugin so
   * that hosts sharing the store apply it once: `namespace.migrate` commits the SQL (moving
   * the namespace's mark), then the record commits. A host killed between the two finds the
   * mark on its next start and records the migration without running it again.
   */
  applyMigration(
    plugin: string,
    migration: PendingMigration,
    namespace: PluginNamespace,
  ): Promise<ApplyMigrationOutcome>;
  /**
   * Opens the plugin's own data namespace, creating it when missing: a SQLite file in its
   * data folder, or a PostgreSQL schema owned by a role of its own that has no privilege on
   * the host's schema or on another plugin's.
   */
  openNamespace(plugin: string, options: NamespaceOptions): Promise<PluginNamespace>;
  /** Moves objects a plugin's migrations created in the host's store into its namespace (see {@link MetadataStore.adoptLegacyObjects}). */
  adoptLegacyObjects?(
    plugin: string,
    migrations: readonly PendingMigration[],
    namespace: PluginNamespace,
  ): Promise<string[]>;
}

/** Whether a store keeps plugin namespaces and migration records. */
export function isPluginDataStore(
  store: PluginStateStore | undefined | null,
): store is PluginStateStore & PluginDataStore {
  return (
    typeof store === 'object' &&
    store !== null &&
    typeof (store as Partial<PluginDataStore>).openNamespace === 'function' &&
    typeof (store as Partial<PluginDataStore>).applyMigration === 'function'
  );
}

/** A plugin package installed at runtime, as the store records it (without its bytes). */
export interface InstalledPackage {
  /** Package (plugin) name. */
  name: string;
  /** Package version. */
  version: string;
  /** `sha512-<base64>` of the tarball, npm's integrity notation. */
  integrity: string;
  /** Tarball size in bytes. */
  size: number;
  /** The permissions the operator approved for it (its manifest's, normalised), when recorded. */
  permissions?: PluginPermissions;
  /** When it was installed (ISO 8601). */
  installedAt: string;
}

/** An installed package with its tarball. */
export interface StoredPackage extends InstalledPackage {
  /** The tarball's bytes (an `npm pack` archive). */
  tarball: Uint8Array;
}

/**
 * The installed-packages part of a store: each plugin installed at runtime, with its
 * tarball, so that every host sharing the store installs the same bytes. The SQLite and
 * PostgreSQL stores have it; writes notify the other hosts (kind `package`).
 */
export interface PackageStore {
  /** Every installed package, by name order (without tarballs). */
  listInstalledPackages(): Promise<InstalledPackage[]>;
  /** One installed package with its tarball, or undefined. */
  readInstalledPackage(name: string): Promise<StoredPackage | undefined>;
  /**
   * Records an install or upgrade (replacing the previous record); notifies other hosts when
   * the integrity changed. Returns whether anything changed.
   */
  writeInstalledPackage(pkg: Omit<StoredPackage, 'installedAt'>): Promise<boolean>;
  /** Records an uninstall; notifies other hosts. Returns whether the package was recorded. */
  deleteInstalledPackage(name: string): Promise<boolean>;
  /** A stable id of the store (created once), which installed folders remember. */
  storeId(): Promise<string>;
}

/** Whether a store records installed packages. */
export function isPackageStore(
  store: PluginStateStore | undefined | null,
): store is PluginStateStore & PackageStore {
  return (
    typeof store === 'object' &&
    store !== null &&
    typeof (store as Partial<PackageStore>).writeInstalledPackage === 'function' &&
    typeof (store as Partial<PackageStore>).readInstalledPackage === 'function'
  );
}

/** What another host changed: a plugin's enabled state, its config, or its installed package. */
export type ExternalChangeKind = 'state' | 'config' | 'package';

/** The plugin-state part of the metadata store, which the plugin lifecycle relies on. */
export interface PluginStateStore {
  /** Every stored plugin state, by name. */
  readPluginStates(): Promise<Map<string, StoredPluginState>>;
  /** Records a plugin's version and enabled choice (transactionally). */
  writePluginState(name: string, version: string, enabled: boolean): Promise<void>;
  /** The stored config of a plugin, or undefined when none was set. */
  readPluginConfig(name: string): Promise<unknown>;
  /** Stores a plugin's config (already validated). `undefined` removes it. */
  writePluginConfig(name: string, config: unknown): Promise<void>;
  /** Every plugin's stored isolation choice and approved permissions, by name (stores that keep them). */
  readPluginTrust?(): Promise<Map<string, StoredPluginTrust>>;
  /** Stores a plugin's isolation level and heap limit (see {@link PluginIsolationChange}); other hosts follow. */
  writePluginIsolation?(name: string, change: PluginIsolationChange): Promise<void>;
  /** Stores the permissions an operator approved for a plugin (replacing an earlier approval). */
  writePermissionApproval?(name: string, approval: Omit<PermissionApproval, 'at'>): Promise<void>;
  /**
   * Subscribes to changes made by other hosts sharing this store (PostgreSQL). Stores
   * that only one host can use may ignore it. Returns an unsubscribe function.
   */
  onExternalChange?(listener: (change: { plugin: string; kind: ExternalChangeKind }) => void): () => void;
  /** Releases the store. Idempotent. */
  close(): Promise<void>;
}
