import { Errors } from '../errors/catalog.js';
import { NocofloError } from '../errors/nocoflo-error.js';
import type { Row } from './types.js';

/**
 * The iterator of a {@link Datasource.stream} that can also hand over several rows in one
 * call: an optional capability of a stream, for datasources whose driver reads rows in
 * batches anyway (better-sqlite3's `iterate()` filled synchronously, a cursor's `read(n)`).
 *
 * A consumer that moves rows in bulk otherwise awaits one `next()` per row: the host does,
 * when an isolated plugin's stream crosses to the host's thread in batches, and there the
 * promise per row costs about a tenth of a large stream's time. With `nextBatch` a batch
 * is one promise. Consumers that do not know it keep calling `next()`; {@link readRowBatch}
 * uses it when it is there and falls back to `next()` when it is not.
 *
 * The contract:
 * - `nextBatch(max)` resolves to the stream's next rows, in order: at least one and at most
 *   `max` (a positive integer). Fewer than `max` does not mean the stream has ended.
 * - An empty array means it has ended: as when `next()` reports `done`, its resources are
 *   released.
 * - `next()` and `nextBatch()` read one sequence, and may be mixed.
 * - It rejects where `next()` would (a failed read, a closed datasource). A caller does not
 *   read a stream again after a rejection; it calls `return()` to let it clean up.
 * - After `return()` (or an aborted `signal`) it resolves to an empty array.
 * - The array is the caller's: the stream keeps no reference to it.
 *
 * @example
 * ```ts
 * import type { Row, RowBatchIterator, StreamOptions } from '@nocoflo/sdk';
 *
 * // A stream over a driver that reads synchronously: each batch is filled in one loop.
 * declare function openCursor(table: string): { read(): Row | undefined; close(): void };
 *
 * function stream(table: string, options: StreamOptions = {}): AsyncIterable<Row> {
 *   return {
 *     [Symbol.asyncIterator](): RowBatchIterator {
 *       let cursor: ReturnType<typeof openCursor> | undefined = openCursor(table);
 *       const done = () => {
 *         cursor?.close();
 *         cursor = undefined;
 *       };
 *       const read = (max: number): Row[] => {
 *         const rows: Row[] = [];
 *         while (cursor && rows.length < max && !options.signal?.aborted) {
 *           const row = cursor.read();
 *           if (row === undefined) done();
 *           else rows.push(row);
 *         }
 *         if (rows.length === 0) done();
 *         return rows;
 *       };
 *       return {
 *         next: async () => {
 *           const [row] = read(1);
 *           return row ? { value: row, done: false } : { value: undefined, done: true };
 *         },
 *         nextBatch: async (max) => read(max),
 *         return: async () => {
 *           done();
 *           return { value: undefined, done: true };
 *         },
 *       };
 *     },
 *   };
 * }
 * ```
 */
export interface RowBatchIterator extends AsyncIterator<Row> {
  /**
   * The stream's next rows: at least one and at most `max`, or none when it has ended.
   * @param max - The most rows wanted, a positive integer.
   */
  nextBatch(max: number): Promise<Row[]>;
}

/** One read of {@link readRowBatch}. */
export interface RowBatch {
  /** The rows read, in order: `max` of them unless the stream ended. */
  rows: Row[];
  /** The stream has ended: no row follows these. */
  done: boolean;
}

/**
 * Whether a stream's iterator offers the batch read ({@link RowBatchIterator}).
 *
 * @example
 * ```ts
 * import { hasBatchRead, type Datasource } from '@nocoflo/sdk';
 * declare const ds: Datasource;
 *
 * const iterator = ds.stream('orders')[Symbol.asyncIterator]();
 * if (hasBatchRead(iterator)) console.log(await iterator.nextBatch(500));
 * ```
 */
export function hasBatchRead(iterator: AsyncIterator<Row>): iterator is RowBatchIterator {
  return typeof (iterator as Partial<RowBatchIterator>).nextBatch === 'function';
}

/**
 * Reads up to `max` rows of a stream: with {@link RowBatchIterator.nextBatch} when the
 * iterator offers it (a promise per batch), else with `next()` (a promise per row). Fewer
 * than `max` rows come only when the stream ends, and then `done` is true; a stream that ends
 * just after a full batch says so on the next read (no rows, `done`).
 *
 * A rejection is the stream's: the caller should not read it again, and should call its
 * `return()`.
 *
 * @param iterator - A stream's iterator (`ds.stream(table)[Symbol.asyncIterator]()`).
 * @param max - The most rows wanted, a positive integer.
 * @returns The rows read and whether the stream has ended.
 * @throws NocofloError `NCF_INVALID_QUERY` when `max` is not a positive integer, and
 *   `NCF_DATASOURCE_ERROR` when the stream's `nextBatch` resolves to something other than an array.
 *
 * @example
 * ```ts
 * import { readRowBatch, type Datasource } from '@nocoflo/sdk';
 * declare const ds: Datasource;
 * declare function send(rows: readonly unknown[]): Promise<void>;
 *
 * const iterator = ds.stream('orders')[Symbol.asyncIterator]();
 * try {
 *   for (;;) {
 *     const { rows, done } = await readRowBatch(iterator, 1000);
 *     if (rows.length > 0) await send(rows);
 *     if (done) break;
 *   }
 * } finally {
 *   await iterator.return?.();
 * }
 * ```
 */
export async function readRowBatch(iterator: AsyncIterator<Row>, max: number): Promise<RowBatch> {
  if (!Number.isInteger(max) || max < 1)
    throw NocofloError.create(Errors.InvalidQuery, [`a batch's max must be a positive integer, got ${max}`]);
  if (hasBatchRead(iterator)) {
    const read = async (n: number): Promise<Row[]> => {
      const rows: unknown = await iterator.nextBatch(n);
      if (!Array.isArray(rows))
        throw NocofloError.create(Errors.DatasourceError, [
          'stream',
          `its nextBatch() resolved to ${rows === null ? 'null' : typeof rows}, not an array of rows`,
        ]);
      return rows;
    };
    // Usually the datasource's batch is the one wanted, and is handed over as it is.
    const rows = await read(max);
    while (rows.length > 0 && rows.length < max) {
      const more = await read(max - rows.length);
      if (more.length === 0) return { rows, done: true };
      for (const row of more) rows.push(row);
    }
    return { rows, done: rows.length === 0 };
  }
  const rows: Row[] = [];
  while (rows.length < max) {
    const next = await iterator.next();
    if (next.done) return { rows, done: true };
    rows.push(next.value);
  }
  return { rows, done: false };
}
