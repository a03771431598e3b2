/**
 * The plugin table: every plugin the host knows, by name, and the questions the lifecycle
 * asks about them (start order, dependents, what holds a plugin back).
 */
import { Errors, NocofloError, type PermissionDefinition } from '@nocoflo/sdk';
import { dependentsOf, type OrderNode, orderPlugins } from './order.js';
import type { PluginRecord } from './plugin-record.js';

/** The host's plugin records. */
export class PluginTable {
  readonly #records = new Map<string, PluginRecord>();

  /** The record of `name`, if known. */
  get(name: string): PluginRecord | undefined {
    return this.#records.get(name);
  }

  /** The record of `name`; throws `NCF_PLUGIN_NOT_FOUND` naming the known plugins. */
  require(name: string): PluginRecord {
    const record = this.#records.get(name);
    if (!record) throw NocofloError.create(Errors.PluginNotFound, [name, [...this.#records.keys()].sort()]);
    return record;
  }

  has(name: string): boolean {
    return this.#records.has(name);
  }

  set(record: PluginRecord): void {
    this.#records.set(record.name, record);
  }

  delete(name: string): void {
    this.#records.delete(name);
  }

  get size(): number {
    return this.#records.size;
  }

  /** Every record, in insertion order. */
  all(): PluginRecord[] {
    return [...this.#records.values()];
  }

  /** Every record, by name. */
  sorted(): PluginRecord[] {
    return this.all().sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Every record in dependency order (plugins outside the order, e.g. in a cycle, last by name). */
  startOrder(): PluginRecord[] {
    const records = this.all();
    const { order } = orderPlugins(
      records.map((r) => ({ name: r.name, version: r.version, dependencies: r.dependencies })),
    );
    const rest = records
      .filter((r) => !order.includes(r.name))
      .map((r) => r.name)
      .sort();
    return [...order, ...rest].map((name) => this.#records.get(name)!);
  }

  /** The node `orderPlugins` judges a record by: a running plugin keeps only its discovery error. */
  orderNode(record: PluginRecord): OrderNode {
    const running = record.state === 'enabled' || record.runtime !== undefined;
    const discoveryError = record.state === 'discovered' || running ? record.error : undefined;
    return {
      name: record.name,
      version: record.version,
      dependencies: record.dependencies,
      ...(discoveryError
        ? { error: discoveryError }
        : record.state === 'failed' && record.error
          ? { error: record.error }
          : {}),
    };
  }

  /** Orders every record; the failed ones with their reason. */
  order(): ReturnType<typeof orderPlugins> {
    return orderPlugins(this.all().map((record) => this.orderNode(record)));
  }

  /** Whether any plugin is held back by `name` (waits for it to be enabled again). */
  holdsBack(name: string): boolean {
    for (const record of this.#records.values()) if (record.blockedBy === name) return true;
    return false;
  }

  /** A dependency that is not enabled (failed or disabled), if any. */
  blockingDependency(record: PluginRecord): PluginRecord | undefined {
    for (const name of Object.keys(record.dependencies).sort()) {
      const dependency = this.#records.get(name);
      if (dependency && dependency.state !== 'enabled') return dependency;
    }
    return undefined;
  }

  /** The enabled plugins that depend on `record`, directly or not, in start order. */
  enabledDependents(record: PluginRecord): PluginRecord[] {
    const nodes = this.all().map((r) => ({ name: r.name, version: r.version, dependencies: r.dependencies }));
    const names = new Set(dependentsOf(record.name, nodes));
    if (names.size === 0) return []; // the common case: no start order to compute
    return this.startOrder().filter((r) => names.has(r.name) && r.state === 'enabled');
  }

  /** The dependency chain from `record` down to `target`, both included. */
  chainDown(record: PluginRecord, target: string): string[] {
    const chain = [record.name];
    let current: PluginRecord | undefined = record;
    while (current && current.name !== target && chain.length <= this.#records.size) {
      const next: string = current.blockedBy ?? target;
      chain.push(next);
      current = this.#records.get(next);
    }
    return chain;
  }

  /** Every permission declared by an enabled plugin. */
  declaredPermissions(): (PermissionDefinition & { plugin: string })[] {
    return this.all()
      .filter((record) => record.state === 'enabled')
      .flatMap((record) =>
        (record.loaded?.permissions ?? record.definition?.permissions ?? []).map((permission) => ({
          ...permission,
          plugin: record.name,
        })),
      );
  }
}
