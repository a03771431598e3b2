/**
 * How the host reaches an isolated plugin's code: a message channel, the way to end it, and
 * (for workers) the sync-call channel.
 */
import type { SyncChannel } from './sync-call.js';

/** One running worker thread or child process. */
export interface Transport {
  /** Sends a birpc message. */
  post(message: unknown): void;
  /** Receives birpc messages. */
  on(listener: (message: unknown) => void): void;
  /** Called once when the code ends on its own (crash, exit, out of memory); not after {@link kill}. */
  onCrash(listener: (reason: Error) => void): void;
  /** Ends the code now (a sync loop included); resolves once it is gone. */
  kill(): Promise<void>;
  /** The sync-call channel (workers only). */
  readonly sync?: SyncChannel;
}

/**
 * The node flag every isolated plugin's thread or process starts with: `@nocoflo/sdk` then
 * resolves to its `nocoflo-isolated` build, which has the same exports but builds its zod
 * manifest schemas on first use. A plugin never validates a manifest (the host did, before
 * its code ran), so its worker does not evaluate zod's ~100 modules at every boot.
 */
export const ISOLATED_SDK_CONDITION = '--conditions=nocoflo-isolated';
