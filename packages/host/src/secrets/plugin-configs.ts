/**
 * Plugin config as the host reads and writes it: stored config (else the host's config
 * file value), with secret fields sealed at rest, opened only for the plugin, kept when a
 * write leaves them out, validated with path-precise errors, and every change recorded with
 * who made it and when.
 */
import { Errors, formatIssues, NocofloError } from '@nocoflo/sdk';
import type { z } from 'zod';
import { isMetadataStore } from '../store/metadata.js';
import type { PluginStateStore } from '../store/types.js';
import {
  changedFields,
  configJsonSchema,
  getAt,
  hasSealed,
  openSecrets,
  publicConfig,
  sealSecrets,
  secretFieldsOf,
  setAt,
} from './config-secrets.js';
import { loadKeyring, type SecretKeyring } from './keyring.js';
import { secretRedactor } from './redact.js';

/** One validation problem, where it is. */
export interface ConfigIssue {
  /** Field path (`[]` for the whole config). */
  path: (string | number)[];
  /** What is wrong. */
  message: string;
}

/** What an operator may see of a plugin's config. */
export interface PluginConfigView {
  /** The config without secret values. */
  config: unknown;
  /** Dotted paths of secret fields that hold a value (the values are never shown). */
  secrets: string[];
  /** The config's JSON Schema (from the plugin's zod schema), when the plugin has one. */
  schema?: Record<string, unknown>;
}

/** Options of {@link PluginConfigs}. */
export interface PluginConfigsOptions {
  /** The host's store. */
  store: PluginStateStore;
  /** Config from the host's options (the config file), by plugin. */
  defaults?: Readonly<Record<string, unknown>> | undefined;
  /** The keyring; default: loaded from the environment or `<dataDir>/secret.key` when first needed. */
  keyring?: SecretKeyring | undefined;
  /** The host's data folder (for the generated key). */
  dataDir: string;
}

/** Reads and writes plugin config for a host (and for the CLI, on a store alone). */
export class PluginConfigs {
  readonly #store: PluginStateStore;
  readonly #defaults: Readonly<Record<string, unknown>>;
  readonly #dataDir: string;
  #keyring: SecretKeyring | undefined;

  constructor(options: PluginConfigsOptions) {
    this.#store = options.store;
    this.#defaults = options.defaults ?? {};
    this.#keyring = options.keyring;
    this.#dataDir = options.dataDir;
  }

  /** The keyring, loaded on first use (a host without secrets never creates a key file). */
  keyring = (): SecretKeyring => {
    this.#keyring ??= loadKeyring({ dataDir: this.#dataDir });
    return this.#keyring;
  };

  /**
   * The config a plugin runs with, secrets opened (and added to the redactor): the stored
   * config, else the config-file value.
   *
   * @throws NocofloError `NCF_SECRET_UNAVAILABLE` when a secret cannot be opened with this host's keys.
   */
  async effective(plugin: string): Promise<unknown> {
    const stored = await this.#store.readPluginConfig(plugin);
    const raw = stored ?? this.#defaults[plugin];
    if (!hasSealed(raw)) return raw;
    return openSecrets(plugin, raw, this.keyring, (value) => secretRedactor.add(value));
  }

  /** What may be shown: the effective config without secrets, which secrets are set, and the JSON Schema. */
  async view(plugin: string, schema: z.ZodType | undefined): Promise<PluginConfigView> {
    const stored = (await this.#store.readPluginConfig(plugin)) ?? this.#defaults[plugin];
    const shown = publicConfig(stored ?? null, secretFieldsOf(schema));
    const jsonSchema = configJsonSchema(schema);
    return { config: shown.config, secrets: shown.secrets, ...(jsonSchema ? { schema: jsonSchema } : {}) };
  }

  /**
   * Validates and stores a plugin's config. Secret fields left out keep their stored value;
   * given ones are sealed. Records which fields changed, by whom.
   *
   * @throws NocofloError `NCF_CONFIG_INVALID` with `details.issues` (path and message of each
   * problem); nothing is stored then.
   */
  async write(
    plugin: string,
    schema: z.ZodType | undefined,
    input: unknown,
    actor: string,
  ): Promise<{ fields: string[] }> {
    const paths = secretFieldsOf(schema);
    const previous = await this.#store.readPluginConfig(plugin);
    const before = previous === undefined ? undefined : await this.effective(plugin);
    // The plugin validates what it would run with: the input plus the secrets it keeps.
    let merged = input;
    for (const path of paths) {
      // Kept only where the input still has the field's object (a removed object takes its secrets with it).
      const parentKept = path.length === 1 || typeof getAt(input, path.slice(0, -1)) === 'object';
      if (parentKept && getAt(input, path) === undefined && getAt(before, path) !== undefined) {
        merged = setAt(merged, path, getAt(before, path));
      }
    }
    if (schema) {
      const parsed = schema.safeParse(merged);
      if (!parsed.success) {
        const issues: ConfigIssue[] = parsed.error.issues.map((issue) => ({
          path: issue.path.map((part) => (typeof part === 'number' ? part : String(part))),
          message: issue.message,
        }));
        throw NocofloError.create(Errors.PluginConfigInvalid, [plugin, formatIssues(parsed.error)], {
          details: { issues },
        });
      }
    }
    for (const path of paths) {
      const value = getAt(merged, path);
      if (value !== undefined) secretRedactor.add(value);
    }
    const stored = sealSecrets(plugin, merged, paths, this.keyring, previous);
    await this.#store.writePluginConfig(plugin, stored);
    const fields = changedFields(before ?? {}, merged ?? {});
    if (isMetadataStore(this.#store)) {
      await this.#store.recordConfigChange({ plugin, changedAt: new Date().toISOString(), actor, fields });
    }
    return { fields };
  }
}
