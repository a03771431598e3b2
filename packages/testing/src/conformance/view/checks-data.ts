/**
 * The view suite's data checks: what a view shows must be what its data handle returned
 * (no row skipped, none reordered), its own links must work when followed (cursor and sort
 * parameters reach `readPage`), a failing datasource must not look like an empty table,
 * NULL must look different from an empty string, hostile key values must stay inert in
 * attributes, and declared assets must ship with the package.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, matchesGlob, normalize, relative, resolve, sep } from 'node:path';
import {
  Errors,
  isNocofloError,
  NocofloError,
  type Page,
  type ReadPageOptions,
  type TableSchema,
  type ViewDataAccess,
  type ViewDefinition,
  type ViewRenderResult,
} from '@nocoflo/sdk';
import type { Element } from 'domhandler';
import { expect } from 'vitest';
import { formatHtmlProblems, queryAll, textOf } from '../../html/parse.js';
import { createMemoryDatasource } from '../../mocks/memory-datasource/memory-datasource.js';
import type { MemoryTableInit } from '../../mocks/memory-datasource/table.js';
import { HOSTILE_KEYS, hostileKeyTable, markedTable, markersIn, oneNoteTable } from './data-samples.js';
import { liveInjections } from './inert.js';
import { parseOnce } from './parse-once.js';
import { XSS_TOKEN } from './samples.js';

/** URLs every render of the suite gets. */
export const SUITE_URLS = {
  page: '/tables/sample',
  rows: '/api/datasources/memory/tables/sample/rows',
  assets: '/plugins/view/assets',
} as const;

/** One readPage call a view made, with what it got back. */
interface ReadRecord {
  options: ReadPageOptions;
  page: Page;
}

/** A render through a data handle that records every readPage call. */
interface RecordedRender {
  result: ViewRenderResult;
  reads: ReadRecord[];
  /** readPage calls that failed, with the error. */
  failedReads: { options: ReadPageOptions; error: unknown }[];
}

const TABLE = 'sample';

async function tableOf(init: MemoryTableInit) {
  const ds = createMemoryDatasource({ tables: { [TABLE]: init }, url: 'memory:view-conformance' });
  return { ds, schema: Object.freeze(await ds.describeTable(TABLE)) as TableSchema };
}

/** Whether the view accepts a table (a score above 0). */
function accepts(view: ViewDefinition, schema: TableSchema): boolean {
  const score = view.canHandle(schema);
  return score !== false && score > 0;
}

async function renderRecorded(
  view: ViewDefinition,
  init: MemoryTableInit,
  params: Record<string, string> = {},
): Promise<RecordedRender> {
  const { ds, schema } = await tableOf(init);
  const reads: ReadRecord[] = [];
  const failedReads: RecordedRender['failedReads'] = [];
  const data: ViewDataAccess = {
    async readPage(table, options = {}) {
      try {
        const page = await ds.readPage(table, options);
        reads.push({ options: { ...options }, page });
        return page;
      } catch (error) {
        failedReads.push({ options: { ...options }, error });
        throw error;
      }
    },
    aggregate: ds.aggregate.bind(ds),
    describeTable: ds.describeTable.bind(ds),
  };
  const result = await view.render({ table: schema, data, params, urls: SUITE_URLS });
  return { result, reads, failedReads };
}

function expectWellFormed(result: ViewRenderResult, what: string): void {
  expect(typeof result?.html, `${what}: render must return { html: string }`).toBe('string');
  const { problems } = parseOnce(result.html);
  if (problems.length > 0)
    expect.fail(`${what}: the HTML is not well-formed:\n${formatHtmlProblems(problems)}`);
}

/**
 * The rows shown are the rows of the page readPage returned (the view's first read of whole
 * rows), all of them, in the returned order. A view that shows no row of the marked table, or reads only aggregates (a chart,
 * a summary), passes.
 */
function expectShownRowsMatch({ result, reads }: RecordedRender, what: string): void {
  const shown = [...new Set(markersIn(result.html))];
  // No row of the table shown, or values from aggregates (a chart's categories): nothing to match.
  if (shown.length === 0 || reads.length === 0) return;
  // The page the view shows is its first read of whole rows; reads of some columns only
  // (a form view looking up its neighbours' keys) are not pages it shows.
  const pageRead = reads.find((r) => r.page.rows.some((row) => row.label !== undefined));
  if (!pageRead) return;
  const returned = pageRead.page.rows.map((row) => String(row.label));
  expect(
    shown[0],
    `${what}: the first row shown is ${shown[0]}, but the first row readPage returned is ${returned[0]} (a row skipped?)`,
  ).toBe(returned[0]);
  expect(shown, `${what}: the rows shown are not exactly the rows readPage returned, in their order`).toEqual(
    [...new Set(returned)],
  );
}

/** Links of the HTML that lead back to the view's own page with parameters. */
function ownLinks(html: string): Record<string, string>[] {
  const seen = new Set<string>();
  const found: Record<string, string>[] = [];
  for (const a of queryAll(parseOnce(html), 'a[href]')) {
    const href = a.attribs.href ?? '';
    let url: URL;
    try {
      url = new URL(href, `http://view.test${SUITE_URLS.page}`);
    } catch {
      continue;
    }
    if (url.origin !== 'http://view.test' || url.pathname !== SUITE_URLS.page || url.search.length < 2)
      continue;
    if (seen.has(url.search)) continue;
    seen.add(url.search);
    found.push(Object.fromEntries(url.searchParams));
  }
  return found;
}

/** Elements marked with aria-sort agree with the sort the view asked readPage for. */
function expectSortMarksMatch({ result, reads }: RecordedRender, schema: TableSchema, what: string): void {
  for (const element of queryAll(parseOnce(result.html), '[aria-sort]') as Element[]) {
    const mark = element.attribs['aria-sort'];
    if (mark !== 'ascending' && mark !== 'descending') continue;
    const text = textOf(element);
    const column = schema.columns.find((c) => text.includes(c.name))?.name;
    if (!column) continue;
    const direction = mark === 'ascending' ? 'asc' : 'desc';
    const asked = reads.map((r) => r.options.sort?.[0]).filter((s) => s !== undefined);
    expect(
      asked.some((s) => s.column === column && (s.direction ?? 'asc') === direction),
      `${what}: the page marks ${column} as sorted ${mark}, but readPage was asked for ${JSON.stringify(asked)}`,
    ).toBe(true);
  }
}

/** Registers one check; the suite's `test` helper names it from VIEW_CONFORMANCE_CHECKS. */
type Register = (id: string, run: () => Promise<void>) => void;

/** Options the data checks read. */
export interface DataCheckOptions {
  /** The package folder the view's assets are relative to. */
  packageDir?: string;
}

/** Registers the data checks of the view suite. */
export function registerDataChecks(
  test: Register,
  resolveView: () => ViewDefinition,
  options: DataCheckOptions,
): void {
  test('render.shownRows', async () => {
    const view = resolveView();
    const { schema } = await tableOf(markedTable());
    if (!accepts(view, schema)) return;
    const render = await renderRecorded(view, markedTable());
    expectWellFormed(render.result, 'a 260-row table');
    expectShownRowsMatch(render, 'a 260-row table');
  });

  test('render.ownLinks', async () => {
    const view = resolveView();
    const { schema } = await tableOf(markedTable());
    if (!accepts(view, schema)) return;
    const first = await renderRecorded(view, markedTable());
    // The links of the first page, then the links of the pages those lead to (a sorted
    // page's "next" must keep its sort), up to 24 renders.
    const queue: { params: Record<string, string>; from: RecordedRender }[] = ownLinks(first.result.html).map(
      (params) => ({ params, from: first }),
    );
    const visited = new Set<string>();
    for (let step = 0; step < queue.length && visited.size < 24; step++) {
      const { params, from } = queue[step] as (typeof queue)[number];
      const id = new URLSearchParams(params).toString();
      if (visited.has(id)) continue;
      visited.add(id);
      const cursors = new Set(
        from.reads.flatMap((r) => [r.page.nextCursor, r.page.prevCursor]).filter(Boolean),
      );
      const what = `following the view's link ?${id}`;
      let render: RecordedRender;
      try {
        render = await renderRecorded(view, markedTable(), params);
      } catch (error) {
        expect.fail(`${what}: render threw ${String(error)}`);
      }
      expectWellFormed(render.result, what);
      expect(
        render.failedReads.map((f) => String(f.error)),
        `${what}: a link the view made leads to a readPage that fails`,
      ).toEqual([]);
      expectShownRowsMatch(render, what);
      expectSortMarksMatch(render, schema, what);
      // A cursor the view put in its own link must reach readPage when the link is followed.
      for (const value of Object.values(params)) {
        if (!cursors.has(value)) continue;
        expect(
          render.reads.some((r) => r.options.cursor === value),
          `${what}: the link carries a cursor readPage returned, but the view did not pass it back to readPage`,
        ).toBe(true);
        const before = new Set(markersIn(from.result.html));
        const repeated = markersIn(render.result.html).filter((m) => before.has(m));
        expect(repeated, `${what}: the next page repeats rows of the page before`).toEqual([]);
      }
      if (from === first)
        for (const next of ownLinks(render.result.html)) queue.push({ params: next, from: render });
    }
  });

  test('render.badParams', async () => {
    const view = resolveView();
    const { schema } = await tableOf(markedTable(30));
    if (!accepts(view, schema)) return;
    const params = {
      cursor: 'not-a-cursor',
      sort: 'no_such_column',
      dir: 'sideways',
      page: '-1',
      limit: '1e9',
    };
    try {
      const { result } = await renderRecorded(view, markedTable(30), params);
      expectWellFormed(result, 'parameters that make no sense');
    } catch (error) {
      if (!isNocofloError(error))
        expect.fail(`parameters that make no sense: render threw ${String(error)} (not a NocofloError)`);
    }
  });

  test('render.dataError', async () => {
    const view = resolveView();
    const { ds, schema } = await tableOf(markedTable(30));
    if (!accepts(view, schema)) return;
    const failure = NocofloError.create(Errors.DatasourceError, [
      'read',
      'ncf-data-failure: the connection dropped',
    ]);
    let reads = 0;
    const failing: ViewDataAccess = {
      readPage: async () => {
        reads++;
        return Promise.reject(failure);
      },
      aggregate: async () => {
        reads++;
        return Promise.reject(failure);
      },
      describeTable: ds.describeTable.bind(ds),
    };
    let result: ViewRenderResult;
    try {
      result = await view.render({ table: schema, data: failing, params: {}, urls: SUITE_URLS });
    } catch {
      return; // the host shows the error: the right outcome
    }
    expectWellFormed(result, 'a datasource that fails');
    if (reads === 0) return; // a view that shows the schema only never meets the failure
    const text = textOf(parseOnce(result.html).root);
    expect(
      /ncf-data-failure|NCF_DATASOURCE_ERROR/.test(result.html),
      'a datasource that fails: render resolved, but its HTML does not show the error (reject, or show it)',
    ).toBe(true);
    expect(text, 'a datasource that fails must not look like an empty table').not.toMatch(
      /no rows|no data|nothing to show|\bempty\b/i,
    );
  });

  test('render.nullDistinct', async () => {
    const view = resolveView();
    const { schema } = await tableOf(oneNoteTable(null));
    if (!accepts(view, schema)) return;
    const shown = await renderRecorded(view, { ...oneNoteTable(''), rows: [{ id: 1, note: 'ncfnote' }] });
    if (!shown.result.html.includes('ncfnote')) return; // the view does not show the column's values
    const [nullHtml, emptyHtml] = await Promise.all([
      renderRecorded(view, oneNoteTable(null)).then((r) => r.result.html),
      renderRecorded(view, oneNoteTable('')).then((r) => r.result.html),
    ]);
    expect(nullHtml, 'a NULL cell renders exactly like an empty string: mark NULL').not.toBe(emptyHtml);
  });

  test('render.hostileKeys', async () => {
    const view = resolveView();
    const { schema } = await tableOf(hostileKeyTable());
    if (!accepts(view, schema)) return;
    const { result } = await renderRecorded(view, hostileKeyTable());
    expect(typeof result?.html, 'render must return { html: string }').toBe('string');
    const parsed = parseOnce(result.html);
    const injections = liveInjections(parsed, XSS_TOKEN);
    if (injections.length > 0)
      expect.fail(`key values escaped into live markup:\n  ${injections.join('\n  ')}`);
    expectWellFormed(result, 'a table whose keys are hostile');
    // Attributes that carry a row key as JSON decode to a real key.
    for (const element of queryAll(parsed, '*') as Element[]) {
      for (const [name, value] of Object.entries(element.attribs)) {
        if (!/^\s*[[{]/.test(value) || !value.includes('code')) continue;
        let decoded: unknown;
        try {
          decoded = JSON.parse(value);
        } catch {
          expect.fail(
            `the ${name} attribute of <${element.name}> holds a row key that is not valid JSON: ${value}`,
          );
        }
        const code = (decoded as { code?: unknown })?.code;
        if (code !== undefined)
          expect(
            HOSTILE_KEYS,
            `the ${name} attribute of <${element.name}> decodes to a key no row has`,
          ).toContain(code);
      }
    }
  });

  test('assets.declared', async () => {
    const view = resolveView();
    const assets = view.assets ?? [];
    if (assets.length === 0) return;
    const dir = resolve(options.packageDir ?? process.cwd());
    const manifestFile = join(dir, 'package.json');
    const files = existsSync(manifestFile)
      ? ((JSON.parse(readFileSync(manifestFile, 'utf8')) as { files?: string[] }).files ?? undefined)
      : undefined;
    for (const asset of assets) {
      const file = resolve(dir, asset);
      const inside = relative(dir, file);
      expect(
        !isAbsolute(asset) && inside !== '' && !inside.startsWith(`..${sep}`) && inside !== '..',
        `the asset ${asset} is not a path inside the package folder ${dir}`,
      ).toBe(true);
      expect(existsSync(file) && statSync(file).isFile(), `the asset ${asset} is missing: ${file}`).toBe(
        true,
      );
      const path = normalize(inside).split(sep).join('/');
      const shipped =
        files === undefined ||
        files.some((entry) => {
          const pattern = normalize(entry).split(sep).join('/').replace(/\/+$/, '');
          return (
            pattern === '.' ||
            path === pattern ||
            path.startsWith(`${pattern}/`) ||
            (/[*?[{]/.test(pattern) && matchesGlob(path, pattern))
          );
        });
      expect(
        shipped,
        `package.json "files" (${JSON.stringify(files)}) leaves the asset ${asset} out of the package`,
      ).toBe(true);
    }
  });
}
