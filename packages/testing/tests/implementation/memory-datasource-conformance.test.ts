import { describeDatasourceConformance, memoryDatasourceFromFixture } from '@nocoflo/testing';

describeDatasourceConformance('memory', { create: async (fixture) => memoryDatasourceFromFixture(fixture) });
