/**
 * Issue #16's filtering features in a real browser (playwright-core driving Chromium), on
 * Chinook in SQLite and in PostgreSQL, served by the built CLI: several conditions combined
 * with all / any and kept in the URL (a reload and the Back button restore them), the quick
 * search box, Datasette-style facets that add a condition when clicked (their counts what a
 * click shows, under all and under any), the chart view reached from a filtered table drawing
 * the filtered rows, and chart defaults chosen from column statistics (issue #16, defect 5). Every page is checked against the database
 * itself. Skips cleanly when the dataset (../shared/datasets/chinook) or a browser is absent;
 * the PostgreSQL half needs NOCOFLO_PG_URL.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, HOW_TO_GET_CHROMIUM, NO_PLAYWRIGHT_LIMIT } from '../fixtures/browser.js';
import {
  type ChinookTarget,
  type ChinookTargets,
  hasChinook,
  type ChinookRows as Rows,
  startChinookTargets,
} from '../fixtures/chinook.js';
import { launchChromium } from '../fixtures/launch-chromium.js';
import { type RunningServer, startServer } from '../fixtures/serve.js';

const executablePath = findChromium();
const required = process.env.CI === 'true';
const pgUrl = process.env.NOCOFLO_PG_URL;
if (!executablePath && !required) console.warn(`filters browser test skipped: ${HOW_TO_GET_CHROMIUM}`);
if (!hasChinook) console.warn('filters browser test skipped: ../shared/datasets/chinook is absent');

type Column = 'trackId' | 'name' | 'composer' | 'genreId' | 'mediaTypeId' | 'milliseconds';
type Table = 'track' | 'artist' | 'genre' | 'invoice' | 'invoiceLine';

type Target = ChinookTarget<Table, Column>;

const available = Boolean(executablePath || required) && hasChinook;

describe.skipIf(!available)(
  'several filters, quick search, facets and filtered charts in Chromium, on Chinook',
  () => {
    let browser: Browser;
    let server: RunningServer;
    let chinook: ChinookTargets<Table, Column> | undefined;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      if (!executablePath) throw new Error(`CI=true needs a browser, but ${HOW_TO_GET_CHROMIUM}`);
      if (!pgUrl && required) throw new Error('CI=true needs NOCOFLO_PG_URL for the PostgreSQL half');
      chinook = await startChinookTargets({
        prefix: 'filters-e2e',
        pgUrl,
        tables: {
          track: 'Track',
          artist: 'Artist',
          genre: 'Genre',
          invoice: 'Invoice',
          invoiceLine: 'InvoiceLine',
        },
        cols: {
          trackId: 'TrackId',
          name: 'Name',
          composer: 'Composer',
          genreId: 'GenreId',
          mediaTypeId: 'MediaTypeId',
          milliseconds: 'Milliseconds',
        },
      });
      server = await startServer({ urls: chinook.urls });
      browser = await launchChromium(executablePath);
    });

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      await chinook?.cleanup();
      expect(pageErrors).toEqual([]);
    });

    async function newPage(): Promise<Page> {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.setDefaultTimeout(NO_PLAYWRIGHT_LIMIT);
      page.on('pageerror', (error) => pageErrors.push(error.message));
      return page;
    }

    for (const which of ['SQLite', 'PostgreSQL'] as const) {
      describe(which, () => {
        const skip = which === 'PostgreSQL' && !pgUrl && !required;
        const target = (): Target => {
          if (!chinook) throw new Error('Chinook was not set up (see beforeAll)');
          return chinook.get(which);
        };
        const tableUrl = (query: string) =>
          `${server.url}/d/${target().id}/t/${target().tables.track}?view=table&${query}`;
        const q = (name: string) => `"${name}"`;
        const idsOnPage = (page: Page) =>
          page.locator(`.ncf-grid tbody td[data-col="${target().cols.trackId}"]`).allTextContents();
        const ids = (rows: Rows) => rows.map((r) => String(r.id));
        /** What the chart drew: its groups' labels and values, as the page hands them to its script. */
        const chartData = async (page: Page): Promise<{ labels: string[]; values: number[] }> =>
          JSON.parse((await page.locator('.ncf-chart-data').textContent()) ?? '{}');

        it.skipIf(skip)(
          'combines conditions with all or any, keeps them in the URL, and Back restores the earlier filter',
          async () => {
            const t = target();
            const c = t.cols;
            const page = await newPage();
            const conditions = `fcol=${c.genreId}&fop=eq&fval=1&fcol1=${c.milliseconds}&fop1=gt&fval1=400000`;
            await page.goto(tableUrl(`${conditions}&sort=${c.trackId}&limit=200`));
            const all = await t.query(
              `SELECT ${q(c.trackId)} AS id FROM ${q(t.tables.track)} WHERE ${q(c.genreId)} = 1 AND ${q(c.milliseconds)} > 400000 ORDER BY ${q(c.trackId)}`,
            );
            expect(all.length).toBeGreaterThan(3);
            expect(all.length).toBeLessThan(200);
            expect(await idsOnPage(page)).toEqual(ids(all));
            // Both conditions are in the form, and a reload shows the same rows.
            expect(await page.locator('.ncf-filter .ncf-condition select[name="fcol1"]').inputValue()).toBe(
              c.milliseconds,
            );
            await page.reload();
            expect(await idsOnPage(page)).toEqual(ids(all));

            // "Any condition" from the form: the rows of either condition, and the URL says so.
            const any = await t.query(
              `SELECT ${q(c.trackId)} AS id FROM ${q(t.tables.track)} WHERE ${q(c.genreId)} = 1 OR ${q(c.milliseconds)} > 400000 ORDER BY ${q(c.trackId)} LIMIT 200`,
            );
            expect(any.length).toBeGreaterThan(all.length);
            await page.locator('.ncf-filter select[name="fmatch"]').selectOption('any');
            await Promise.all([
              page.waitForURL(/fmatch=any/),
              page.locator('.ncf-filter button[type="submit"]').first().click(),
            ]);
            // The filter form starts again from the first page of its default size.
            const anyShown = await idsOnPage(page);
            expect(anyShown.length).toBeGreaterThan(0);
            expect(anyShown).toEqual(ids(any).slice(0, anyShown.length));
            expect(anyShown).not.toEqual(ids(all).slice(0, anyShown.length));

            await page.goBack();
            await page.waitForURL((url) => !url.search.includes('fmatch=any'));
            expect(await idsOnPage(page)).toEqual(ids(all));
            await page.close();
          },
        );

        it.skipIf(skip)(
          'shows a refused condition beside the form and still applies the others',
          async () => {
            const t = target();
            const c = t.cols;
            const page = await newPage();
            await page.goto(
              tableUrl(
                `fcol=${c.genreId}&fop=eq&fval=1&fcol1=${c.milliseconds}&fop1=gt&fval1=abc&sort=${c.trackId}&limit=50`,
              ),
            );
            const rock = await t.query(
              `SELECT ${q(c.trackId)} AS id FROM ${q(t.tables.track)} WHERE ${q(c.genreId)} = 1 ORDER BY ${q(c.trackId)} LIMIT 50`,
            );
            expect(await page.locator('.ncf-filter .ncf-filter-error').count()).toBeGreaterThan(0);
            expect(await page.locator('.ncf-filter .ncf-filter-error').first().textContent()).toMatch(
              /Filter not applied/,
            );
            expect(await idsOnPage(page)).toEqual(ids(rock));
            await page.close();
          },
        );

        it.skipIf(skip)(
          'finds rows by the quick search box, ignoring case, over the text columns',
          async () => {
            const t = target();
            const c = t.cols;
            const page = await newPage();
            await page.goto(tableUrl(`sort=${c.trackId}&limit=200`));
            const box = page.locator('.ncf-search input[name="q"]');
            await box.fill('LOVE');
            await Promise.all([page.waitForURL(/[?&]q=LOVE/), box.press('Enter')]);
            const expected = await t.query(
              `SELECT ${q(c.trackId)} AS id FROM ${q(t.tables.track)} WHERE lower(${q(c.name)}) LIKE '%love%' OR lower(coalesce(${q(c.composer)}, '')) LIKE '%love%' ORDER BY ${q(c.trackId)} LIMIT 200`,
            );
            expect(expected.length).toBeGreaterThan(10);
            expect(await idsOnPage(page)).toEqual(ids(expected));
            // The search stays in the box, and in the filter form's next submission.
            expect(await box.inputValue()).toBe('LOVE');
            await page.close();
          },
        );

        it.skipIf(skip)('lists facet values with their counts, and a click adds the condition', async () => {
          const t = target();
          const c = t.cols;
          const page = await newPage();
          await page.goto(tableUrl(`fcol=${c.genreId}&fop=eq&fval=1&sort=${c.trackId}&limit=200`));
          const facet = page.locator(`.ncf-facets .ncf-facet[data-facet="${c.mediaTypeId}"]`);
          expect(await facet.count()).toBe(1);
          const counts = await t.query(
            `SELECT ${q(c.mediaTypeId)} AS v, count(*) AS n FROM ${q(t.tables.track)} WHERE ${q(c.genreId)} = 1 GROUP BY ${q(c.mediaTypeId)} ORDER BY count(*) DESC, ${q(c.mediaTypeId)}`,
          );
          expect(counts.length).toBeGreaterThan(1);
          const shown = await facet.locator('li:not(.ncf-facet-more)').evaluateAll((items) =>
            items.map((li) => ({
              label: (li.querySelector('a')?.textContent ?? '').trim(),
              count: (li.querySelector('.ncf-facet-count')?.textContent ?? '').trim(),
            })),
          );
          // Each value's count is the database's (values may be shown by a label, counts not).
          expect(shown.map((s) => Number(s.count.replace(/,/g, ''))).sort((a, b) => b - a)).toEqual(
            counts.map((r) => Number(r.n)),
          );
          const least = counts[counts.length - 1];
          const link = facet.locator('li a[data-facet-value]').nth(shown.length - 1);
          await Promise.all([page.waitForURL(/fcol1=/), link.click()]);
          const expected = await t.query(
            `SELECT ${q(c.trackId)} AS id FROM ${q(t.tables.track)} WHERE ${q(c.genreId)} = 1 AND ${q(c.mediaTypeId)} = ? ORDER BY ${q(c.trackId)} LIMIT 200`,
            [least?.v],
          );
          expect(await idsOnPage(page)).toEqual(ids(expected));
          // The applied value is marked, and clicking it again removes the condition.
          const selected = page.locator(
            `.ncf-facets .ncf-facet[data-facet="${c.mediaTypeId}"] a[aria-current="true"]`,
          );
          expect(await selected.count()).toBe(1);
          await Promise.all([page.waitForURL((url) => !url.search.includes('fcol1=')), selected.click()]);
          expect((await idsOnPage(page)).length).toBe(
            Math.min(200, Number(counts.reduce((sum, r) => sum + Number(r.n), 0))),
          );
          await page.close();
        });

        it.skipIf(skip)(
          'under "any condition", each facet count is the rows a click shows, and the page says so',
          async () => {
            const t = target();
            const c = t.cols;
            const page = await newPage();
            const conditions = `fcol=${c.genreId}&fop=eq&fval=1&fcol1=${c.milliseconds}&fop1=gt&fval1=400000&fmatch=any`;
            await page.goto(tableUrl(`${conditions}&sort=${c.trackId}&limit=50`));
            const facets = page.locator('.ncf-facets');
            expect(await facets.getAttribute('data-match')).toBe('any');
            expect(await facets.locator('.ncf-facet-note').textContent()).toContain(
              'its count is the rows the page then shows',
            );
            const facet = facets.locator(`.ncf-facet[data-facet="${c.mediaTypeId}"]`);
            const links = facet.locator('li a[data-facet-value]:not([aria-current])');
            const shown = await links.evaluateAll((anchors) =>
              anchors.map((a) => ({
                href: a.getAttribute('href') ?? '',
                count: (a.parentElement?.querySelector('.ncf-facet-count')?.textContent ?? '').trim(),
              })),
            );
            expect(shown.length).toBeGreaterThan(1);
            const where = `${q(c.genreId)} = 1 OR ${q(c.milliseconds)} > 400000`;
            for (const { href, count } of shown) {
              // The value a click adds, as its link carries it.
              const value = new URL(href, server.url).searchParams.get('fval2');
              const [row] = await t.query(
                `SELECT count(*) AS n FROM ${q(t.tables.track)} WHERE ${where} OR ${q(c.mediaTypeId)} = ?`,
                [Number(value)],
              );
              expect(Number(count.replace(/,/g, '')), `media type ${value}`).toBe(Number(row?.n));
            }
            // And the page a click leads to shows that many rows.
            const first = shown[0] as { count: string };
            await Promise.all([page.waitForURL(/fcol2=/), links.first().click()]);
            const status = ((await page.locator('.ncf-count').first().textContent()) ?? '').trim();
            expect(status.startsWith(`${first.count} row`), status).toBe(true);
            await page.close();
          },
        );

        it.skipIf(skip)('keeps the filter and search when switching to the chart view', async () => {
          const t = target();
          const c = t.cols;
          const page = await newPage();
          await page.goto(tableUrl(`fcol=${c.genreId}&fop=eq&fval=1&q=love`));
          const chartLink = page.locator('.ncf-switcher a', { hasText: /chart/i });
          expect(await chartLink.count()).toBe(1);
          const href = new URL((await chartLink.getAttribute('href')) ?? '', server.url);
          expect(href.searchParams.get('fcol')).toBe(c.genreId);
          expect(href.searchParams.get('fval')).toBe('1');
          expect(href.searchParams.get('q')).toBe('love');
          await chartLink.click();
          await page.waitForURL(/view=chart/);
          const url = new URL(page.url());
          expect(url.searchParams.get('fcol')).toBe(c.genreId);
          expect(url.searchParams.get('q')).toBe('love');
          // The chart's settings form carries the filter on, so changing a setting keeps it.
          const form = page
            .locator('form')
            .filter({ has: page.locator('input[type="hidden"][name="fcol"]') });
          expect(await form.count()).toBeGreaterThan(0);
          // What is drawn is the filtered rows: counted by media type, as the database counts them.
          await page.goto(
            `${server.url}/d/${t.id}/t/${t.tables.track}?view=chart&x=${c.mediaTypeId}&agg=count&type=bar&fcol=${c.genreId}&fop=eq&fval=1&q=love`,
          );
          await page.locator('.ncf-chart svg').waitFor();
          const drawn = await chartData(page);
          const counted = await t.query(
            `SELECT ${q(c.mediaTypeId)} AS v, count(*) AS n FROM ${q(t.tables.track)} WHERE ${q(c.genreId)} = 1 AND (lower(${q(c.name)}) LIKE '%love%' OR lower(coalesce(${q(c.composer)}, '')) LIKE '%love%') GROUP BY ${q(c.mediaTypeId)}`,
          );
          expect(counted.length).toBeGreaterThan(0);
          expect(Object.fromEntries(drawn.labels.map((label, i) => [label, drawn.values[i]]))).toEqual(
            Object.fromEntries(counted.map((r) => [String(r.v), Number(r.n)])),
          );
          expect(await page.locator('.ncf-chart figcaption').textContent()).toContain('of rows');
          await page.close();
        });

        it.skipIf(skip)(
          'chooses chart defaults that say something: no key or unique column, a NULL bucket named, long labels cut, the caption says what is shown',
          async () => {
            const t = target();
            const c = t.cols;
            const page = await newPage();
            const chartUrl = (table: string, query = '') =>
              `${server.url}/d/${t.id}/t/${table}?view=chart${query ? `&${query}` : ''}`;
            const caption = () => page.locator('.ncf-chart figcaption').textContent();
            // Artist and Genre: every column is a key or unique; no "count by Name" of bars at 1.
            // Invoice lines: the invoice (412 values) and track are too many, the quantity one
            // value: not one bar per invoice. Nothing is drawn nor captioned, and the page says why.
            for (const table of [t.tables.artist, t.tables.genre, t.tables.invoiceLine]) {
              await page.goto(chartUrl(table));
              expect(await page.locator('.ncf-chart svg').count(), table).toBe(0);
              expect(await page.locator('.ncf-chart figcaption').count(), table).toBe(0);
              expect(await page.locator('.ncf-notice').first().textContent()).toContain(
                `No column of ${table} groups its rows into a few categories`,
              );
            }
            // Track: not milliseconds summed by composer (mostly NULL, hundreds of values), but by
            // a column of a few values.
            await page.goto(chartUrl(t.tables.track));
            await page.locator('.ncf-chart svg').waitFor();
            expect(await caption()).not.toContain(`by ${c.composer}`);
            expect(await caption()).toMatch(new RegExp(`by (${c.mediaTypeId}|${c.genreId})`));
            // Invoices have a date: a line over time.
            await page.goto(chartUrl(t.tables.invoice));
            await page.locator('.ncf-chart svg').waitFor();
            expect(await page.locator('.ncf-chart').getAttribute('data-chart-type')).toBe('line');
            // Chosen by hand, composer: the NULL bucket is named, long names are cut on the axis.
            await page.goto(chartUrl(t.tables.track, `x=${c.composer}&agg=count&type=bar`));
            await page.locator('.ncf-chart svg').waitFor();
            const byComposer = await chartData(page);
            expect(byComposer.labels).toContain('(NULL)');
            const axisTexts = await page.locator('.ncf-chart svg text').allTextContents();
            const long = byComposer.labels.filter((label) => label.length > 18);
            expect(long.length).toBeGreaterThan(0);
            expect(axisTexts.filter((text) => long.includes(text))).toEqual([]);
            expect(axisTexts.some((text) => text.length === 18 && text.endsWith('…'))).toBe(true);
            // More groups than are drawn, on an unordered axis: the largest ones, and the caption says so.
            await page.goto(chartUrl(t.tables.track, `x=${c.name}&agg=count&type=bar`));
            await page.locator('.ncf-chart svg').waitFor();
            expect(await caption()).toMatch(/ — the largest [\d,]+ by .+ shown$/);
            // Along an ordered axis, the first ones are shown, and the caption says so.
            await page.goto(chartUrl(t.tables.track, `x=${c.milliseconds}&agg=count&type=bar`));
            await page.locator('.ncf-chart svg').waitFor();
            expect(await caption()).toMatch(new RegExp(` — the first [\\d,]+ by ${c.milliseconds} shown$`));
            await page.close();
          },
        );

        it.skipIf(skip)(
          'keeps chart labels readable on a 390 px screen: the drawing scrolls in its frame, the page does not',
          async () => {
            const t = target();
            const page = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true });
            page.setDefaultTimeout(NO_PLAYWRIGHT_LIMIT);
            page.on('pageerror', (error) => pageErrors.push(error.message));
            await page.goto(`${server.url}/d/${t.id}/t/${t.tables.invoice}?view=chart`);
            await page.locator('.ncf-chart svg').waitFor();
            // Rendered height of each label and tick: the SVG is never squeezed into 390 px.
            const heights = await page
              .locator('.ncf-chart svg text')
              .evaluateAll((texts) => texts.map((text) => text.getBoundingClientRect().height));
            expect(heights.length).toBeGreaterThan(5);
            expect(Math.min(...heights)).toBeGreaterThanOrEqual(8);
            const widths = await page.evaluate(
              '({ page: document.documentElement.scrollWidth, view: document.documentElement.clientWidth })',
            );
            expect(widths).toMatchObject({ page: (widths as { view: number }).view });
            await page.close();
          },
        );
      });
    }
  },
);
