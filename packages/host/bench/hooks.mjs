// Hook dispatch: the host's hooks (taps registered through a plugin context, each guarded
// for failure isolation) against raw tapable with the same taps, and against a plain loop.
// Async hooks have two tapable floors: `tapPromise` (the contract plugin taps have: any tap
// may return a promise) and `tap` (tapable's fastest form, for taps known to be sync).
import { definePlugin } from '@nocoflo/sdk';
import { AsyncSeriesHook, SyncHook } from 'tapable';
import { createHost } from '../dist/index.js';
import { measure, row } from './report.mjs';

const BATCH = 1000;
// A call takes nanoseconds, so a ratio moves with JIT and scheduling noise: take the median
// of more paired rounds than the slower sections need.
const ROUNDS = 9;

export async function benchHooks() {
  const rows = [];
  for (const taps of [1, 10, 100]) {
    let sink = 0;
    const fns = Array.from({ length: taps }, (_, i) => (change) => {
      sink += change.n + i;
    });
    const asyncFns = Array.from({ length: taps }, (_, i) => (event, outcome) => {
      sink += event.n + outcome.n + i;
    });
    // Taps that answer with a promise (an audit plugin's async tap): the host waits on each
    // under one deadline per call; tapable's `tapPromise` is the floor.
    const promiseFns = Array.from({ length: taps }, (_, i) => async (event) => {
      sink += event.n + i;
    });

    const host = await createHost({ scanNodeModules: false, pluginDirs: [] });
    await host.start();
    await host.register(
      definePlugin({
        setup(ctx) {
          for (const fn of fns) ctx.tap('pluginStateChanged', fn);
          for (const fn of asyncFns) ctx.tap('afterQuery', fn);
          for (const fn of promiseFns) ctx.tap('beforeQuery', fn);
        },
      }),
      { name: `bench-${taps}` },
    );

    const raw = new SyncHook(['change']);
    for (const fn of fns) raw.tap('raw', fn);
    const rawAsync = new AsyncSeriesHook(['event', 'outcome']);
    for (const fn of asyncFns) rawAsync.tapPromise('raw', (a, b) => Promise.resolve(fn(a, b)));
    const rawAsyncSync = new AsyncSeriesHook(['event', 'outcome']);
    for (const fn of asyncFns) rawAsyncSync.tap('raw', fn);
    const rawPromise = new AsyncSeriesHook(['event']);
    for (const fn of promiseFns) rawPromise.tapPromise('raw', fn);

    const arg = { n: 1 };
    const outcome = { n: 2 };
    const hostHook = host.hooks.pluginStateChanged;
    const sync = await measure(
      {
        host: () => {
          for (let i = 0; i < BATCH; i++) hostHook.call(arg);
        },
        tapable: () => {
          for (let i = 0; i < BATCH; i++) raw.call(arg);
        },
        loop: () => {
          for (let i = 0; i < BATCH; i++) for (const fn of fns) fn(arg);
        },
      },
      { batch: BATCH, rounds: ROUNDS },
    );
    const hostAsync = host.hooks.afterQuery;
    const ASYNC_BATCH = 100;
    const asyncResult = await measure(
      {
        host: async () => {
          for (let i = 0; i < ASYNC_BATCH; i++) await hostAsync.promise(arg, outcome);
        },
        tapable: async () => {
          for (let i = 0; i < ASYNC_BATCH; i++) await rawAsync.promise(arg, outcome);
        },
        tapableSync: async () => {
          for (let i = 0; i < ASYNC_BATCH; i++) await rawAsyncSync.promise(arg, outcome);
        },
        loop: async () => {
          for (let i = 0; i < ASYNC_BATCH; i++) for (const fn of asyncFns) await fn(arg, outcome);
        },
      },
      { batch: ASYNC_BATCH, rounds: ROUNDS },
    );
    const hostPromise = host.hooks.beforeQuery;
    const promiseResult = await measure(
      {
        host: async () => {
          for (let i = 0; i < ASYNC_BATCH; i++) await hostPromise.promise(arg);
        },
        tapable: async () => {
          for (let i = 0; i < ASYNC_BATCH; i++) await rawPromise.promise(arg);
        },
      },
      { batch: ASYNC_BATCH, rounds: ROUNDS },
    );
    rows.push(row('hooks', `sync hook, ${taps} tap(s)`, sync.host, 'raw tapable', sync.tapable, 1.1));
    rows.push(row('hooks', `sync hook, ${taps} tap(s)`, sync.host, 'plain loop', sync.loop));
    rows.push(
      row(
        'hooks',
        `async series hook, ${taps} tap(s)`,
        asyncResult.host,
        'raw tapable, tapPromise',
        asyncResult.tapable,
        1.1,
      ),
    );
    rows.push(
      row(
        'hooks',
        `async series hook, ${taps} tap(s)`,
        asyncResult.host,
        'raw tapable, sync taps',
        asyncResult.tapableSync,
        1.1,
      ),
    );
    rows.push(
      row('hooks', `async series hook, ${taps} tap(s)`, asyncResult.host, 'plain loop', asyncResult.loop),
    );
    rows.push(
      row(
        'hooks',
        `async series hook, ${taps} promise tap(s)`,
        promiseResult.host,
        'raw tapable, tapPromise',
        promiseResult.tapable,
        1.5,
      ),
    );
    await host.stop();
    if (sink === 42) console.log(''); // keep the work observable
  }
  return rows;
}
