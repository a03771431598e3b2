/**
 * `@nocoflo/testing`: test a nocoflo plugin with vitest alone.
 *
 * @packageDocumentation
 */
export {
  conformanceTestName,
  DATASOURCE_CONFORMANCE_CHECKS,
  describeDatasourceConformance,
} from './conformance/datasource/describe.js';
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
  DatasourceConformanceOptions,
  FixtureColumn,
  FixtureTable,
} from './conformance/fixture-types.js';
export {
  createMemoryDatasource,
  type MemoryDatasource,
  type MemoryDatasourceCall,
  type MemoryDatasourceOptions,
  memoryDatasourceFromFixture,
} from './mocks/memory-datasource/memory-datasource.js';
export type { MemoryColumnInit, MemoryTableInit } from './mocks/memory-datasource/table.js';
