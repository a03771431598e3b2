/**
 * Issue #16's features in a real browser (playwright-core driving Chromium), on Chinook in
 * SQLite and in PostgreSQL, served by the built CLI: foreign keys as links with the
 * referenced row's label, the row page with the rows that reference it (paged), and the
 * CSV / NDJSON export of the table's filter and sort, each checked against the database
 * itself, and columns hidden, moved and sized (by keyboard), remembered for the person. Skips cleanly when the dataset (../shared/datasets/chinook) or a browser is absent;
 * the PostgreSQL half needs NOCOFLO_PG_URL.
 */
import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, HOW_TO_GET_CHROMIUM, NO_PLAYWRIGHT_LIMIT } from '../fixtures/browser.js';
import {
  type ChinookTarget,
  type ChinookTargets,
  hasChinook,
  startChinookTargets,
} from '../fixtures/chinook.js';
import { launchChromium } from '../fixtures/launch-chromium.js';
import { type RunningServer, startServer } from '../fixtures/serve.js';

const executablePath = findChromium();
const required = process.env.CI === 'true';
const pgUrl = process.env.NOCOFLO_PG_URL;
if (!executablePath && !required)
  console.warn(`links and export browser test skipped: ${HOW_TO_GET_CHROMIUM}`);
if (!hasChinook) console.warn('links and export browser test skipped: ../shared/datasets/chinook is absent');

type Table = 'track' | 'album' | 'artist' | 'genre';
type Column = 'trackId' | 'name' | 'albumId' | 'title' | 'artistId' | 'genreId' | 'composer' | 'bytes';

type Target = ChinookTarget<Table, Column>;

const available = Boolean(executablePath || required) && hasChinook;

describe.skipIf(!available)('foreign-key links, row pages and export in Chromium, on Chinook', () => {
  let browser: Browser;
  let server: RunningServer;
  let chinook: ChinookTargets<Table, Column> | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!executablePath) throw new Error(`CI=true needs a browser, but ${HOW_TO_GET_CHROMIUM}`);
    if (!pgUrl && required) throw new Error('CI=true needs NOCOFLO_PG_URL for the PostgreSQL half');
    chinook = await startChinookTargets({
      prefix: 'links-e2e',
      pgUrl,
      tables: { track: 'Track', album: 'Album', artist: 'Artist', genre: 'Genre' },
      cols: {
        trackId: 'TrackId',
        name: 'Name',
        albumId: 'AlbumId',
        title: 'Title',
        artistId: 'ArtistId',
        genreId: 'GenreId',
        composer: 'Composer',
        bytes: 'Bytes',
      },
    });
    server = await startServer({ urls: chinook.urls });
    browser = await launchChromium(executablePath);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await chinook?.cleanup();
  });

  async function newPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
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
      const tableUrl = (table: string, query = '') =>
        `${server.url}/d/${target().id}/t/${encodeURIComponent(table)}?view=table${query ? `&${query}` : ''}`;
      const q = (name: string) => `"${name}"`;

      it.skipIf(skip)(
        "links each foreign key to the referenced row, labelled with that row's name or title",
        async () => {
          const t = target();
          const page = await newPage();
          await page.goto(tableUrl(t.tables.track));
          const albumCell = page.locator(
            `.ncf-grid tbody tr[data-key='{"${t.cols.trackId}":1}'] td[data-col="${t.cols.albumId}"]`,
          );
          const [album] = await t.query(
            `SELECT a.${q(t.cols.albumId)} AS id, a.${q(t.cols.title)} AS title FROM ${q(t.tables.album)} a JOIN ${q(t.tables.track)} tr ON tr.${q(t.cols.albumId)} = a.${q(t.cols.albumId)} WHERE tr.${q(t.cols.trackId)} = 1`,
          );
          const link = albumCell.locator('a.ncf-fk');
          expect((await link.textContent())?.replace('→', '').trim()).toBe(album?.title);
          // Every track of the page has its album and genre linked.
          const rows = await page.locator('.ncf-grid tbody tr').count();
          expect(await page.locator(`td[data-col="${t.cols.albumId}"] a.ncf-fk`).count()).toBe(rows);
          expect(await page.locator(`td[data-col="${t.cols.genreId}"] a.ncf-fk`).count()).toBe(rows);
          const genres = await page.locator(`td[data-col="${t.cols.genreId}"] a.ncf-fk`).allTextContents();
          const [rock] = await t.query(
            `SELECT ${q(t.cols.name)} AS name FROM ${q(t.tables.genre)} WHERE ${q(t.cols.genreId)} = 1`,
          );
          expect(genres.map((g) => g.replace('→', '').trim())).toContain(rock?.name);

          await link.click();
          await page.waitForURL(/[?&]row=/);
          expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/d/${t.id}/t/${t.tables.album}`);
          const record = (column: string) => page.locator(`.ncf-record td[data-col="${column}"]`);
          expect(await record(t.cols.title).textContent()).toBe(album?.title);
          // The album's artist is a link too, with the artist's name.
          const [artist] = await t.query(
            `SELECT ar.${q(t.cols.name)} AS name FROM ${q(t.tables.artist)} ar JOIN ${q(t.tables.album)} al ON al.${q(t.cols.artistId)} = ar.${q(t.cols.artistId)} WHERE al.${q(t.cols.albumId)} = ?`,
            [album?.id],
          );
          expect(
            (await record(t.cols.artistId).locator('a.ncf-fk').textContent())?.replace('→', '').trim(),
          ).toBe(artist?.name);
          await page.close();
        },
      );

      it.skipIf(skip)(
        'lists the rows that reference a row, per referencing table, counted, linked and paged',
        async () => {
          const t = target();
          const page = await newPage();
          await page.goto(tableUrl(t.tables.genre, `row=${encodeURIComponent(`{"${t.cols.genreId}":1}`)}`));
          const section = page.locator(`.ncf-refs[data-ref="${t.tables.track}:${t.cols.genreId}"]`);
          const [{ n } = {}] = await t.query(
            `SELECT count(*) AS n FROM ${q(t.tables.track)} WHERE ${q(t.cols.genreId)} = 1`,
          );
          expect(Number(n)).toBeGreaterThan(10);
          expect(await section.locator('h3 .ncf-count').textContent()).toBe(
            `${Number(n).toLocaleString('en-US')} rows`,
          );
          const idsOnPage = () => section.locator(`td[data-col="${t.cols.trackId}"]`).allTextContents();
          const expectedIds = (
            await t.query(
              `SELECT ${q(t.cols.trackId)} AS id FROM ${q(t.tables.track)} WHERE ${q(t.cols.genreId)} = 1 ORDER BY ${q(t.cols.trackId)} LIMIT 20`,
            )
          ).map((r) => String(r.id));
          expect(await idsOnPage()).toEqual(expectedIds.slice(0, 10));
          await section.locator('a[rel="next"]').click();
          await page.waitForURL(/rcursor=/);
          expect(await idsOnPage()).toEqual(expectedIds.slice(10, 20));
          // Each referencing row links to its own row page.
          await section.locator('td.ncf-open a').first().click();
          await page.waitForURL(/[?&]row=/);
          expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/d/${t.id}/t/${t.tables.track}`);
          expect(await page.locator(`.ncf-record td[data-col="${t.cols.trackId}"]`).textContent()).toBe(
            expectedIds[10],
          );
          // A track is referenced by invoice lines and playlists: both are listed.
          expect(await page.locator('.ncf-refs').count()).toBeGreaterThanOrEqual(2);
          await page.close();
        },
      );

      it.skipIf(skip)(
        'exports the filtered, sorted table as CSV and NDJSON that match the database',
        async () => {
          const t = target();
          const page = await newPage();
          await page.goto(
            tableUrl(
              t.tables.track,
              `fcol=${t.cols.composer}&fop=contains&fval=angus&sort=${t.cols.bytes}&dir=desc`,
            ),
          );
          const expected = await t.query(
            `SELECT ${q(t.cols.trackId)} AS id, ${q(t.cols.name)} AS name, ${q(t.cols.composer)} AS composer FROM ${q(t.tables.track)} WHERE lower(${q(t.cols.composer)}) LIKE '%angus%' ORDER BY ${q(t.cols.bytes)} DESC, ${q(t.cols.trackId)}`,
          );
          expect(expected.length).toBeGreaterThan(5);

          const [csvDownload] = await Promise.all([
            page.waitForEvent('download'),
            page.locator('.ncf-export a[data-export="csv"]').click(),
          ]);
          expect(csvDownload.suggestedFilename()).toBe(`${t.tables.track}.csv`);
          const text = readFileSync(await csvDownload.path(), 'utf8');
          expect(text.endsWith('\r\n')).toBe(true);
          const csv: string[][] = parseCsv(text, { record_delimiter: '\r\n' });
          const header = csv[0] ?? [];
          const at = (name: string) => header.indexOf(name);
          expect(at(t.cols.trackId)).toBe(0);
          const records = csv.slice(1);
          expect(records.map((r) => r[at(t.cols.trackId)])).toEqual(expected.map((r) => String(r.id)));
          expect(records.map((r) => r[at(t.cols.name)])).toEqual(expected.map((r) => r.name));
          expect(records.map((r) => r[at(t.cols.composer)])).toEqual(expected.map((r) => r.composer));

          const [ndjsonDownload] = await Promise.all([
            page.waitForEvent('download'),
            page.locator('.ncf-export a[data-export="ndjson"]').click(),
          ]);
          expect(ndjsonDownload.suggestedFilename()).toBe(`${t.tables.track}.ndjson`);
          const lines = readFileSync(await ndjsonDownload.path(), 'utf8')
            .trimEnd()
            .split('\n');
          expect(lines.map((line) => JSON.parse(line)[t.cols.trackId])).toEqual(expected.map((r) => r.id));
          await page.close();
        },
      );

      it.skipIf(skip)(
        'hides, reorders and resizes columns from the panel and the keyboard, remembered after a reload',
        async () => {
          const t = target();
          const page = await newPage();
          await page.goto(tableUrl(t.tables.track));
          const headers = () =>
            page
              .locator('.ncf-grid thead th[data-col]')
              .evaluateAll((ths) => ths.map((th) => th.getAttribute('data-col')));
          const original = await headers();
          expect(original.slice(0, 2)).toEqual([t.cols.trackId, t.cols.name]);
          const saves = async (n: number) =>
            expect
              .poll(() => page.locator('.ncf-table-view').getAttribute('data-columns-saved'))
              .toBe(String(n));

          // Everything with the keyboard: open the panel, hide Composer, move Name first, size it.
          await page.locator('.ncf-columns > summary').focus();
          await page.keyboard.press('Enter');
          const item = (column: string) => page.locator(`.ncf-columns-panel li[data-col="${column}"]`);
          await item(t.cols.composer).locator('input[type="checkbox"]').focus();
          await page.keyboard.press('Space');
          await saves(1);
          expect(await page.locator(`.ncf-grid [data-col="${t.cols.composer}"]`).count()).toBe(0);
          await item(t.cols.name).locator('button[data-move="-1"]').focus();
          await page.keyboard.press('Enter');
          await saves(2);
          expect((await headers()).slice(0, 2)).toEqual([t.cols.name, t.cols.trackId]);
          // Focus stays on the moved column's button.
          expect(
            await item(t.cols.name)
              .locator('button[data-move="-1"]')
              .evaluate((b) => b === b.ownerDocument.activeElement),
          ).toBe(true);
          await item(t.cols.name).locator('input[type="number"]').fill('320');
          await page.keyboard.press('Tab');
          await saves(3);
          const nameHeader = page.locator(`.ncf-grid thead th[data-col="${t.cols.name}"]`);
          expect((await nameHeader.boundingBox())?.width ?? 0).toBeCloseTo(320, -1);
          // The body cells follow the header.
          const firstRow = await page
            .locator('.ncf-grid tbody tr')
            .first()
            .locator('td[data-col]')
            .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-col')));
          expect(firstRow).toEqual(await headers());

          // On a header cell: Alt+Shift+← moves the column, Alt+→ widens it.
          const albumHeader = page.locator(`.ncf-grid thead th[data-col="${t.cols.albumId}"]`);
          const before = (await headers()).indexOf(t.cols.albumId);
          await albumHeader.focus();
          await page.keyboard.press('Alt+Shift+ArrowLeft');
          await saves(4);
          expect((await headers()).indexOf(t.cols.albumId)).toBe(before - 1);
          const albumWidth = (await albumHeader.boundingBox())?.width ?? 0;
          await albumHeader.focus();
          await page.keyboard.press('Alt+ArrowRight');
          await saves(5);
          expect((await albumHeader.boundingBox())?.width ?? 0).toBeGreaterThan(albumWidth + 10);
          const layout = await headers();

          // The export follows the columns shown.
          const csv = new URL(
            (await page.locator('.ncf-export a[data-export="csv"]').getAttribute('href')) ?? '',
            server.url,
          );
          expect(csv.searchParams.get('columns')?.split(',')).toEqual(layout);

          await page.reload();
          expect(await headers()).toEqual(layout);
          expect(await page.locator(`.ncf-grid [data-col="${t.cols.composer}"]`).count()).toBe(0);
          expect((await nameHeader.boundingBox())?.width ?? 0).toBeCloseTo(320, -1);
          expect(await page.locator('.ncf-columns > summary').textContent()).toContain('1 hidden');

          // Reset brings the table's own columns back, also after a reload.
          await page.locator('.ncf-columns > summary').click();
          // The hidden column's cells were never sent: the page loads again to show them.
          await page.locator('.ncf-columns-reset').click();
          await expect.poll(headers).toEqual(original);
          await page.reload();
          expect(await headers()).toEqual(original);
          await page.close();
        },
      );
    });
  }

  it('raised no script error on any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
