/**
 * The `worker` level: the plugin's module graph lives in a `worker_threads` Worker of its own,
 * with its own globals (a plugin that patches `JSON`, `fetch` or `Object.prototype` patches its
 * own), a heap limit, and an env holding only the variables its manifest declares.
 */
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { SYNC_BUFFER_BYTES } from './sync-call.js';
import { ISOLATED_SDK_CONDITION, type Transport } from './transport.js';

/** Options of {@link startWorker}. */
export interface WorkerTransportOptions {
  /** The child entry script (dist/plugin-child.js). */
  childEntry: string;
  /** Plugin name, for the thread's name. */
  name: string;
  /** Heap limit of the worker, in MB. */
  maxHeapMb: number;
  /** The worker's whole environment. */
  env: Record<string, string>;
}

/**
 * A started plugin worker that no plugin owns yet: its thread boots Node and the child entry,
 * which then waits for the host to say which plugin to load.
 */
export interface BlankWorker {
  readonly worker: Worker;
  readonly buffer: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** Starts a worker thread running the child entry, with the options' env and heap limit. */
export function spawnWorker(options: WorkerTransportOptions): BlankWorker {
  const { port1, port2 } = new MessageChannel();
  const buffer = new SharedArrayBuffer(8 + SYNC_BUFFER_BYTES);
  const worker = new Worker(options.childEntry, {
    name: `nocoflo plugin ${options.name}`,
    workerData: { sync: { buffer, port: port2 } },
    transferList: [port2],
    env: options.env,
    argv: [],
    // No flag of the host's own (inspector, --expose-gc); only the SDK's build for isolated code.
    execArgv: [ISOLATED_SDK_CONDITION],
    resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb },
  });
  port1.unref();
  return { worker, buffer, port: port1 };
}

/**
 * Starts a plugin worker, or takes `blank` (one {@link spawnWorker} started earlier with the
 * same env and heap limit, see spare-workers.ts) so the thread's boot is already done.
 */
export function startWorker(options: WorkerTransportOptions, blank?: BlankWorker): Transport {
  const { worker, buffer, port } = blank ?? spawnWorker(options);
  worker.ref();
  let killed = false;
  let crashed = false;
  const crashListeners: ((reason: Error) => void)[] = [];
  const crash = (reason: Error) => {
    if (killed || crashed) return;
    crashed = true;
    for (const listener of crashListeners) listener(reason);
  };
  worker.on('error', (error) => crash(error instanceof Error ? error : new Error(String(error))));
  worker.on('exit', (code) => crash(new Error(`its worker exited with code ${code}`)));
  worker.on('messageerror', (error) => crash(error));
  return {
    post: (message) => worker.postMessage(message),
    on: (listener) => worker.on('message', listener),
    onCrash: (listener) => crashListeners.push(listener),
    sync: { buffer, port },
    async kill() {
      if (killed) return;
      killed = true;
      port.close();
      await worker.terminate();
    },
  };
}
