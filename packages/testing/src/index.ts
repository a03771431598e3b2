/**
 * `@nocoflo/testing`: test a nocoflo plugin with vitest alone.
 *
 * - {@link createTestHost} / {@link setupTestHost}: a real host per test, over a temp folder.
 * - {@link createMemoryDatasource}, {@link createMockView}, {@link spyOnHooks}: mocks.
 * - {@link describeDatasourceConformance}, {@link describeViewConformance}: conformance suites.
 * - `@nocoflo/testing/matchers`: vitest matchers, registered by importing it.
 *
 * @packageDocumentation
 */

export {
  type ConformanceCheckInfo,
  conformanceTestName,
  DATASOURCE_CONFORMANCE_CHECKS,
  describeDatasourceConformance,
} from './conformance/datasource/describe.js';
export { seededConformanceFixture } from './conformance/datasource/seed.js';
export { conformanceFixture, FIXTURE_TABLES, HOSTILE_COLUMNS } from './conformance/fixture.js';
export {
  FIXTURE_NATIVE_TYPES,
  type FixtureDialect,
  type FixtureSqlOptions,
  type FixtureStatement,
  fixtureSql,
} from './conformance/fixture-sql.js';
export type {
  ConformanceFixture,
  ConformanceLimits,
  ConformanceSubject,
  DatasourceConformanceCapabilities,
  DatasourceConformanceOptions,
  FixtureColumn,
  FixtureTable,
} from './conformance/fixture-types.js';
export {
  describeViewConformance,
  VIEW_CONFORMANCE_CHECKS,
  type ViewConformanceOptions,
} from './conformance/view/describe.js';
export { sampleTables, XSS_PAYLOADS, XSS_TOKEN } from './conformance/view/samples.js';
export {
  createTestHost,
  type TestHost,
  type TestHostOptions,
  type TestPluginSpec,
} from './host/create-test-host.js';
export { createMemoryLogger, type LogEntry, type LogLevel, type MemoryLogger } from './host/memory-logger.js';
export { setupTestHost } from './host/setup-test-host.js';
export {
  formatHtmlProblems,
  type HtmlProblem,
  type ParsedHtml,
  parseHtml,
  queryAll,
  queryOne,
  textOf,
} from './html/parse.js';
export { type HookCall, type HookSpies, spyOnHooks, type TapRun } from './mocks/hook-spies.js';
export {
  createMemoryDatasource,
  type MemoryDatasource,
  type MemoryDatasourceCall,
  type MemoryDatasourceOptions,
  memoryDatasourceFromFixture,
} from './mocks/memory-datasource/memory-datasource.js';
export type { MemoryColumnInit, MemoryTableInit } from './mocks/memory-datasource/table.js';
export { createMockView, type MockView, type MockViewOptions } from './mocks/view.js';
export { canonicalText, compareValues, normalizeTemporal, valuesEqual } from './values/compare.js';
export { addDecimals, compareDecimals, normalizeDecimal } from './values/decimal.js';
