/**
 * A warm spare for the next restart of a worker plugin. Reloading a worker plugin ends its
 * worker and starts a new one, and most of that time is the new thread booting Node (tens of
 * milliseconds, far more on a loaded machine); the plugin's own load is a small part. So once
 * a plugin's worker has been restarted (a reload, `nocoflo dev`, a crash restart), the host
 * starts one blank worker for it in the background, which the next restart takes already
 * booted. Still one plugin per worker: a spare has loaded nothing, and it is only ever given
 * to the plugin it was started for, with that plugin's env and heap limit.
 *
 * At most one spare per host: an idle worker costs a few MB, and the plugin restarted last is
 * the one likely to be restarted next.
 */
import { type BlankWorker, spawnWorker, type WorkerTransportOptions } from './worker-transport.js';

const keyOf = (options: WorkerTransportOptions) =>
  JSON.stringify([options.childEntry, options.name, options.maxHeapMb, options.env]);

/** The host's spare worker, if any. */
export class SpareWorkers {
  #spare: { key: string; blank: BlankWorker; forget: () => void } | undefined;
  #closed = false;

  /** The spare started for exactly these options, taken out of the pool; else `undefined`. */
  take(options: WorkerTransportOptions): BlankWorker | undefined {
    const spare = this.#spare;
    if (!spare || spare.key !== keyOf(options)) return undefined;
    this.#spare = undefined;
    spare.forget();
    return spare.blank;
  }

  /**
   * Starts a spare for these options in the background (replacing a spare for other options)
   * and returns it; nothing when the pool is closed. It keeps no event loop alive and is
   * ended by {@link close}.
   */
  prepare(options: WorkerTransportOptions): BlankWorker | undefined {
    if (this.#closed) return undefined;
    const key = keyOf(options);
    if (this.#spare?.key === key) return this.#spare.blank;
    void this.discard();
    const blank = spawnWorker(options);
    blank.worker.unref();
    // A spare that dies before it is taken (out of memory at boot, killed) is only forgotten.
    const gone = () => {
      if (this.#spare?.blank === blank) this.#spare = undefined;
    };
    const forget = () => {
      blank.worker.off('exit', gone);
      blank.worker.off('error', gone);
    };
    blank.worker.on('exit', gone);
    blank.worker.on('error', gone);
    this.#spare = { key, blank, forget };
    return blank;
  }

  /** Ends the spare and starts no more (the host is stopping). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.discard();
  }

  private async discard(): Promise<void> {
    const spare = this.#spare;
    if (!spare) return;
    this.#spare = undefined;
    spare.forget();
    spare.blank.port.close();
    await spare.blank.worker.terminate();
  }
}
