/**
 * A small client for the admin API, used by `nocoflo plugins … --url <server>`. Errors come
 * back as the NocofloError the server sent (same code, message, hint and status).
 */
import {
  Errors,
  errorMessage,
  type IsolationLevel,
  NocofloError,
  type PluginInfo,
  type PluginPermissions,
  type SerializedNocofloError,
} from '@nocoflo/sdk';
import type { AppliedMigration } from '../../store/metadata.js';

/** What `GET /admin/plugins` answers. */
export interface PluginList {
  /** Every plugin the host knows, in any state. */
  available: PluginInfo[];
  /** Names of the plugins whose code is loaded. */
  loaded: string[];
  /** Permissions the enabled plugins declare. */
  permissions: {
    /** Permission key. */
    key: string;
    /** What it allows. */
    description: string;
    /** The plugin declaring it. */
    plugin: string;
  }[];
}

/** What `GET /admin/plugins/:name` answers. */
export interface PluginDetail {
  /** The plugin. */
  plugin: PluginInfo;
  /** Its effective config. */
  config: unknown;
  /** Migrations applied to the metadata store for it. */
  migrations: AppliedMigration[];
}

/** Talks to a running server's admin API with the admin token. */
export class AdminClient {
  readonly #base: string;
  readonly #token: string;

  /**
   * @param url - The server, e.g. `http://127.0.0.1:3000`.
   * @param token - The admin token.
   */
  constructor(url: string, token: string) {
    this.#base = url.replace(/\/+$/, '');
    this.#token = token;
  }

  async #request<T>(
    method: string,
    path: string,
    body?:
      | { json: unknown }
      | { bytes: Uint8Array; filename?: string; approvePermissions?: PluginPermissions },
  ): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.#token}` };
    let payload: string | Uint8Array | undefined;
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers['content-type'] = 'application/gzip';
      if (body.filename) headers['x-filename'] = body.filename;
      if (body.approvePermissions) headers['x-approve-permissions'] = JSON.stringify(body.approvePermissions);
      payload = body.bytes;
    }
    let response: Response;
    try {
      response = await fetch(`${this.#base}${path}`, {
        method,
        headers,
        ...(payload !== undefined ? { body: payload } : {}),
      });
    } catch (error) {
      throw NocofloError.create(
        Errors.ConnectionFailed,
        [
          this.#base,
          errorMessage((error as { cause?: unknown }).cause ?? error),
          'Is `nocoflo serve` running there? Check --url.',
        ],
        { cause: error },
      );
    }
    const text = await response.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (!response.ok) {
      const error = (data as { error?: SerializedNocofloError } | undefined)?.error;
      if (error?.code) {
        throw new NocofloError(
          {
            code: error.code,
            title: error.title,
            message: error.message,
            hint: error.hint,
            status: response.status,
          },
          error.details ? { details: error.details } : {},
        );
      }
      throw NocofloError.create(Errors.ConnectionFailed, [
        this.#base,
        `${method} ${path} answered ${response.status} ${response.statusText}`,
        'Check that --url points at a nocoflo server.',
      ]);
    }
    return data as T;
  }

  /** `GET /admin/plugins`. */
  list(): Promise<PluginList> {
    return this.#request('GET', '/admin/plugins');
  }

  /** `GET /admin/plugins/:name`. */
  info(name: string): Promise<PluginDetail> {
    return this.#request('GET', `/admin/plugins/${encodeURIComponent(name)}`);
  }

  /** `POST /admin/plugins/:name/(enable|disable|reload)`. */
  async action(name: string, action: 'enable' | 'disable' | 'reload'): Promise<PluginInfo> {
    return (
      await this.#request<{ plugin: PluginInfo }>(
        'POST',
        `/admin/plugins/${encodeURIComponent(name)}/${action}`,
      )
    ).plugin;
  }

  /**
   * `POST /admin/plugins/install` with an npm spec or tarball bytes, and the manifest
   * permissions the operator approves (refused with `NCF_PERMISSIONS_NOT_APPROVED`, whose
   * `details.permissions` say what the plugin asks for, when they fall short).
   */
  async install(
    source: { spec: string } | { bytes: Uint8Array; filename?: string },
    approvePermissions?: PluginPermissions,
  ): Promise<PluginInfo> {
    const body =
      'spec' in source
        ? { json: { spec: source.spec, ...(approvePermissions ? { approvePermissions } : {}) } }
        : { ...source, ...(approvePermissions ? { approvePermissions } : {}) };
    return (await this.#request<{ plugin: PluginInfo }>('POST', '/admin/plugins/install', body)).plugin;
  }

  /** `POST /admin/plugins/:name/isolation`: where the plugin runs (restarted there at once). */
  async setIsolation(
    name: string,
    level: IsolationLevel | null,
    options: { trusted?: boolean; maxHeapMb?: number | null } = {},
  ): Promise<PluginInfo> {
    return (
      await this.#request<{ plugin: PluginInfo }>(
        'POST',
        `/admin/plugins/${encodeURIComponent(name)}/isolation`,
        { json: { level, ...options } },
      )
    ).plugin;
  }

  /** `DELETE /admin/plugins/:name`. */
  async uninstall(name: string): Promise<void> {
    await this.#request('DELETE', `/admin/plugins/${encodeURIComponent(name)}`);
  }

  /** `GET /admin/plugins/:name/config`. */
  async getConfig(name: string): Promise<unknown> {
    return (
      await this.#request<{ config: unknown }>('GET', `/admin/plugins/${encodeURIComponent(name)}/config`)
    ).config;
  }

  /** `PUT /admin/plugins/:name/config`. */
  async setConfig(name: string, config: unknown): Promise<PluginInfo> {
    return (
      await this.#request<{ plugin: PluginInfo }>(
        'PUT',
        `/admin/plugins/${encodeURIComponent(name)}/config`,
        { json: config },
      )
    ).plugin;
  }
}
