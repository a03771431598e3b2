/**
 * Rows a stream already holds, handed over without a promise each (host-internal).
 *
 * A consumer of `stream()` awaits one `next()` per row; through the host's layers (the data
 * hooks, an isolated plugin's batches) that is a few promises per row, a tenth of the time
 * of a large export. The host's own stream iterators hold whole batches anyway, so they also
 * offer the rest of the batch at once; a consumer that knows it (the export route) takes it
 * after each `next()`. Iterators without it (an inline plugin's) are read row by row.
 */
import type { Row } from '@nocoflo/sdk';

/** The method of an iterator that offers its held rows. */
export const TAKE_BUFFERED: unique symbol = Symbol('nocoflo.takeBuffered');

/** An async iterator of rows that can also hand over the rows it holds. */
export interface BufferedRowIterator extends AsyncIterator<Row> {
  /** The rows held after the last one `next()` gave, now counted as given (none when it holds none). */
  [TAKE_BUFFERED](): readonly Row[];
}

const NONE: readonly Row[] = Object.freeze([]);

/** The rows `iterator` holds, taken from it, or none when it does not offer them. */
export function takeBuffered(iterator: AsyncIterator<Row>): readonly Row[] {
  const take = (iterator as Partial<BufferedRowIterator>)[TAKE_BUFFERED];
  return typeof take === 'function' ? take.call(iterator) : NONE;
}
