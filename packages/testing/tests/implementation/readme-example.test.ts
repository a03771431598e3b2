// The example of README.md, kept runnable.
import { definePlugin } from '@nocoflo/sdk';
import { createTestHost, describeDatasourceConformance, memoryDatasourceFromFixture } from '@nocoflo/testing';
import '@nocoflo/testing/matchers';
import { expect, it } from 'vitest';

const hello = definePlugin({ setup: (ctx) => ctx.logger.info('hello') });

it('starts', async () => {
  await using host = await createTestHost({ plugins: [{ name: 'hello', plugin: hello }] });
  expect(host).toHavePluginState('hello', 'enabled');
  expect(host.logs).toContainEqual(expect.objectContaining({ message: 'hello' }));
});

describeDatasourceConformance('memory (README)', {
  create: async (fixture) => memoryDatasourceFromFixture(fixture),
});
