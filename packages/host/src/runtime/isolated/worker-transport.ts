/**
 * The `worker` level: the plugin's module graph lives in a `worker_threads` Worker of its own,
 * with its own globals (a plugin that patches `JSON`, `fetch` or `Object.prototype` patches its
 * own), a heap limit, and an env holding only the variables its manifest declares.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
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

/** Starts a plugin worker. */
export function startWorker(options: WorkerTransportOptions): Transport {
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
  port1.unref();
  return {
    post: (message) => worker.postMessage(message),
    on: (listener) => worker.on('message', listener),
    onCrash: (listener) => crashListeners.push(listener),
    sync: { buffer, port: port1 },
    async kill() {
      if (killed) return;
      killed = true;
      port1.close();
      await worker.terminate();
    },
  };
}
