import { Errors, NocofloError } from '@nocoflo/sdk';

/** Services plugins provide to each other, by name. */
export class ServiceRegistryImpl {
  readonly #services = new Map<string, { plugin: string; service: unknown }>();

  /** Provides a service; throws `NCF_CONTRIBUTION_CONFLICT` when another plugin has the name. */
  add(plugin: string, name: string, service: unknown): void {
    const existing = this.#services.get(name);
    if (existing && existing.plugin !== plugin) {
      throw NocofloError.create(Errors.ContributionConflict, ['service', name, existing.plugin, plugin]);
    }
    this.#services.set(name, { plugin, service });
  }

  /** Withdraws a service if `plugin` provides it. */
  remove(plugin: string, name: string): void {
    if (this.#services.get(name)?.plugin === plugin) this.#services.delete(name);
  }

  /** The service, or undefined. */
  get(name: string): unknown {
    return this.#services.get(name)?.service;
  }
}
