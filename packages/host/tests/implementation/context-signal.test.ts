import { createHost, type PluginHost } from '@nocoflo/host';
import { definePlugin, type PluginContext } from '@nocoflo/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// The signal is made when a plugin first reads it: reading it late must look the same as
// reading it early.
describe('ctx.signal read at any moment', () => {
  let host: PluginHost;
  beforeEach(async () => {
    host = await createHost({ root: process.cwd(), pluginDirs: [], scanNodeModules: false });
    await host.start();
  });
  afterEach(async () => {
    await host.stop();
  });

  it('is aborted when first read in disable or teardown, live again after enable', async () => {
    let saved: PluginContext | undefined;
    const seen: Record<string, boolean> = {};
    await host.register(
      definePlugin({
        setup: (ctx) => {
          saved = ctx;
        },
        enable: (ctx) => {
          seen[`enable ${Object.keys(seen).length}`] = ctx.signal.aborted;
        },
        disable: (ctx) => {
          seen.disable = ctx.signal.aborted;
        },
        teardown: (ctx) => {
          seen.teardown = ctx.signal.aborted;
        },
      }),
      { name: 'late-reader' },
    );
    await host.disable('late-reader');
    const firstReason: unknown = saved?.signal.reason;
    expect(firstReason).toBeInstanceOf(DOMException);
    expect((firstReason as DOMException).name).toBe('AbortError');
    await host.enable('late-reader');
    expect(saved?.signal.aborted).toBe(false);
    await host.unregister('late-reader');
    expect(saved?.signal.aborted).toBe(true);
    expect(seen).toEqual({ 'enable 0': false, disable: true, 'enable 2': false, teardown: true });
  });

  it('aborts a signal read before the disable once, with the reason it keeps', async () => {
    let signal: AbortSignal | undefined;
    let aborts = 0;
    await host.register(
      definePlugin({
        enable: (ctx) => {
          signal = ctx.signal;
          signal.addEventListener('abort', () => aborts++);
        },
      }),
      { name: 'early-reader' },
    );
    await host.reload('early-reader');
    expect(signal?.aborted).toBe(false); // the reload's enable read a new one
    await host.disable('early-reader');
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as DOMException).name).toBe('AbortError');
    expect(aborts).toBe(2); // the first activation's signal, then the reload's
  });
});
