/**
 * `describeViewConformance`: the view conformance suite as one call inside a vitest file.
 * It checks `canHandle` on sample schemas of many shapes, and that `render` produces
 * well-formed HTML (parsed by parse5) with every data value inert, for full, empty,
 * one-row, NULL-only, hostile and very wide tables.
 */
import {
  isPlugin,
  type NocofloPlugin,
  type TableSchema,
  type ViewDefinition,
  type ViewRenderResult,
} from '@nocoflo/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHost, type TestHost } from '../../host/create-test-host.js';
import { formatHtmlProblems } from '../../html/parse.js';
import { createMemoryDatasource } from '../../mocks/memory-datasource/memory-datasource.js';
import type { MemoryTableInit } from '../../mocks/memory-datasource/table.js';
import type { ConformanceCheckInfo } from '../datasource/describe.js';
import { DEFAULT_CHECK_TIMEOUT_MS, DEFAULT_VIEW_CALLBACK_TIMEOUT_MS } from '../time-limits.js';
import { registerDataChecks } from './checks-data.js';
import { liveInjections } from './inert.js';
import { parseOnce } from './parse-once.js';
import { mixedTable, renderVariants, sampleTables, XSS_TOKEN } from './samples.js';

/** Options of {@link describeViewConformance}. */
export interface ViewConformanceOptions {
  /**
   * Which views of a plugin to test, by name. Default: the plugin's declared `views`.
   * Name views the plugin registers in `setup` here.
   */
  views?: readonly string[];
  /** Plugin config, when the subject is a plugin. */
  config?: unknown;
  /**
   * Whether the view should handle each sample table (score above 0), by sample name:
   * mixed, textOnly, noPrimaryKey, compositeKey, timeSeries, everyType, wide, noColumns,
   * readOnlyView. Adds the check `canHandle.expectations`.
   */
  handles?: Readonly<Record<string, boolean>>;
  /** The table render checks start from (it must be one the view handles). Default: a mixed table of every common type. */
  sample?: MemoryTableInit;
  /**
   * Time limit of one check, of each of the view's callbacks in it, and of the hooks that
   * start and stop the suite's test host, in ms. Default: 10 minutes for each (only a hang
   * reaches them).
   */
  timeoutMs?: number;
  /**
   * The package folder declared assets are relative to, and whose package.json `files` must
   * ship them. Default: the working folder (where vitest runs the plugin's tests).
   */
  packageDir?: string;
}

/**
 * Every check of the view suite: stable id and title (the test is named `<id>: <title>`).
 *
 * - `canHandle.range`: canHandle answers false or a score from 0 to 100 for tables of every shape, without throwing
 * - `canHandle.pure`: canHandle gives the same answer twice and does not modify the schema
 * - `canHandle.expectations`: canHandle accepts and declines the sample tables the author expects
 * - `render.result`: render returns { html } with a string (and an optional string title)
 * - `render.wellFormed`: render output is well-formed HTML
 * - `render.escapesData`: every cell value and column name is escaped: markup in the data stays inert text
 * - `render.empty`: an empty table renders well-formed HTML
 * - `render.oneRow`: a table with one row renders well-formed HTML
 * - `render.nulls`: rows of NULLs render well-formed HTML
 * - `render.wide`: a very wide table (over 150 columns) renders well-formed HTML
 * - `render.everyType`: a table with every column type renders well-formed HTML, if the view accepts it
 * - `render.shownRows`: the rows shown are the rows readPage returned, from the first and in order (none skipped)
 * - `render.ownLinks`: the view's own links (cursor, sort, …) render when followed: cursors reach readPage, pages do not repeat, aria-sort matches the sort asked for
 * - `render.badParams`: parameters that make no sense render well-formed HTML or reject with a NocofloError
 * - `render.dataError`: a data handle that fails makes render reject or show the error, never "No rows"
 * - `render.nullDistinct`: a NULL cell renders differently from an empty string
 * - `render.hostileKeys`: key columns holding quotes and markup stay inert, and keys in attributes decode to real keys
 * - `assets.declared`: every declared asset is a file inside the package, shipped by package.json "files"
 */
export const VIEW_CONFORMANCE_CHECKS: readonly ConformanceCheckInfo[] = [
  {
    id: 'canHandle.range',
    title: 'canHandle answers false or a score from 0 to 100 for tables of every shape, without throwing',
  },
  { id: 'canHandle.pure', title: 'canHandle gives the same answer twice and does not modify the schema' },
  {
    id: 'canHandle.expectations',
    title: 'canHandle accepts and declines the sample tables the author expects',
  },
  { id: 'render.result', title: 'render returns { html } with a string (and an optional string title)' },
  { id: 'render.wellFormed', title: 'render output is well-formed HTML' },
  {
    id: 'render.escapesData',
    title: 'every cell value and column name is escaped: markup in the data stays inert text',
  },
  { id: 'render.empty', title: 'an empty table renders well-formed HTML' },
  { id: 'render.oneRow', title: 'a table with one row renders well-formed HTML' },
  { id: 'render.nulls', title: 'rows of NULLs render well-formed HTML' },
  { id: 'render.wide', title: 'a very wide table (over 150 columns) renders well-formed HTML' },
  {
    id: 'render.everyType',
    title: 'a table with every column type renders well-formed HTML, if the view accepts it',
  },
  {
    id: 'render.shownRows',
    title: 'the rows shown are the rows readPage returned, from the first and in order (none skipped)',
  },
  {
    id: 'render.ownLinks',
    title:
      "the view's own links (cursor, sort, …) render when followed: cursors reach readPage, pages do not repeat, aria-sort matches the sort asked for",
  },
  {
    id: 'render.badParams',
    title: 'parameters that make no sense render well-formed HTML or reject with a NocofloError',
  },
  {
    id: 'render.dataError',
    title: 'a data handle that fails makes render reject or show the error, never "No rows"',
  },
  { id: 'render.nullDistinct', title: 'a NULL cell renders differently from an empty string' },
  {
    id: 'render.hostileKeys',
    title: 'key columns holding quotes and markup stay inert, and keys in attributes decode to real keys',
  },
  {
    id: 'assets.declared',
    title: 'every declared asset is a file inside the package, shipped by package.json "files"',
  },
];

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

async function schemaOf(
  init: MemoryTableInit,
  name = 'sample',
): Promise<{ schema: TableSchema; ds: ReturnType<typeof createMemoryDatasource> }> {
  const ds = createMemoryDatasource({ tables: { [name]: init }, url: 'memory:view-conformance' });
  return { schema: deepFreeze(await ds.describeTable(name)), ds };
}

async function render(
  view: ViewDefinition,
  init: MemoryTableInit,
  name = 'sample',
): Promise<ViewRenderResult> {
  const { schema, ds } = await schemaOf(init, name);
  const score = view.canHandle(schema);
  if (score === false || score <= 0) {
    expect.fail(
      `the view declines the table it is asked to render (canHandle gave ${String(score)}); pass a table it handles as options.sample`,
    );
  }
  const result = await view.render({
    table: schema,
    // Only the read access the host gives views, so a view that writes or holds the datasource fails here too.
    data: {
      readPage: ds.readPage.bind(ds),
      aggregate: ds.aggregate.bind(ds),
      describeTable: ds.describeTable.bind(ds),
    },
    params: {},
    urls: {
      page: '/tables/sample',
      rows: '/api/datasources/memory/tables/sample/rows',
      assets: '/plugins/view/assets',
    },
  });
  return result;
}

function expectWellFormed(result: ViewRenderResult, what: string): void {
  expect(typeof result?.html, `${what}: render must return { html: string }`).toBe('string');
  const { problems } = parseOnce(result.html);
  if (problems.length > 0)
    expect.fail(`${what}: the HTML is not well-formed:\n${formatHtmlProblems(problems)}`);
}

function registerChecks(resolveView: () => ViewDefinition, options: ViewConformanceOptions): void {
  const base = options.sample ?? mixedTable();
  const variants = renderVariants(base);
  const timeout = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const test = (id: string, run: () => Promise<void>) => {
    const c = VIEW_CONFORMANCE_CHECKS.find((x) => x.id === id);
    if (!c) throw new Error(`unknown view check ${id}`);
    it(`${c.id}: ${c.title}`, run, timeout);
  };

  test('canHandle.range', async () => {
    const view = resolveView();
    for (const [name, init] of Object.entries(sampleTables())) {
      const { schema } = await schemaOf(init, name);
      let score: unknown;
      try {
        score = view.canHandle(schema);
      } catch (error) {
        expect.fail(`canHandle threw for the ${name} table: ${String(error)}`);
      }
      const ok =
        score === false ||
        (typeof score === 'number' && Number.isFinite(score) && score >= 0 && score <= 100);
      expect(ok, `canHandle(${name}) returned ${String(score)}`).toBe(true);
    }
  });

  test('canHandle.pure', async () => {
    const view = resolveView();
    for (const [name, init] of Object.entries(sampleTables())) {
      const { schema } = await schemaOf(init, name);
      const before = JSON.stringify(schema);
      let first: unknown;
      let second: unknown;
      try {
        first = view.canHandle(schema);
        second = view.canHandle(schema);
      } catch (error) {
        expect.fail(`canHandle threw for the frozen ${name} schema (does it modify it?): ${String(error)}`);
      }
      expect(second, `canHandle(${name}) twice`).toBe(first);
      expect(JSON.stringify(schema), `schema of ${name} after canHandle`).toBe(before);
    }
  });

  if (options.handles) {
    const handles = options.handles;
    test('canHandle.expectations', async () => {
      const view = resolveView();
      const samples = sampleTables();
      for (const [name, expected] of Object.entries(handles)) {
        const init = samples[name];
        if (!init)
          throw new Error(
            `no sample table ${JSON.stringify(name)}; samples are ${Object.keys(samples).join(', ')}`,
          );
        const score = view.canHandle((await schemaOf(init, name)).schema);
        expect(
          score !== false && score > 0,
          `canHandle(${name}) = ${String(score)}, expected the view to ${expected ? 'accept' : 'decline'} it`,
        ).toBe(expected);
      }
    });
  }

  test('render.result', async () => {
    const result = await render(resolveView(), variants.full);
    expect(typeof result.html).toBe('string');
    expect(result.html.length, 'html length').toBeGreaterThan(0);
    if (result.title !== undefined) expect(typeof result.title).toBe('string');
  });

  test('render.wellFormed', async () =>
    expectWellFormed(await render(resolveView(), variants.full), 'a full table'));

  test('render.escapesData', async () => {
    const result = await render(resolveView(), variants.hostile, `<script>${XSS_TOKEN}(table)</script>`);
    expect(typeof result?.html, 'render must return { html: string }').toBe('string');
    // Injections first: they are the finding that matters; broken markup usually follows from them.
    const injections = liveInjections(parseOnce(result.html), XSS_TOKEN);
    if (injections.length > 0) expect.fail(`data escaped into live markup:\n  ${injections.join('\n  ')}`);
    expectWellFormed(result, 'a table of markup-shaped values');
  });

  test('render.empty', async () =>
    expectWellFormed(await render(resolveView(), variants.empty), 'an empty table'));
  test('render.oneRow', async () =>
    expectWellFormed(await render(resolveView(), variants.oneRow), 'a one-row table'));
  test('render.nulls', async () =>
    expectWellFormed(await render(resolveView(), variants.nulls), 'rows of NULLs'));
  test('render.wide', async () =>
    expectWellFormed(await render(resolveView(), variants.wide), 'a 160-column table'));

  registerDataChecks(test, resolveView, options);

  test('render.everyType', async () => {
    const view = resolveView();
    const init = sampleTables().everyType as MemoryTableInit;
    const score = view.canHandle((await schemaOf(init)).schema);
    if (score === false || score <= 0) return; // a view need not render tables it declines
    expectWellFormed(await render(view, init), 'a table of every column type');
  });
}

/** Whether a plugin's views can be tested from its declarations alone (see describeViewConformance). */
function isStatic(plugin: NocofloPlugin, names: readonly string[], options: ViewConformanceOptions): boolean {
  const declared = new Set((plugin.views ?? []).map((v) => v.name));
  return (
    options.config === undefined &&
    plugin.setup === undefined &&
    plugin.enable === undefined &&
    names.every((n) => declared.has(n))
  );
}

/**
 * Registers the view conformance suite for a view definition, or for the views of a
 * plugin. A plugin with `setup`, `enable` or `config`, or whose `options.views` names views
 * it registers at runtime, is started in a real test host (so `@nocoflo/host` must be
 * installed); a plugin that only declares views is tested from its declarations.
 *
 * @example
 * ```ts
 * import { definePlugin, defineView } from '@nocoflo/sdk';
 * import { describeViewConformance } from '@nocoflo/testing';
 *
 * const countView = defineView({
 *   name: 'count',
 *   title: 'Row count',
 *   canHandle: (table) => (table.columns.length > 0 ? 1 : false),
 *   render: async ({ table, data }) => ({ html: `<p>${(await data.readPage(table.name, { limit: 1 })).estimatedTotal ?? '?'} rows</p>` }),
 * });
 *
 * describeViewConformance('count view', definePlugin({ views: [countView] }), { handles: { mixed: true, noColumns: false } });
 * ```
 */
export function describeViewConformance(
  name: string,
  subject: ViewDefinition | NocofloPlugin,
  options: ViewConformanceOptions = {},
): void {
  describe(`view conformance: ${name}`, () => {
    if (!isPlugin(subject)) {
      registerChecks(() => subject, options);
      return;
    }
    const names = options.views ?? (subject.views ?? []).map((v) => v.name);
    if (names.length === 0) {
      it('the plugin declares views to test', () => {
        expect.fail('the plugin declares no views; name the views it registers at runtime in options.views');
      });
      return;
    }
    // A plugin whose views are all declared, with no lifecycle and no config, is tested
    // without a host: its views are exactly its declarations, and a view plugin's tests
    // then need neither @nocoflo/host nor its native SQLite driver installed.
    if (isStatic(subject, names, options)) {
      for (const viewName of names) {
        const view = subject.views?.find((v) => v.name === viewName) as ViewDefinition;
        describe(`view ${viewName}`, () => registerChecks(() => view, options));
      }
      return;
    }
    let host: TestHost | undefined;
    const pluginName = `view-conformance-${name.replace(/[^a-z0-9-]/gi, '-').toLowerCase()}`;
    // The hooks that start and stop the test host take a check's limit, not the vitest
    // config's (10 s by default in a plugin's project): starting a host that does nothing
    // wrong can take longer than that on a busy machine.
    const hookLimit = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
    beforeAll(async () => {
      // The view's callbacks may take as long as a check may: even the host's default deadline
      // (10 s) is reachable on a busy machine by a render that does nothing wrong, e.g. one
      // that loads its drawing library on first use.
      const deadline = options.timeoutMs ?? DEFAULT_VIEW_CALLBACK_TIMEOUT_MS;
      host = await createTestHost({
        plugins: [{ name: pluginName, plugin: subject }],
        callbackTimeoutMs: deadline,
        tapTimeoutMs: deadline,
        ...(options.config === undefined ? {} : { config: { [pluginName]: options.config } }),
      });
    }, hookLimit);
    afterAll(async () => {
      await host?.stop();
    }, hookLimit);
    for (const viewName of names) {
      describe(`view ${viewName}`, () => {
        registerChecks(() => {
          const info = host?.get(pluginName);
          if (info?.state !== 'enabled') {
            throw new Error(
              `the plugin did not start: it is ${info?.state ?? 'missing'}${info?.error ? ` (${info.error.code}: ${info.error.message})` : ''}`,
            );
          }
          const found = host?.views.list().find((v) => v.plugin === pluginName && v.name === viewName);
          if (!found) throw new Error(`the plugin registered no view named ${JSON.stringify(viewName)}`);
          return found.definition;
        }, options);
      });
    }
  });
}
