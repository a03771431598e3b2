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
