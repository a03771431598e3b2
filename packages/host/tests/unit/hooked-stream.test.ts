import { createHooks, type Datasource, type QueryOutcome, type Row } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';
import { TAKE_BUFFERED, takeBuffered } from '../../src/data/buffered-rows.js';
import { HookedDatasource } from '../../src/data/hooked-datasource.js';

/** A datasource whose stream yields `rows`, then fails with `failure` if given. */
function streaming(rows: Row[], failure?: Error): Datasource {
  return {
    url: 'memory:',
    close: () => Promise.resolve(),
    stream: () => ({
      [Symbol.asyncIterator]() {
        let i = 0;
        return {
          next: () =>
            i < rows.length
              ? Promise.resolve({ done: false, value: rows[i++]! })
              : failure
                ? Promise.reject(failure)
                : Promise.resolve({ done: true, value: undefined }),
          return: () => Promise.resolve({ done: true, value: undefined }),
        };
      },
    }),
  } as unknown as Datasource;
}

function hooked(inner: Datasource) {
  const hooks = createHooks();
  const seen: string[] = [];
  const outcomes: QueryOutcome[] = [];
  hooks.beforeQuery.tapPromise('test', async (event) => void seen.push(`before ${event.operation}`));
  hooks.afterQuery.tapPromise('test', async (_event, outcome) => void outcomes.push(outcome));
  return { ds: new HookedDatasource(inner, hooks, () => {}), seen, outcomes };
}

describe('a hooked datasource stream', () => {
  const rows = [{ id: 1 }, { id: 2 }, { id: 3 }];

  it('hands out the rows and tells afterQuery how many', async () => {
    const { ds, seen, outcomes } = hooked(streaming(rows));
    const got: Row[] = [];
    for await (const row of ds.stream('t')) got.push(row);
    expect(got).toEqual(rows);
    expect(seen).toEqual(['before stream']);
    expect(outcomes).toMatchObject([{ rowCount: 3 }]);
    expect(outcomes[0]?.error).toBeUndefined();
  });

  it('hands over the rows the plugin holds at once, and counts them for afterQuery', async () => {
    const inner = streaming(rows);
    const plain = inner.stream.bind(inner);
    // An iterator that holds its rows offers the rest of them without a promise each.
    inner.stream = (table, options) => {
      const iterator = plain(table, options)[Symbol.asyncIterator]();
      let given = 1;
      return {
        [Symbol.asyncIterator]: () =>
          Object.assign(iterator, {
            [TAKE_BUFFERED]: () => {
              const rest = rows.slice(given);
              given = rows.length;
              return rest;
            },
          }),
      };
    };
    const { ds, outcomes } = hooked(inner);
    const iterator = ds.stream('t')[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual(rows[0]);
    expect(takeBuffered(iterator)).toEqual(rows.slice(1));
    await iterator.return?.();
    expect(outcomes).toMatchObject([{ rowCount: 3 }]);
  });

  it('tells afterQuery when the reader stops early', async () => {
    const { ds, outcomes } = hooked(streaming(rows));
    for await (const row of ds.stream('t')) if (row.id === 2) break;
    expect(outcomes).toMatchObject([{ rowCount: 2 }]);
  });

  it('turns a driver failure into NCF_DATASOURCE_ERROR, after the rows read so far', async () => {
    const { ds, outcomes } = hooked(streaming(rows.slice(0, 1), new Error('disk gone')));
    const got: Row[] = [];
    await expect(
      (async () => {
        for await (const row of ds.stream('t')) got.push(row);
      })(),
    ).rejects.toMatchObject({ code: 'NCF_DATASOURCE_ERROR' });
    expect(got).toEqual(rows.slice(0, 1));
    expect(outcomes).toMatchObject([{ rowCount: 1, error: { code: 'NCF_DATASOURCE_ERROR' } }]);
  });

  it('refuses to stream once closed', async () => {
    const { ds } = hooked(streaming(rows));
    await ds.close?.();
    await expect(ds.stream('t')[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: expect.stringMatching(/^NCF_/),
    });
  });
});
