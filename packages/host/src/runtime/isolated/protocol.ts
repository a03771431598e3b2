/**
 * The wire between the host and an isolated plugin (a worker thread or a child process):
 * the functions each side exposes over birpc, and how errors cross. Everything that
 * crosses is plain data that survives a structured clone; functions stay on their side and
 * are named by ids.
 */

import type {
  AggregateQuery,
  DatasourceCapabilities,
  PermissionDefinition,
  PluginQueryResult,
  PluginStatement,
  ReadPageOptions,
  RouteMethod,
  RouteRequest,
  RouteResponse,
  Row,
  RowKey,
  SqlValue,
  StreamOptions,
  TableSchema,
  ViewRenderResult,
  ViewSettings,
  ViewUrls,
} from '@nocoflo/sdk';
import type { PackedRows } from './row-wire.js';

/** Where a registration made through the plugin's context lands. */
export type ContributionWire =
  | { kind: 'tap'; id: number; hook: string; stage?: number }
  | { kind: 'view'; id: number; name: string; title: string; priority?: number; assets?: readonly string[] }
  | { kind: 'datasource'; id: number; name: string; schemes: readonly string[]; description?: string }
  | { kind: 'route'; id: number; method: RouteMethod; path: string; permission?: string }
  | { kind: 'service'; id: number; name: string; methods: readonly string[]; callable?: boolean };

/** What the child reports once the plugin's entry is imported. */
export interface LoadedWire {
  permissions: PermissionDefinition[];
  /** The config schema as JSON Schema, and its secret fields, when the plugin has one. */
  config?: { jsonSchema: Record<string, unknown> };
  /** Contributions declared in the definition (`views`, `datasources`, `hooks`). */
  declared: ContributionWire[];
}

/** What the host tells the child to load. */
export interface LoadRequest {
  name: string;
  version: string;
  hostVersion: string;
  /** Absolute path of the entry module. */
  entry: string;
  dataDir: string;
  dialect: 'sqlite' | 'postgres';
}

/** A config check done by the plugin's own schema. */
export type ConfigCheck = { ok: true; data: unknown } | { ok: false; issues: string };

/** The Datasource methods that cross as plain calls. */
export type DatasourceMethod =
  | 'listTables'
  | 'describeTable'
  | 'readPage'
  | 'aggregate'
  | 'insert'
  | 'update'
  | 'delete'
  | 'testConnection'
  | 'close';

/** An opened datasource, as the child reports it. */
export interface OpenedWire {
  handle: number;
  url: string;
  capabilities: DatasourceCapabilities;
}

/** One batch of a stream; `done` when the stream ended. */
export interface StreamBatch {
  rows: Row[];
  done: boolean;
}

/** A {@link StreamBatch} as it crosses: its rows packed by `packRows` (row-wire.ts). */
export interface StreamBatchWire {
  rows: PackedRows;
  done: boolean;
}

/** The read-only data handle a view's render receives: its three methods. */
export type ViewDataMethod = 'readPage' | 'aggregate' | 'describeTable' | 'listTables';

/** Functions the child (the plugin's side) exposes to the host. */
export interface ChildFunctions {
  /** Loads the SDK (host code, before any plugin code; not under the plugin's deadline). */
  boot(): Promise<void>;
  load(request: LoadRequest): Promise<LoadedWire>;
  checkConfig(raw: unknown): Promise<ConfigCheck>;
  lifecycle(
    callback: 'setup' | 'enable' | 'disable' | 'teardown' | 'dispose',
    config?: unknown,
  ): Promise<void>;
  callTap(id: number, args: unknown[]): Promise<unknown>;
  render(
    id: number,
    input: { table: TableSchema; params: Record<string, string>; urls: ViewUrls; settings?: ViewSettings },
    data: number,
  ): Promise<ViewRenderResult>;
  open(id: number, url: string, options: { readOnly?: boolean; cwd?: string }): Promise<OpenedWire>;
  datasource(handle: number, method: DatasourceMethod, args: unknown[]): Promise<unknown>;
  streamOpen(handle: number, table: string, options: Omit<StreamOptions, 'signal'>): Promise<number>;
  streamNext(stream: number): Promise<StreamBatchWire>;
  streamClose(stream: number): Promise<void>;
  route(id: number, request: RouteRequest): Promise<RouteResponse>;
  service(id: number, method: string, args: unknown[]): Promise<unknown>;
  /** The result of a service call that answered a sync call with a promise. */
  settle(pending: number): Promise<unknown>;
  /** Answers with nothing: the host checks the plugin's thread still runs its event loop. */
  ping(): Promise<void>;
}

/** Functions the host exposes to the child. */
export interface HostFunctions {
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>): void;
  register(contribution: ContributionWire): Promise<void>;
  unregister(id: number): Promise<void>;
  /** The plugin reports a failure outside a call (a timer callback threw). */
  failure(where: string, error: WireError): void;
  query(sql: string, params: readonly SqlValue[]): Promise<PluginQueryResult>;
  transaction(statements: readonly PluginStatement[]): Promise<PluginQueryResult[]>;
  viewData(data: number, method: ViewDataMethod, args: unknown[]): Promise<unknown>;
  /** The names of the methods of another plugin's service, or null when none is provided. */
  serviceMethods(name: string): Promise<string[] | null>;
  callService(name: string, method: string, args: unknown[]): Promise<unknown>;
}

/** Re-exported for the child's sake (it builds its data handle from these). */
export type { AggregateQuery, ReadPageOptions, RowKey };

/** An error as it crosses: plain data. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  /** Set for a NocofloError: everything needed to rebuild it. */
  nocoflo?: {
    code: string;
    title: string;
    message: string;
    hint: string;
    status: number;
    details?: Record<string, unknown>;
  };
}

const BRAND = Symbol.for('nocoflo.error');

/** Turns any thrown value into a {@link WireError}. */
export function toWireError(error: unknown): WireError {
  if (error && typeof error === 'object') {
    const e = error as Partial<WireError> & Record<string | symbol, unknown>;
    const wire: WireError = {
      name: typeof e.name === 'string' ? e.name : 'Error',
      message: typeof e.message === 'string' ? e.message : String(error),
      ...(typeof e.stack === 'string' ? { stack: e.stack } : {}),
    };
    if (e[BRAND] === true && typeof e.code === 'string') {
      wire.nocoflo = {
        code: e.code,
        title: String(e.title ?? ''),
        message: wire.message,
        hint: String(e.hint ?? ''),
        status: typeof e.status === 'number' ? e.status : 500,
        ...(e.details && typeof e.details === 'object'
          ? { details: e.details as Record<string, unknown> }
          : {}),
      };
    }
    return wire;
  }
  return { name: 'Error', message: String(error) };
}

/** Whether a rejection reason is a {@link WireError}. */
export function isWireError(value: unknown): value is WireError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as WireError).message === 'string' &&
    typeof (value as WireError).name === 'string' &&
    !(value instanceof Error)
  );
}

/** Wraps each function so a thrown value crosses as plain data ({@link toWireError}). */
export function wireErrors<T extends object>(functions: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, fn] of Object.entries(functions)) {
    out[key] = async (...args: unknown[]) => {
      try {
        return await (fn as (...a: unknown[]) => unknown)(...args);
      } catch (error) {
        throw toWireError(error);
      }
    };
  }
  return out as T;
}

/** How a side rebuilds a NocofloError: the SDK's class (the child loads the SDK lazily). */
export type NocofloErrorClass = new (
  definition: NonNullable<WireError['nocoflo']>,
  options: { details?: Record<string, unknown> },
) => Error;

/**
 * Rebuilds an error that crossed the boundary: a NocofloError again when it was one (so
 * `isNocofloError` and its code hold on this side too), otherwise an Error with its name,
 * message and stack. Anything that is not a {@link WireError} is returned as it is.
 */
export function reviveError(error: unknown, NocofloErrorClass: NocofloErrorClass | undefined): unknown {
  if (!isWireError(error)) return error;
  const wire = error as WireError;
  if (wire.nocoflo && NocofloErrorClass)
    return new NocofloErrorClass(wire.nocoflo, wire.nocoflo.details ? { details: wire.nocoflo.details } : {});
  const revived = new Error(wire.message);
  revived.name = wire.name;
  if (wire.stack) revived.stack = wire.stack;
  if (wire.nocoflo) Object.assign(revived, { code: wire.nocoflo.code, status: wire.nocoflo.status });
  return revived;
}
