import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineDatasource, definePlugin } from '@nocoflo/sdk';
import { createMemoryDatasource, createTestHost, setupTestHost, type TestHost } from '@nocoflo/testing';
import '@nocoflo/testing/matchers';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const greeterFolder = fileURLToPath(new URL('../fixtures/plugins/greeter', import.meta.url));
const whereamiFixture = fileURLToPath(new URL('../fixtures/plugins/whereami', import.meta.url));
const sdkFolder = realpathSync(fileURLToPath(new URL('../../node_modules/@nocoflo/sdk', import.meta.url)));

/**
 * A copy of a plugin fixture laid out as an installed plugin: its dependency `@nocoflo/sdk` in
 * its own node_modules. At the process level a plugin reads only its folder and what it
 * declares, so it cannot borrow the test package's node_modules.
 */
function installedCopy(fixture: string): { path: string; [Symbol.dispose](): void } {
  const path = mkdtempSync(join(tmpdir(), 'nocoflo-installed-'));
  cpSync(fixture, path, { recursive: true });
  mkdirSync(join(path, 'node_modules', '@nocoflo'), { recursive: true });
  symlinkSync(sdkFolder, join(path, 'node_modules', '@nocoflo', 'sdk'), 'dir');
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
}

const memoryDatasources = definePlugin({
  datasources: [
    defineDatasource({
      name: 'memory',
      schemes: ['memory'],
      open: async (url) =>
        createMemoryDatasource({ url, tables: { orders: { rows: [{ id: 1, total: '9.90' }] } } }),
    }),
  ],
});

const audit = definePlugin({
  hooks: {
    beforeWrite: (write) => (write.table === 'locked' ? { reason: 'locked is read-only' } : undefined),
  },
});

describe('createTestHost', () => {
  it('starts plugins given in code and plugin folders on disk', async () => {
    await using host = await createTestHost({
      plugins: [{ name: 'audit', plugin: audit }, greeterFolder],
    });
    expect(host).toHavePluginState('audit', 'enabled');
    expect(host).toHavePluginState('greeter-plugin', 'enabled');
    expect(host.get('greeter-plugin')).toMatchObject({ source: 'directory', version: '1.2.3' });
    expect(host.get('audit')?.source).toBe('registered');
    const greet = host.service<(name: string) => string>('greeter.greet');
    expect(greet?.('test')).toBe('hello, test');
    expect(host.logs).toContainEqual(
      expect.objectContaining({
        message: 'greeter ready',
        data: expect.objectContaining({ plugin: 'greeter-plugin' }),
      }),
    );
  });

  it.each(['inline', 'worker', 'process'] as const)('runs plugin folders at the %s level', async (level) => {
    using whereami = installedCopy(whereamiFixture);
    // A deadline only a hang reaches: the default 2 s is for a quiet machine, and a worker or a
    // child process starting at load ~45 can take longer.
    await using host = await createTestHost({
      plugins: [whereami.path],
      isolation: level,
      callbackTimeoutMs: 120_000,
    });
    expect(host).toHavePluginState('whereami-plugin', 'enabled');
    expect(host.get('whereami-plugin')?.runtime?.isolation).toBe(level);
    (globalThis as { __whereamiRealm?: string }).__whereamiRealm = 'the test';
    const where =
      await host.service<() => Promise<{ pid: number; realm: string | null }>>('whereami.where')?.();
    // inline: the test's realm; worker: a realm of its own in this process; process: another process.
    if (level === 'inline') expect(where).toEqual({ pid: process.pid, realm: 'the test' });
    if (level === 'worker') expect(where).toEqual({ pid: process.pid, realm: null });
    if (level === 'process') {
      expect(where?.realm).toBeNull();
      expect(where?.pid).not.toBe(process.pid);
    }
  });

  it('takes the host isolation options: a level per plugin', async () => {
    using whereami = installedCopy(whereamiFixture);
    await using host = await createTestHost({
      plugins: [whereami.path, greeterFolder],
      isolation: { default: 'inline', plugins: { 'whereami-plugin': 'process' } },
    });
    expect(host.get('whereami-plugin')?.runtime?.isolation).toBe('process');
    expect(host.get('greeter-plugin')?.runtime?.isolation).toBe('inline');
    const where = await host.service<() => Promise<{ pid: number }>>('whereami.where')?.();
    expect(where?.pid).not.toBe(process.pid);
  });

  it('passes config to plugins and validates it', async () => {
    let seen: unknown;
    const configured = definePlugin({
      config: z.object({ greeting: z.string() }),
      setup(ctx) {
        seen = ctx.config.greeting;
      },
    });
    await using host = await createTestHost({
      plugins: [
        { name: 'good', plugin: configured },
        { name: 'bad', plugin: configured },
      ],
      config: { good: { greeting: 'hi' }, bad: { greeting: 42 } },
    });
    expect(seen).toBe('hi');
    expect(host).toHavePluginState('good', 'enabled');
    expect(host).toHaveFailedWith('bad', 'NCF_CONFIG_INVALID');
  });

  it("gives callbacks the host's own deadline by default: a setup slower than the old 2 s passes", async () => {
    // 2.2 s of waiting, not of work: a busy machine lengthens it only a little, and a 2 s
    // default (what the test host had) fails it.
    const slowSetup = definePlugin({ setup: () => new Promise<void>((done) => setTimeout(done, 2_200)) });
    await using host = await createTestHost({ plugins: [{ name: 'slow', plugin: slowSetup }] });
    expect(host).toHavePluginState('slow', 'enabled');
  });

  it('fails a hanging plugin at the callback deadline it is given', async () => {
    await using host = await createTestHost({
      plugins: [{ name: 'hangs', plugin: definePlugin({ setup: () => new Promise<void>(() => {}) }) }],
      callbackTimeoutMs: 200,
    });
    expect(host).toHaveFailedWith('hangs', 'NCF_PLUGIN_CALLBACK_TIMEOUT');
    expect(() => expect(host).toHavePluginState('hangs', 'enabled')).toThrow(
      /failed with NCF_PLUGIN_CALLBACK_TIMEOUT/,
    );
  });

  it('removes its temporary folder on stop, and stop is idempotent', async () => {
    const host = await createTestHost({ plugins: [{ name: 'audit', plugin: audit }] });
    expect(existsSync(host.tempDir)).toBe(true);
    await host.stop();
    await host.stop();
    expect(existsSync(host.tempDir)).toBe(false);
    expect(host).toHavePluginState('audit', 'torn_down');
    // The hook spies are removed with the host.
    expect((host.hooks.beforeWrite as unknown as { interceptors: unknown[] }).interceptors).toHaveLength(0);
  });

  it('forwards the whole host API, bound to the host', async () => {
    await using host = await createTestHost({ plugins: [{ name: 'audit', plugin: audit }] });
    const { list, get } = host;
    expect(list().map((p) => p.name)).toEqual(['audit']);
    expect(get('audit')?.state).toBe('enabled');
    expect(host.host.get('audit')).toEqual(host.get('audit'));
    expect('spies' in host && 'views' in host).toBe(true);
  });

  it('is disposed by await using', async () => {
    let dir = '';
    {
      await using host = await createTestHost();
      dir = host.tempDir;
      expect(existsSync(dir)).toBe(true);
    }
    expect(existsSync(dir)).toBe(false);
  });

  it('cleans up when start fails, and reports the error', async () => {
    await expect(
      createTestHost({ plugins: [{ name: 'x', plugin: audit, version: 'not-semver' }] }),
    ).rejects.toThrow(/not a valid semver/);
  });

  it('records hook calls and tap runs of data operations', async () => {
    await using host = await createTestHost({
      plugins: [
        { name: 'memory-ds', plugin: memoryDatasources },
        { name: 'audit', plugin: audit },
      ],
    });
    expect(host).toHaveCalledHook('hostStarted', 1);
    expect(host).toHaveTapped('audit', 'beforeWrite');
    const ds = await host.datasources.open('memory:');
    await ds.insert('orders', { id: 2, total: '1.00' });
    expect(host).toHaveCalledHookWith(
      'beforeWrite',
      expect.objectContaining({ table: 'orders', operation: 'insert' }),
    );
    expect(host).toHaveRunTap('beforeWrite', 'audit');
    expect(host).toHaveCalledHook('afterWrite', 1);
    await host.disable('audit');
    expect(host).not.toHaveTapped('audit', 'beforeWrite');
    expect(host).toHaveCalledHookWith(
      'pluginStateChanged',
      expect.objectContaining({ plugin: 'audit', to: 'disabled' }),
    );
  });
});

describe("a plugin's own data in a test host", () => {
  it('runs the plugin folder migrations in an in-memory namespace that ctx.database reads and writes', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ncf-testing-db-'));
    mkdirSync(join(folder, 'migrations'));
    writeFileSync(
      join(folder, 'migrations', '0001_notes.sql'),
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\nINSERT INTO notes (body) VALUES ('first');",
    );
    const seen: unknown[] = [];
    await using host = await createTestHost({
      plugins: [
        {
          name: 'notes',
          path: folder,
          plugin: definePlugin({
            async setup(ctx) {
              await ctx.database.query('INSERT INTO notes (body) VALUES (?)', ['second']);
              seen.push(
                ctx.database.dialect,
                (await ctx.database.query('SELECT body FROM notes ORDER BY id')).rows,
              );
            },
          }),
        },
      ],
    });
    expect(host.get('notes')?.state).toBe('enabled');
    expect(seen).toEqual(['sqlite', [{ body: 'first' }, { body: 'second' }]]);
    rmSync(folder, { recursive: true, force: true });
  });
});

describe('setupTestHost', () => {
  const host = setupTestHost(() => ({ plugins: [{ name: 'audit', plugin: audit }] }));
  let previous: TestHost | undefined;

  it('gives each test a started host', () => {
    previous = host();
    expect(host()).toHavePluginState('audit', 'enabled');
  });

  it('stopped the previous test host in afterEach', () => {
    expect(previous).toBeDefined();
    expect(host()).not.toBe(previous);
    expect(existsSync(previous?.tempDir ?? '')).toBe(false);
    expect(previous).toHavePluginState('audit', 'torn_down');
  });
});
