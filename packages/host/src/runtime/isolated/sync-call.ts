/**
 * Synchronous calls into a worker: the host posts the call on a port of its own and blocks
 * in `Atomics.wait` on a SharedArrayBuffer until the worker writes the answer there (or the
 * deadline passes). Used only where the SDK's contract is synchronous: a view's `canHandle`
 * and taps of the sync hooks (`viewCandidates`). The worker's thread answers while the
 * host's is blocked, so the cost is one thread hop and a JSON round trip.
 */
import type { MessagePort } from 'node:worker_threads';
import { TimeoutError } from '../../lifecycle/timeout.js';
import { toWireError, type WireError } from './protocol.js';

/** The buffer and the port of one worker's sync calls. */
export interface SyncChannel {
  /** Int32 state at 0 (0 waiting, 1 answered), the answer's byte length at 1, the answer from byte 8. */
  buffer: SharedArrayBuffer;
  port: MessagePort;
}

/** A sync call: the id of the registered function and its arguments. */
export interface SyncCall {
  id: number;
  args: unknown[];
  /** For a service call: the method ('' for a service that is itself a function). */
  method?: string;
}

type Answer = { ok: true; value: unknown } | { ok: false; error: WireError };

/** Bytes of answer a sync call can carry. */
export const SYNC_BUFFER_BYTES = 256 * 1024;

const HEADER = 8;

/** Runs a sync call and returns its answer as JSON (what the buffer carries). */
export function answerJson(handler: (call: SyncCall) => unknown, call: SyncCall): string {
  let answer: Answer;
  try {
    const value = handler(call);
    answer =
      value && typeof (value as PromiseLike<unknown>).then === 'function'
        ? { ok: false, error: { name: 'Error', message: 'it returned a promise where a value was expected' } }
        : { ok: true, value };
  } catch (error) {
    answer = { ok: false, error: toWireError(error) };
  }
  return JSON.stringify(answer) ?? 'null';
}

/** Writes an answer into the buffer and wakes the waiting host thread. */
export function writeAnswer(buffer: SharedArrayBuffer, json: string): void {
  const state = new Int32Array(buffer, 0, 2);
  const bytes = new Uint8Array(buffer, HEADER);
  const encoder = new TextEncoder();
  let text = json;
  if (text.length * 3 > bytes.length && encoder.encode(text).length > bytes.length)
    text = JSON.stringify({ ok: false, error: { name: 'Error', message: 'its answer is too large' } });
  const { written } = encoder.encodeInto(text, bytes);
  Atomics.store(state, 1, written);
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
}

/** The worker's side: answers each call synchronously into the buffer. */
export function answerSyncCalls(channel: SyncChannel, handler: (call: SyncCall) => unknown): void {
  channel.port.on('message', (call: SyncCall) => writeAnswer(channel.buffer, answerJson(handler, call)));
}

/**
 * The host's side: posts the call and waits for the answer.
 *
 * @throws TimeoutError when no answer comes within `timeoutMs` (the worker is then unresponsive).
 * @throws WireError (plain data) when the function threw.
 */
export function callSync(channel: SyncChannel, call: SyncCall, timeoutMs: number): unknown {
  const state = new Int32Array(channel.buffer, 0, 2);
  Atomics.store(state, 0, 0);
  channel.port.postMessage(call);
  if (Atomics.wait(state, 0, 0, timeoutMs) === 'timed-out' && Atomics.load(state, 0) === 0)
    throw new TimeoutError(timeoutMs);
  const length = Atomics.load(state, 1);
  const json = new TextDecoder().decode(new Uint8Array(channel.buffer, HEADER, length).slice());
  const answer = JSON.parse(json) as Answer;
  if (!answer.ok) throw answer.error;
  return answer.value;
}
