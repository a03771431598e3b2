/**
 * Datasources that cannot do everything pass the suite: each check that needs what they
 * lack checks the refusal instead, and says so. Read-only ones declared as such have the
 * write checks' rows seeded through their own setup and read back.
 */
import { describeDatasourceConformance, memoryDatasourceFromFixture } from '@nocoflo/testing';
import { narrowDatasource } from '../fixtures/narrow-datasource.js';

// Declared read-only: rows are seeded through create(), and the round-trip checks read them.
describeDatasourceConformance('memory, read-only (declared)', {
  capabilities: { readOnly: true },
  create: async (fixture) => memoryDatasourceFromFixture(fixture, { readOnly: true }),
});

// Read-only but not declared: the suite reads it from capabilities.write at run time.
describeDatasourceConformance('memory, read-only (read from the datasource)', {
  create: async (fixture) => memoryDatasourceFromFixture(fixture, { readOnly: true }),
});

// Some filters only, no streaming, no aggregates, declared by the datasource itself.
describeDatasourceConformance('narrow (capabilities from the datasource)', {
  create: async (fixture) => narrowDatasource(memoryDatasourceFromFixture(fixture)),
});

// The same, declared to the suite instead, and read-only too.
describeDatasourceConformance('narrow and read-only (declared to the suite)', {
  capabilities: {
    readOnly: true,
    stream: false,
    aggregate: false,
    filters: ['eq', 'in', 'gte', 'isNull', 'isNotNull', 'contains'],
  },
  create: async (fixture) =>
    narrowDatasource(memoryDatasourceFromFixture(fixture, { readOnly: true }), { readOnly: true }),
});
