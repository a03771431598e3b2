/**
 * The `inline` runtime: the plugin's code runs in the host's own realm, as trusted code.
 * Only for plugins the operator names trusted (and plugins registered in code, which are
 * already in the host's realm).
 */
import type { NocofloPlugin } from '@nocoflo/sdk';
import type { Contribution } from '../lifecycle/contribution.js';
import { runPluginCallback } from './callback.js';
import { PluginScope } from './plugin-scope.js';
import type { LifecycleCallbackName, LoadedPlugin, PluginRuntime, RuntimeOptions } from './types.js';

/** Options of {@link InlineRuntime}. */
export interface InlineRuntimeOptions extends RuntimeOptions {
  /** Loads the plugin's definition (imports its entry, or returns the one registered in code). */
  loadDefinition(): Promise<NocofloPlugin>;
}

/** Runs a plugin in the host's realm. */
export class InlineRuntime implements PluginRuntime {
  readonly level = 'inline' as const;
  #definition: NocofloPlugin | undefined;
  #scope: PluginScope | undefined;

  constructor(private readonly options: InlineRuntimeOptions) {}

  async load(): Promise<LoadedPlugin> {
    this.#definition ??= await this.options.loadDefinition();
    const definition = this.#definition;
    return {
      ...(definition.config ? { config: definition.config } : {}),
      permissions: [...(definition.permissions ?? [])],
    };
  }

  async setup(config: unknown): Promise<void> {
    const definition = this.requireDefinition();
    const { onFailure, ...rest } = this.options;
    this.#scope = new PluginScope({
      ...rest,
      config,
      definition,
      onError: (error) => onFailure('a timer callback', error),
    });
    const scope = this.#scope;
    await scope.inSetupPhase(() => this.call('setup'));
  }

  async enable(): Promise<void> {
    this.requireScope().activate();
    await this.call('enable');
  }

  async disable(): Promise<void> {
    await this.requireScope().deactivate();
    await this.call('disable');
  }

  async teardown(): Promise<void> {
    await this.call('teardown');
  }

  async dispose(): Promise<void> {
    await this.#scope?.dispose();
  }

  attachedContributions(): readonly Contribution[] {
    return this.#scope?.attachedContributions() ?? [];
  }

  private call(name: LifecycleCallbackName): Promise<void> {
    const fn = this.#definition?.[name];
    const scope = this.#scope;
    if (!fn || !scope) return Promise.resolve();
    return runPluginCallback(this.options.name, name, this.options.callbackTimeoutMs, () =>
      fn(scope.context as never),
    );
  }

  private requireDefinition(): NocofloPlugin {
    if (!this.#definition) throw new Error(`nocoflo: ${this.options.name} was not loaded`);
    return this.#definition;
  }

  private requireScope(): PluginScope {
    if (!this.#scope) throw new Error(`nocoflo: ${this.options.name} was not set up`);
    return this.#scope;
  }
}
