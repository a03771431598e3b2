/**
 * The hostile-plugin corpus: each case is a plugin of its own that tries one way to freeze,
 * crash, subvert or spy on the host. The tests run each at the `worker` and `process`
 * levels beside a well-behaved plugin and check that the host keeps answering, the offender
 * ends `failed` naming the cause (or, for a case that cannot hurt the host, is simply
 * confined), the other plugin stays enabled, and its data is intact.
 */
import type { PluginHost } from '@nocoflo/host';

/** One hostile plugin. */
export interface HostileCase {
  /** What it does. */
  name: string;
  /** Module body after `import { definePlugin } from '@nocoflo/sdk';`. */
  source: string;
  /** Sets the incident off once the host runs (absent: it happens while the host starts). */
  trigger?: (host: PluginHost) => Promise<unknown>;
  /** What the offender's error must say; absent for cases the host confines without failing the plugin. */
  cause?: RegExp;
  /** Checks that the host's own realm is untouched (for the confinement cases). */
  confined?: (host: PluginHost) => Promise<void> | void;
  /** Heap limit the case runs with, in MB. */
  maxHeapMb?: number;
}

// The endless loops (and the endless microtasks below) first lower their own thread's CPU
// priority: on Linux the nice value belongs to the thread, the plugin's worker thread or its
// child process's main thread, never the host's. They still never return, which is all each
// case needs of them; at full priority the ~14 loops of each level took a whole core for
// their deadlines (~55 s of CPU a run) from the suites beside them on a two-core machine.
// One case, the route handler's, spins at full priority: the host still answers beside a
// plugin that takes a whole core.
const NICE = "if (process.platform === 'linux') process.getBuiltinModule('node:os').setPriority(19);";
const SPIN = 'for (;;) {}';
const LOOP = `${NICE}\n${SPIN}`;
const TIMEOUT = /did not finish|stopped answering|timed out/;
const CRASHED = /crashed|exited|ran out of memory/;

const route = (handler: string) => `export default definePlugin({
  setup(ctx) { ctx.registerRoute({ method: 'GET', path: '/go', handler: ${handler} }); },
});`;

const callRoute = async (host: PluginHost) => {
  const match = host.routes.match('offender', 'GET', '/go');
  if (!match) throw new Error('the offender has no route');
  return match.route.route.handler({ params: {}, query: {}, body: undefined, headers: {} });
};

const writeThroughGood = async (host: PluginHost) => {
  const ds = await host.datasources.open('good:x');
  try {
    return await ds.insert('items', { id: 100 + Math.floor(Math.random() * 1e6), label: 'incident' });
  } finally {
    await ds.close();
  }
};

const tableOf = async (host: PluginHost) => {
  const ds = await host.datasources.open('good:x');
  try {
    return await ds.describeTable('items');
  } finally {
    await ds.close();
  }
};

const viewOf = (body: string) => `export default definePlugin({
  views: [{ name: 'offender-view', title: 'Offender', ${body} }],
});`;

const renderOffender = async (host: PluginHost) => {
  const ds = await host.datasources.open('good:x');
  try {
    const table = await ds.describeTable('items');
    const view = host.views.list().find((v) => v.name === 'offender-view');
    if (!view) throw new Error('the offender has no view');
    return await view.definition.render({
      table,
      data: ds,
      params: {},
      urls: { page: '/', rows: '/r', assets: '/a' },
    });
  } finally {
    await ds.close();
  }
};

/** The corpus. */
export const HOSTILE_CASES: readonly HostileCase[] = [
  { name: 'sync loop at import', source: `${LOOP}\nexport default definePlugin({});`, cause: TIMEOUT },
  {
    name: 'sync loop in setup',
    source: `export default definePlugin({ setup() { ${LOOP} } });`,
    cause: TIMEOUT,
  },
  {
    name: 'sync loop in enable',
    source: `export default definePlugin({ enable() { ${LOOP} } });`,
    cause: TIMEOUT,
  },
  {
    name: 'never-settling setup',
    source: 'export default definePlugin({ setup() { return new Promise(() => {}); } });',
    cause: TIMEOUT,
  },
  {
    name: 'sync loop in an async hook tap',
    source: `export default definePlugin({ hooks: { afterWrite() { ${LOOP} } } });`,
    trigger: writeThroughGood,
    cause: TIMEOUT,
  },
  {
    name: 'sync loop in a beforeWrite tap',
    source: `export default definePlugin({ hooks: { beforeWrite() { ${LOOP} } } });`,
    trigger: (host) => writeThroughGood(host).catch(() => undefined),
    cause: TIMEOUT,
  },
  {
    name: 'sync loop in a route handler',
    source: route(`() => { ${SPIN} }`),
    trigger: callRoute,
    cause: TIMEOUT,
  },
  {
    name: 'starved event loop (endless microtasks) in a route',
    source: route(
      `() => { ${NICE} const spin = () => Promise.resolve().then(spin); spin(); return new Promise(() => {}); }`,
    ),
    trigger: callRoute,
    // Each turn allocates a promise: the heap limit may end it before the watchdog does.
    cause: /did not finish|stopped answering|timed out|ran out of memory/,
  },
  {
    name: 'sync loop in a view render',
    source: viewOf(`canHandle: () => 1, render() { ${LOOP} }`),
    trigger: renderOffender,
    cause: TIMEOUT,
  },
  {
    name: 'sync loop in a view canHandle',
    source: viewOf(`canHandle() { ${LOOP} }, render: () => ({ html: '' })`),
    trigger: async (host) => host.views.forTable(await tableOf(host)),
    cause: TIMEOUT,
  },
  {
    name: 'sync loop in a viewCandidates tap',
    source: `export default definePlugin({ hooks: { viewCandidates() { ${LOOP} } } });`,
    trigger: async (host) => host.views.forTable(await tableOf(host)),
    cause: TIMEOUT,
  },
  {
    name: 'sync loop in a datasource read',
    source: `export default definePlugin({ datasources: [{ name: 'bad', schemes: ['bad'], async open(url) {
      return { url, capabilities: { write: false, estimates: false }, async listTables() { ${LOOP} }, async close() {} };
    } }] });`,
    trigger: async (host) => (await host.datasources.open('bad:x')).listTables(),
    cause: TIMEOUT,
  },
  {
    name: 'sync loop in a service method',
    source: `export default definePlugin({ setup(ctx) { ctx.services.provide('offender.svc', { run() { ${LOOP} } }); } });`,
    trigger: async (host) => (host.service('offender.svc') as { run(): unknown }).run(),
    cause: TIMEOUT,
  },
  {
    name: 'process.exit in setup',
    source: 'export default definePlugin({ setup() { process.exit(3); } });',
    cause: CRASHED,
  },
  {
    name: 'process.exit in a route',
    source: route('() => { process.exit(0); }'),
    trigger: callRoute,
    cause: CRASHED,
  },
  {
    name: 'late unhandled rejection',
    source: `export default definePlugin({ setup(ctx) { ctx.registerRoute({ method: 'GET', path: '/go', handler: () => {
      setTimeout(() => Promise.reject(new Error('late rejection')), 1); return { body: 'ok' }; } }); } });`,
    trigger: callRoute,
    cause: /late rejection/,
  },
  {
    name: 'throw in a plain setTimeout',
    source: route(
      `() => { setTimeout(() => { throw new Error('thrown in a timer'); }, 1); return { body: 'ok' }; }`,
    ),
    trigger: callRoute,
    cause: /thrown in a timer/,
  },
  {
    name: "unhandled 'error' event",
    source: `import { EventEmitter } from 'node:events';
${route(`() => { const e = new EventEmitter(); setTimeout(() => e.emit('error', new Error('unhandled error event')), 1); return { body: 'ok' }; }`)}`,
    trigger: callRoute,
    cause: /unhandled error event/,
  },
  {
    name: 'throw in a context timer',
    source: `export default definePlugin({ enable(ctx) { ctx.setTimeout(() => { throw new Error('ctx timer threw'); }, 1); } });`,
    trigger: async (host) => {
      while (host.get('offender')?.state === 'enabled') await new Promise((resolve) => setImmediate(resolve));
    },
    cause: /ctx timer threw/,
  },
  {
    name: 'allocates until out of memory',
    source: route(
      '() => { const keep = []; for (;;) keep.push(new Array(1e5).fill({ a: Math.random() })); }',
    ),
    trigger: callRoute,
    cause: /out of memory|crashed|exited/,
    maxHeapMb: 32,
  },
  {
    name: 'throws at import',
    source: "throw new Error('broken at import');\nexport default definePlugin({});",
    cause: /broken at import/,
  },
  {
    name: 'default export is not a plugin',
    source: 'export default { setup() {} };',
    cause: /not made by definePlugin/,
  },
  {
    name: 'patches crypto.timingSafeEqual with syncBuiltinESMExports',
    source: `import crypto from 'node:crypto'; import { syncBuiltinESMExports } from 'node:module';
crypto.timingSafeEqual = () => true; syncBuiltinESMExports();
export default definePlugin({});`,
    confined: async () => {
      const crypto = await import('node:crypto');
      if (crypto.timingSafeEqual(Buffer.from('a'), Buffer.from('b')))
        throw new Error('timingSafeEqual was patched');
    },
  },
  {
    name: 'replaces JSON.stringify',
    source: `JSON.stringify = () => '"captured"';\nexport default definePlugin({});`,
    confined: () => {
      if (JSON.stringify({ a: 1 }) !== '{"a":1}') throw new Error('JSON.stringify was replaced');
    },
  },
  {
    name: 'replaces fetch',
    source: `globalThis.fetch = async () => new Response('captured');\nexport default definePlugin({});`,
    confined: () => {
      if (String(globalThis.fetch).includes('captured')) throw new Error('fetch was replaced');
    },
  },
  {
    name: 'pollutes Object.prototype',
    source: `Object.prototype.polluted = 'yes';\nexport default definePlugin({});`,
    confined: () => {
      if (({} as Record<string, unknown>).polluted !== undefined)
        throw new Error('Object.prototype was polluted');
    },
  },
  {
    name: 'replaces Array.prototype.map and Promise.prototype.then',
    source: `Array.prototype.map = function () { return []; }; const then = Promise.prototype.then;
Promise.prototype.then = function (a, b) { return then.call(this, a, b); };
export default definePlugin({});`,
    confined: () => {
      if ([1, 2].map((x) => x * 2).length !== 2) throw new Error('Array.prototype.map was replaced');
    },
  },
  {
    name: 'reads argv and env for secrets',
    source: `export default definePlugin({ setup(ctx) { ctx.registerRoute({ method: 'GET', path: '/go',
      handler: () => ({ body: { argv: process.argv.slice(2), env: Object.keys(process.env) } }) }); } });`,
    confined: async (host) => {
      const response = (await callRoute(host)) as { body: { argv: string[]; env: string[] } };
      if (response.body.argv.length > 0)
        throw new Error(`the plugin saw argv ${response.body.argv.join(' ')}`);
      if (response.body.env.length > 0) throw new Error(`the plugin saw env ${response.body.env.join(' ')}`);
    },
  },
  {
    name: 'sets process.env for the host',
    source: `process.env.NOCOFLO_PLANTED = 'yes';\nexport default definePlugin({});`,
    confined: () => {
      if (process.env.NOCOFLO_PLANTED !== undefined) throw new Error('the plugin changed the host env');
    },
  },
  {
    name: 'sync loop in disable',
    source: `export default definePlugin({ disable() { ${LOOP} } });`,
    trigger: (host) => host.disable('offender'),
    cause: TIMEOUT,
  },
];
