import {
  type Datasource,
  definePlugin,
  defineView,
  type HookArgs,
  hasBatchRead,
  type PluginContext,
  type Row,
  type RowBatch,
  type RowBatchIterator,
  readRowBatch,
  type TapFn,
  type WriteEvent,
  type WriteVeto,
} from '@nocoflo/sdk';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

describe('public API types', () => {
  it('flows the config schema into ctx.config', () => {
    definePlugin({
      config: z.object({ table: z.string(), limit: z.number().default(10) }),
      setup(ctx) {
        expectTypeOf(ctx.config.table).toEqualTypeOf<string>();
        expectTypeOf(ctx.config.limit).toEqualTypeOf<number>();
      },
    });
  });

  it('types taps from the hook name', () => {
    expectTypeOf<HookArgs<'beforeWrite'>>().toEqualTypeOf<[WriteEvent]>();
    type Veto = TapFn<'beforeWrite'>;
    expectTypeOf<ReturnType<Veto>>().toExtend<
      WriteVeto | undefined | void | Promise<WriteVeto | undefined | void>
    >();
    const ctx = {} as PluginContext;
    // @ts-expect-error: not a hook
    ctx.tap('beforeWirte', () => {});
    // @ts-expect-error: sync hook taps must not be async
    ctx.tap('viewCandidates', async (list) => list);
    ctx.tap('viewCandidates', (list) => list.filter((c) => c.score > 10));
    ctx.tap('beforeWrite', async (write) => (write.table === 'x' ? { reason: 'no' } : undefined));
  });

  it('keeps view definitions literal', () => {
    const view = defineView({ name: 'v', title: 'V', canHandle: () => 1, render: () => ({ html: '' }) });
    expectTypeOf(view.name).toEqualTypeOf<'v'>();
  });

  it('exposes the whole datasource surface', () => {
    expectTypeOf<keyof Datasource>().toEqualTypeOf<
      | 'url'
      | 'capabilities'
      | 'maxConnections'
      | 'listTables'
      | 'describeTable'
      | 'readPage'
      | 'stream'
      | 'aggregate'
      | 'insert'
      | 'update'
      | 'delete'
      | 'testConnection'
      | 'close'
    >();
  });

  it('types the batch read of a stream', () => {
    expectTypeOf<RowBatchIterator>().toExtend<AsyncIterator<Row>>();
    expectTypeOf<RowBatchIterator['nextBatch']>().toEqualTypeOf<(max: number) => Promise<Row[]>>();
    expectTypeOf(readRowBatch).returns.toEqualTypeOf<Promise<RowBatch>>();
    const ds = {} as Datasource;
    const iterator = ds.stream('t')[Symbol.asyncIterator]();
    // @ts-expect-error: a stream's iterator offers nextBatch only when it says so
    iterator.nextBatch(10);
    if (hasBatchRead(iterator)) expectTypeOf(iterator.nextBatch(10)).toEqualTypeOf<Promise<Row[]>>();
    // An iterator that offers it is still a plain stream's iterator.
    const offering: RowBatchIterator = {
      next: async () => ({ value: undefined, done: true }),
      nextBatch: async () => [],
    };
    const _stream: AsyncIterable<Row> = { [Symbol.asyncIterator]: () => offering };
  });
});
