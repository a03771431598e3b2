/**
 * Helpers for authors of SQL datasources: identifier quoting, LIKE escaping and keyset
 * cursors. Import from `@nocoflo/sdk/sql`.
 *
 * @packageDocumentation
 */
export { type CursorPayload, decodeCursor, encodeCursor } from './cursor.js';
export { escapeLike, quoteIdentifier } from './quote.js';
