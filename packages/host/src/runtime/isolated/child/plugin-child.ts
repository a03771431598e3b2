/**
 * The entry of an isolated plugin's worker thread or child process. It loads nothing but
 * birpc until the host says which plugin to load; then it imports the plugin's entry and
 * answers the host's calls through the plugin's context (child-context.ts).
 *
 * Sync calls (a view's `canHandle`, taps of the sync hooks) arrive on a second port and are
 * answered through a SharedArrayBuffer the host waits on with `Atomics.wait` (sync-call.ts).
 */
import { pathToFileURL } from 'node:url';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type {
  Datasource,
  DatasourceDefinition,
  NocofloPlugin,
  Page,
  Row,
  RowBatch,
  ViewDataAccess,
  ViewDefinition,
} from '@nocoflo/sdk';
import { createBirpc } from 'birpc';
import { describeExport } from '../../../lifecycle/describe-export.js';
import { packJson, unpackJson } from '../json-wire.js';
import { packPage } from '../page-wire.js';
import type {
  ChildFunctions,
  ConfigCheck,
  ContributionWire,
  HostFunctions,
  LoadedWire,
  LoadRequest,
  StreamBatch,
  ViewDataMethod,
} from '../protocol.js';
import { type NocofloErrorClass, reviveError, toWireError, wireErrors } from '../protocol.js';
import { packRows } from '../row-wire.js';
import { answerJson, answerSyncCalls, type SyncCall, type SyncChannel } from '../sync-call.js';
import { ChildScope, type ChildSdk, datasourceWire, viewWire } from './child-context.js';

const PLUGIN_BRAND = Symbol.for('nocoflo.plugin');

let request: LoadRequest | undefined;
let definition: NocofloPlugin | undefined;
let sdk: ChildSdk | undefined;
let scope: ChildScope | undefined;
let config: unknown;
const declared = new Map<number, ContributionWire>();
const declaredEntries = new Map<number, ChildScope['registered'] extends Map<number, infer E> ? E : never>();
const handles = new Map<number, Datasource>();
/** Open streams: the plugin's iterator and how many rows one batch across carries. */
const streams = new Map<
  number,
  { iterator: AsyncIterator<Row>; batchRows: number; reading: Promise<unknown>; failed: boolean }
>();
/**
 * The host's `rowVersion`, imported on the first page read: the SDK is not loaded before the
 * plugin is (this file loads nothing but birpc until then), and by then its entry has
 * loaded the SDK anyway.
 */
let rowVersion: ((row: Row) => string) | undefined;
/** The SDK's `readRowBatch`, imported on a stream's first batch (as `rowVersion`). */
let readRowBatch: ((iterator: AsyncIterator<Row>, max: number) => Promise<RowBatch>) | undefined;
let nextHandle = 1;
const TIMEOUT = Number(process.env.NOCOFLO_CHILD_CLEANUP_TIMEOUT_MS ?? 10_000);

function lookup(id: number) {
  return scope?.registered.get(id) ?? declaredEntries.get(id);
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined)
    throw new Error(`nocoflo: ${what} is not known to the plugin's side (it was removed)`);
  return value;
}

/**
 * The host's functions as the plugin's code meets them: a rejection that crossed as plain
 * data is a NocofloError again, so a view tells a refused filter from a broken datasource
 * (`isNocofloError(error, code)`) exactly as it does inline.
 */
function revivingCalls<T extends object>(rpc: T): T {
  return new Proxy(rpc, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value(...args);
        if (!result || typeof (result as PromiseLike<unknown>).then !== 'function') return result;
        return (result as Promise<unknown>).catch((error: unknown) => {
          throw reviveError(error, sdk?.NocofloError as unknown as NocofloErrorClass | undefined);
        });
      };
    },
  });
}

const functions: ChildFunctions = {
  async boot() {
    const loaded = await import('@nocoflo/sdk');
    sdk = { Errors: loaded.Errors, NocofloError: loaded.NocofloError, HOOK_NAMES: loaded.HOOK_NAMES };
  },

  async load(req) {
    request = req;
    const loaded = await import('@nocoflo/sdk');
    let module: { default?: unknown };
    try {
      module = (await import(pathToFileURL(req.entry).href)) as { default?: unknown };
    } catch (error) {
      throw loaded.NocofloError.create(loaded.Errors.EntryLoadFailed, [
        req.name,
        req.entry,
        loaded.errorMessage(error),
      ]);
    }
    const value = module.default;
    if (!value || typeof value !== 'object' || (value as Record<symbol, unknown>)[PLUGIN_BRAND] !== true)
      throw loaded.NocofloError.create(loaded.Errors.EntryNotPlugin, [
        req.name,
        req.entry,
        describeExport(value),
      ]);
    definition = value as NocofloPlugin;
    const wire: LoadedWire = { permissions: [...(definition.permissions ?? [])], declared: [] };
    if (definition.config) {
      const { z } = await import('zod');
      try {
        wire.config = {
          jsonSchema: z.toJSONSchema(definition.config as never, {
            io: 'input',
            unrepresentable: 'any',
          }) as Record<string, unknown>,
        };
      } catch {
        wire.config = { jsonSchema: {} };
      }
    }
    let id = -1;
    for (const view of definition.views ?? []) {
      const contribution = viewWire(id--, view);
      declared.set(contribution.id, contribution);
      declaredEntries.set(contribution.id, { kind: 'view', view });
    }
    for (const datasource of definition.datasources ?? []) {
      const contribution = datasourceWire(id--, datasource);
      declared.set(contribution.id, contribution);
      declaredEntries.set(contribution.id, { kind: 'datasource', datasource });
    }
    for (const [hook, fn] of Object.entries(definition.hooks ?? {})) {
      if (typeof fn !== 'function') continue;
      const contribution: ContributionWire = { kind: 'tap', id: id--, hook };
      declared.set(contribution.id, contribution);
      declaredEntries.set(contribution.id, { kind: 'tap', fn: fn as (...args: unknown[]) => unknown });
    }
    wire.declared = [...declared.values()];
    return wire;
  },

  async checkConfig(raw): Promise<ConfigCheck> {
    const schema = definition?.config;
    if (!schema) return { ok: true, data: raw ?? {} };
    const parsed = await schema.safeParseAsync(raw ?? {});
    if (parsed.success) return { ok: true, data: parsed.data };
    const loaded = await import('@nocoflo/sdk');
    return { ok: false, issues: loaded.formatIssues(parsed.error) };
  },

  async lifecycle(callback, value) {
    const def = must(definition, 'the plugin');
    if (callback === 'setup') {
      config = value;
      scope = new ChildScope(must(request, 'the load request'), host, must(sdk, 'the SDK'), config);
      scope.mode = 'setup';
      try {
        await def.setup?.(scope.context as never);
        await scope.settle();
      } finally {
        if (scope.mode === 'setup') scope.mode = 'inactive';
      }
      return;
    }
    const current = must(scope, 'the plugin context');
    if (callback === 'enable') {
      current.activate();
      await def.enable?.(current.context as never);
      await current.settle();
    } else if (callback === 'disable') {
      await current.deactivate(TIMEOUT);
      await def.disable?.(current.context as never);
    } else if (callback === 'teardown') {
      await def.teardown?.(current.context as never);
    } else {
      await current.dispose(TIMEOUT);
      for (const datasource of handles.values()) await datasource.close().catch(() => undefined);
      handles.clear();
    }
  },

  async callTap(id, args) {
    const entry = must(lookup(id), `tap #${id}`);
    if (entry.kind !== 'tap') throw new Error(`#${id} is not a tap`);
    return entry.fn(...args);
  },

  async render(id, input, data) {
    const view = viewOf(id);
    const access: ViewDataAccess = {
      readPage: async (...args: unknown[]) =>
        unpackJson(await host.viewData(data, 'readPage', args)) as never,
      aggregate: async (...args: unknown[]) =>
        unpackJson(await host.viewData(data, 'aggregate', args)) as never,
      describeTable: (...args: unknown[]) => host.viewData(data, 'describeTable', args) as never,
      listTables: (...args: unknown[]) => host.viewData(data, 'listTables', args) as never,
    } satisfies Record<ViewDataMethod, unknown>;
    const result = await view.render(Object.freeze({ ...input, data: Object.freeze(access) }));
    return { html: String(result.html), ...(result.title === undefined ? {} : { title: result.title }) };
  },

  async open(id, url, options) {
    const entry = must(lookup(id), `datasource #${id}`);
    if (entry.kind !== 'datasource') throw new Error(`#${id} is not a datasource`);
    const datasource = await (entry.datasource as DatasourceDefinition).open(url, options);
    const handle = nextHandle++;
    handles.set(handle, datasource);
    return { handle, url: datasource.url, capabilities: structuredClone(datasource.capabilities) };
  },

  async datasource(handle, method, args) {
    const datasource = must(handles.get(handle), `datasource handle #${handle}`);
    const result = await (datasource[method] as (...a: unknown[]) => Promise<unknown>).apply(
      datasource,
      args,
    );
    if (method === 'close') handles.delete(handle);
    // A page crosses as its JSON text when JSON carries it (the host reads the rows'
    // versions from the text), else with its rows' versions computed here (page-wire.ts);
    // aggregate rows cross as one JSON string when JSON carries them exactly.
    if (method === 'readPage') {
      rowVersion ??= (await import('@nocoflo/sdk')).rowVersion;
      return packPage(result as Page, rowVersion);
    }
    return method === 'aggregate' ? packJson(result) : result;
  },

  async streamOpen(handle, table, options) {
    const datasource = must(handles.get(handle), `datasource handle #${handle}`);
    const id = nextHandle++;
    const iterator = datasource.stream(table, options)[Symbol.asyncIterator]();
    streams.set(id, {
      iterator,
      batchRows: batchRows(options.batchSize),
      reading: Promise.resolve(),
      failed: false,
    });
    return id;
  },

  async streamNext(id) {
    // The host asks for up to two batches ahead (remote-datasource.ts): the reads of one
    // stream run one after the other, and an ask after the last batch gets an empty last one.
    const stream = streams.get(id);
    if (!stream) return { rows: packRows([]), done: true };
    const batch = stream.reading.then(() => nextBatch(id));
    // After a failed read the iterator is not read again: the asks behind it fail too (the
    // host throws the first failure and ignores the rest), and the host's close lets the
    // iterator clean up.
    // (Settled to nothing: the chain must not keep the batch's rows after they crossed.)
    stream.reading = batch.then(
      () => undefined,
      () => {
        stream.failed = true;
      },
    );
    const { rows, done } = await batch;
    // Cloned as they are to the host's thread from a worker; as text from a child process.
    return { rows: packRows(rows, !parentPort), done };
  },

  async streamClose(id) {
    const stream = streams.get(id);
    streams.delete(id);
    await stream?.iterator.return?.();
  },

  async route(id, req) {
    const entry = must(lookup(id), `route #${id}`);
    if (entry.kind !== 'route') throw new Error(`#${id} is not a route`);
    const response = await entry.route.handler(req);
    return structuredClone(response ?? {});
  },

  async service(id, method, args) {
    return callService(id, method, args);
  },

  async settle(id) {
    const result = pendingResults.get(id);
    pendingResults.delete(id);
    return result;
  },

  async ping() {},
};

/**
 * Rows per batch across: the stream's own `batchSize` (what the plugin reads per round trip
 * to its database), 1,000 by default as in the SDK, at most 10,000 so that one message stays
 * small; a value the plugin refuses reaches it unchanged and is refused there.
 */
function batchRows(batchSize: unknown): number {
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) return 1000;
  return Math.min(batchSize, 10_000);
}

/**
 * The next batch of a stream's rows: one batch per request, so the host asks for the next
 * only when it wants more (backpressure). Read with the SDK's `readRowBatch`: a promise per
 * batch from an iterator that offers the batch read (`nextBatch`, see RowBatchIterator),
 * else one `next()` per row, which costs about a tenth of a large stream's time here.
 */
async function nextBatch(id: number): Promise<StreamBatch> {
  const stream = streams.get(id);
  if (!stream) return { rows: [], done: true }; // its last batch went while this ask waited
  if (stream.failed) throw new Error(`stream #${id} failed before this batch`);
  readRowBatch ??= (await import('@nocoflo/sdk')).readRowBatch;
  const batch = await readRowBatch(stream.iterator, stream.batchRows);
  if (batch.done) streams.delete(id);
  return batch;
}

/** Results of service calls that answered a sync call with a promise, until the host collects them. */
const pendingResults = new Map<number, Promise<unknown>>();

/** Calls a provided service: `method` '' is the service itself, when it is a function. */
function callService(id: number, method: string, args: unknown[]): unknown {
  const entry = must(lookup(id), `service #${id}`);
  if (entry.kind !== 'service') throw new Error(`#${id} is not a service`);
  const target = entry.service as unknown;
  const fn = method === '' ? target : (target as Record<string, unknown>)[method];
  if (typeof fn !== 'function') throw new Error(`the service has no method "${method}"`);
  return (fn as (...a: unknown[]) => unknown).apply(target, args);
}

function viewOf(id: number): ViewDefinition {
  const entry = must(lookup(id), `view #${id}`);
  if (entry.kind !== 'view') throw new Error(`#${id} is not a view`);
  return entry.view;
}

interface Endpoint {
  post(message: unknown): void;
  on(listener: (message: unknown) => void): void;
}

function endpoint(): Endpoint {
  if (parentPort) {
    const port = parentPort;
    return { post: (m) => port.postMessage(m), on: (fn) => port.on('message', fn) };
  }
  if (!process.send) throw new Error('nocoflo: the plugin child needs a worker port or an IPC channel');
  // The host is gone: so is this process.
  process.on('disconnect', () => process.exit(0));
  // A crash says why before the process ends (a worker's 'error' event carries it; a process's exit code does not).
  process.on('uncaughtException', (error) => {
    const send = process.send?.bind(process);
    if (!send) process.exit(1);
    send({ crashReport: toWireError(error) }, undefined, undefined, () => process.exit(1));
  });
  return {
    post: (m) => process.send?.(m),
    on: (fn) =>
      process.on('message', (message) => {
        if (!(message as { syncCall?: unknown } | null)?.syncCall) fn(message);
      }),
  };
}

const channel = endpoint();
const host = revivingCalls(
  createBirpc<HostFunctions, ChildFunctions>(wireErrors(functions), {
    post: (data) => channel.post(data),
    on: (fn) => channel.on(fn),
    eventNames: ['log', 'failure'],
    // The host keeps every deadline (and terminates this thread when one passes); a negative
    // timeout makes birpc set no timer per call.
    timeout: -1,
  }),
);

function syncHandler(call: SyncCall): unknown {
  if (call.method !== undefined) {
    // A service call: a value comes back at once; a promise is collected later with settle().
    const result = callService(call.id, call.method, call.args);
    if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
      const pending = nextHandle++;
      const settled = Promise.resolve(result);
      settled.catch(() => undefined);
      pendingResults.set(pending, settled);
      return { pending };
    }
    return { value: result };
  }
  const entry = must(lookup(call.id), `#${call.id}`);
  if (entry.kind === 'view') return entry.view.canHandle(call.args[0] as never);
  if (entry.kind === 'tap') return entry.fn(...call.args);
  throw new Error(`#${call.id} cannot be called synchronously`);
}

const sync = (workerData as { sync?: SyncChannel & { port: MessagePort } } | undefined)?.sync;
if (sync) answerSyncCalls(sync, syncHandler);
// A process: sync calls come over IPC; the host-side bridge thread writes the answer for the waiting host.
else
  process.on('message', (message) => {
    const call = (message as { syncCall?: SyncCall } | null)?.syncCall;
    if (call) process.send?.({ syncAnswer: answerJson(syncHandler, call) });
  });
