import { createHooks, type PluginInfo } from '@nocoflo/sdk';
import { spyOnHooks } from '@nocoflo/testing';
import '@nocoflo/testing/matchers';
import { describe, expect, it } from 'vitest';

function info(name: string, state: PluginInfo['state'], error?: PluginInfo['error']): PluginInfo {
  return {
    name,
    version: '1.0.0',
    state,
    ...(error ? { error } : {}),
    source: 'registered',
    dependencies: {},
    provides: [],
    contributions: { views: [], datasources: [], services: [], hooks: [] },
    permissions: [],
    warnings: [],
  };
}

const failure = {
  code: 'NCF_PLUGIN_CALLBACK_FAILED',
  title: 'Plugin callback failed',
  message: "bad's setup failed: boom",
  hint: 'fix bad',
};
const plugins = [info('good', 'enabled'), info('bad', 'failed', failure)];
const host = {
  get: (n: string) => plugins.find((p) => p.name === n),
  list: () => plugins,
  hooks: createHooks(),
};

describe('plugin matchers', () => {
  it('toHavePluginState passes and fails with the plugin error in the message', () => {
    expect(host).toHavePluginState('good', 'enabled');
    expect(host).not.toHavePluginState('bad', 'enabled');
    expect(() => expect(host).toHavePluginState('bad', 'enabled')).toThrow(
      /expected plugin "bad" to be enabled, but it is failed with NCF_PLUGIN_CALLBACK_FAILED: bad's setup failed: boom\n {2}hint: fix bad/,
    );
    expect(() => expect(host).toHavePluginState('nope', 'enabled')).toThrow(
      /no such plugin; known: good \(enabled\), bad \(failed\)/,
    );
    expect(() => expect(42).toHavePluginState('good', 'enabled')).toThrow(/expected a nocoflo host/);
  });

  it('toHaveFailedWith matches codes, catalog entries and message patterns', () => {
    expect(host).toHaveFailedWith('bad', 'NCF_PLUGIN_CALLBACK_FAILED');
    expect(host).toHaveFailedWith('bad', /boom/);
    expect(host).toHaveFailedWith('bad', { code: 'NCF_PLUGIN_CALLBACK_FAILED' } as never);
    expect(() => expect(host).toHaveFailedWith('good', 'NCF_X')).toThrow(
      /to have failed with NCF_X, but it is enabled/,
    );
  });

  it('toHaveTapped reads the taps on the hook', () => {
    host.hooks.beforeWrite.tapPromise('audit', async () => undefined);
    expect(host).toHaveTapped('audit', 'beforeWrite');
    expect(() => expect(host).toHaveTapped('other', 'beforeWrite')).toThrow(/taps on beforeWrite: audit/);
    expect(() => expect(host).toHaveTapped('audit', 'nope' as never)).toThrow(
      /is not a hook; hooks are hostStarted/,
    );
  });
});

describe('hook matchers', () => {
  it('count calls and match arguments, with asymmetric matchers', async () => {
    const hooks = createHooks();
    const spies = spyOnHooks(hooks);
    hooks.beforeWrite.tapPromise('audit', async () => undefined);
    await hooks.beforeWrite.promise({ datasource: 'memory:', table: 'orders', operation: 'insert' });
    expect(spies).toHaveCalledHook('beforeWrite');
    expect(spies).toHaveCalledHook('beforeWrite', 1);
    expect(spies).not.toHaveCalledHook('afterWrite');
    expect(spies).toHaveCalledHookWith('beforeWrite', expect.objectContaining({ table: 'orders' }));
    expect(spies).toHaveRunTap('beforeWrite', 'audit');
    expect(() => expect(spies).toHaveCalledHookWith('beforeWrite', { table: 'x' })).toThrow(
      /calls:\n {2}#1: [\s\S]*orders/,
    );
    expect(() => expect(spies).toHaveCalledHook('afterWrite')).toThrow(/it was called 0 time\(s\)/);
    expect(() => expect({}).toHaveCalledHook('afterWrite')).toThrow(/expected a test host or hook spies/);
  });
});

describe('HTML matchers', () => {
  const html = '<ul class="list"><li>one</li><li> two </li></ul>';

  it('check well-formedness and query with selectors', () => {
    expect(html).toBeWellFormedHtml();
    expect({ html }).toHaveElement('ul.list > li');
    expect(html).toHaveElementCount('li', 2);
    expect(html).toHaveElementText('li', 'two');
    expect(html).toHaveElementText('li', /^o/);
    expect(html).not.toHaveElement('table');
  });

  it('fail with the problems or the texts found', () => {
    expect(() => expect('<div><b>x</div>').toBeWellFormedHtml()).toThrow(/problems:\n.*unclosed-element/);
    expect(() => expect(html).toHaveElementCount('li', 3)).toThrow(
      /expected 3 element\(s\) matching "li", found 2/,
    );
    expect(() => expect(html).toHaveElementText('li', 'three')).toThrow(/texts: \["one","two"\]/);
    expect(() => expect(12).toBeWellFormedHtml()).toThrow(/expected an HTML string/);
  });
});
