/**
 * Helpers for authors of SQL datasources, parameterised by a {@link SqlDialect}: identifier
 * quoting, LIKE/GLOB escaping, value validation, filter compilation with `?` or `$n`
 * placeholders, NULL-safe keyset paging with opaque cursors, aggregate and write statements,
 * and reading a database server's connection URL.
 * Import from `@nocoflo/sdk/sql`.
 *
 * @packageDocumentation
 */
export { type AggregateOutput, type AggregatePlan, planAggregate } from './aggregate.js';
export { type ConnectionUrl, type ConnectionUrlFormat, parseConnectionUrl } from './connection-url.js';
export { type CursorPayload, decodeCursor, encodeCursor } from './cursor.js';
export { type PlaceholderStyle, type SqlDialect, SqlParams } from './dialect.js';
export { compileFilters } from './filter.js';
export { keysetCondition, orderByClause, resolveSortKeys, type SortKey, sortFingerprint } from './keyset.js';
export { escapeGlob, escapeLike, quoteIdentifier } from './quote.js';
export { boundedInteger, invalidQuery, requireColumn } from './schema.js';
export { compileSearch, type FullTextSearch, substringSearch } from './search.js';
export {
  finishPage,
  type PagePlan,
  planPage,
  planSelect,
  type SelectContext,
  type SelectOptions,
  type SelectPlan,
  selectedColumns,
  selectList,
  stripHidden,
} from './select.js';
export { normaliseBigInt, validateValue } from './values.js';
export {
  assertWritable,
  formatKey,
  planDelete,
  planFetch,
  planInsert,
  planUpdate,
  type WriteContext,
  type WritePlan,
} from './write.js';
