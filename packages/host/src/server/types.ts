/**
 * The web server's public shapes: what `createServer` takes, and the context that server
 * extensions (the admin API, plugin routes) are registered with.
 */
import type { FastifyInstance } from 'fastify';
import type { AccountStore } from '../accounts/types.js';
import type { MetadataStore } from '../store/metadata.js';
import type { PluginHost } from '../types.js';
import type { DatasourceConnections } from './connections.js';
import type { AuthRateLimit } from './plugins/rate-limit.js';

/** Where the view a person picked for each table is remembered (the metadata store fits). */
export type ViewPreferences = Pick<MetadataStore, 'readViewPreference' | 'writeViewPreference'>;

/** A part of the server registered on top of the core routes. */
export type ServerExtension = (app: FastifyInstance, ctx: ServerContext) => void | Promise<void>;

/** Options of `createServer`. */
export interface ServerOptions {
  /** The started host whose views, datasources and plugins the server shows. */
  host: PluginHost;
  /** Datasource URLs the UI and data API browse, e.g. `sqlite:/data/demo.sqlite`. */
  datasources: readonly string[];
  /** Token the admin API's mutations require (`Authorization: Bearer <token>`). */
  adminToken: string;
  /** The metadata store (API tokens, migrations, view preferences), when the host has one. */
  store?: MetadataStore;
  /** Per-table view choice. Default: the metadata store, else kept in memory. */
  preferences?: ViewPreferences;
  /** Extra parts registered after the built-in ones. */
  extensions?: readonly ServerExtension[];
  /**
   * Host names the server answers besides the loopback names (`localhost`, `127.0.0.1`,
   * `::1`, `*.localhost`); any other `Host` gets 403. `*` answers every name.
   */
  allowedHosts?: readonly string[];
  /**
   * Serve with no write path: data writes and admin changes answer 403 to everyone, and
   * anyone may read without signing in (publishing data, as Datasette does).
   */
  readOnly?: boolean;
  /**
   * Signs every browser on a loopback connection in as this user: the demo's local admin,
   * so `npm start` opens straight into a working page. Never set it for a server others reach.
   */
  autoSignIn?: string;
  /** The one-time token of the setup link that creates the first admin while no user exists. */
  setupToken?: string;
  /**
   * Days the audit trail keeps entries while no retention is stored (`nocoflo audit
   * retention`, the admin audit page): the config file's `audit.retentionDays`. The server
   * applies the retention in force at start and hourly. Default: entries are kept forever.
   */
  auditRetentionDays?: number;
  /**
   * Log every request (method, URL without credentials, headers with `Authorization`,
   * `Cookie` and CSRF tokens censored, status, time) through Fastify's logger, which is the
   * host's pino logger when the host has one (`createHostLogger`). Default false.
   */
  logRequests?: boolean;
  /**
   * Failed authentications (a wrong admin or API token) allowed per client address and
   * window; over it, requests with a credential answer 429. Default 10 per minute.
   */
  authRateLimit?: AuthRateLimit;
}

/**
 * What server extensions get besides the Fastify instance. It holds no credential: the
 * server's auth plugin decides who a request is, and an extension's routes only declare
 * their rule (`config.access`).
 */
export interface ServerContext {
  /** The host. */
  readonly host: PluginHost;
  /** The datasources the server browses. */
  readonly connections: DatasourceConnections;
  /** The metadata store, when the server was given one. */
  readonly store?: MetadataStore;
  /** Users, sessions, grants, tokens and the audit trail (in the metadata store, else in memory). */
  readonly accounts: AccountStore;
}
