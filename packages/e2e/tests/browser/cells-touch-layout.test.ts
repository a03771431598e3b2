/**
 * The rest of issue #16's defects 11 and 12 in a real browser (playwright-core driving
 * Chromium), on SQLite and on PostgreSQL, served by the built CLI: a boolean is edited with a
 * checkbox, a BLOB cell downloads exactly the stored bytes, long text is cut with a "more"
 * button that shows all of it, a double tap on a touch screen (emulated touch) edits a cell,
 * and the admin page's table fits a 390 px wide phone. Every write is checked in the
 * database. The PostgreSQL half needs NOCOFLO_PG_URL (it skips without, saying so).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, HOW_TO_GET_CHROMIUM, NO_PLAYWRIGHT_LIMIT } from '../fixtures/browser.js';
import { launchChromium } from '../fixtures/launch-chromium.js';
import { type RunningServer, startServer } from '../fixtures/serve.js';

const executablePath = findChromium();
const required = process.env.CI === 'true';
const pgUrl = process.env.NOCOFLO_PG_URL;
if (!executablePath && !required)
  console.warn(`cells and touch browser test skipped: ${HOW_TO_GET_CHROMIUM}`);
if (!pgUrl) console.warn('cells and touch browser test: the PostgreSQL half is skipped (set NOCOFLO_PG_URL)');

/** Bytes with every awkward value: NUL, 0xFF, CR, LF, and no valid UTF-8. */
const BLOB = Buffer.concat([Buffer.from([0, 255, 13, 10, 0xc3, 0x28]), randomBytes(2000)]);
/** Longer than the 200 characters a cell shows. */
const LONG = `${'A long note that goes on. '.repeat(20)}The end ✓`;

interface Target {
  name: 'SQLite' | 'PostgreSQL';
  id: string;
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
}

const SQLITE_SCHEMA = `CREATE TABLE gadgets (id INTEGER PRIMARY KEY, label TEXT NOT NULL, active BOOLEAN NOT NULL,
  manual BLOB, notes TEXT)`;
const PG_SCHEMA = `CREATE TABLE gadgets (id integer PRIMARY KEY, label text NOT NULL, active boolean NOT NULL,
  manual bytea, notes text)`;
const ROWS: unknown[][] = [
  [1, 'first', true, BLOB, LONG],
  [2, 'second', false, null, 'short note'],
  [3, 'third', false, Buffer.from('x'), null],
];

describe.skipIf(!executablePath && !required)('cells, touch and a narrow screen in Chromium', () => {
  let browser: Browser;
  let server: RunningServer;
  let work: string;
  let dropPg: (() => Promise<void>) | undefined;
  const targets: Target[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!executablePath) throw new Error(`CI=true needs a browser, but ${HOW_TO_GET_CHROMIUM}`);
    if (!pgUrl && required) throw new Error('CI=true needs NOCOFLO_PG_URL for the PostgreSQL half');
    work = mkdtempSync(join(tmpdir(), 'ncf-cells-e2e-'));
    const file = join(work, 'gadgets.sqlite');
    const db = new Database(file);
    db.exec(SQLITE_SCHEMA);
    const insert = db.prepare('INSERT INTO gadgets VALUES (?, ?, ?, ?, ?)');
    for (const [id, label, active, manual, notes] of ROWS)
      insert.run(id, label, active ? 1 : 0, manual, notes);
    db.close();
    const urls = [`sqlite:${file}`];
    targets.push({
      name: 'SQLite',
      id: 'gadgets',
      async query(sql, params = []) {
        const conn = new Database(file, { fileMustExist: true, readonly: true });
        try {
          return conn.prepare(sql).all(...params) as Record<string, unknown>[];
        } finally {
          conn.close();
        }
      },
    });
    if (pgUrl) {
      const database = `ncf_cells_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${database}"`);
      await admin.end();
      const url = new URL(pgUrl);
      url.pathname = `/${database}`;
      const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
      // Dropping the database at the end ends its connections; an idle one says so as an error.
      pool.on('error', () => undefined);
      await pool.query(PG_SCHEMA);
      for (const values of ROWS) await pool.query('INSERT INTO gadgets VALUES ($1, $2, $3, $4, $5)', values);
      urls.push(url.toString());
      targets.push({
        name: 'PostgreSQL',
        id: database,
        async query(sql, params = []) {
          let n = 0;
          return (
            await pool.query(
              sql.replace(/\?/g, () => `$${++n}`),
              params,
            )
          ).rows;
        },
      });
      dropPg = async () => {
        await pool.end();
        const cleanup = new pg.Client({ connectionString: pgUrl });
        await cleanup.connect();
        await cleanup.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        await cleanup.end();
      };
    }
    server = await startServer({ urls });
    browser = await launchChromium(executablePath);
  });

  afterAll(async () => {
    // A context a closed page started closing must finish before the browser goes: closing
    // the browser under it rejected that close with "Target … has been closed", unhandled.
    await Promise.all(contextsClosing);
    await browser?.close();
    await server?.stop();
    await dropPg?.();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const contextsClosing: Promise<void>[] = [];

  async function newPage(options: { width?: number; height?: number; touch?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
      acceptDownloads: true,
      ...(options.touch ? { hasTouch: true, isMobile: true } : {}),
    });
    context.setDefaultTimeout(NO_PLAYWRIGHT_LIMIT);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('close', () => contextsClosing.push(context.close()));
    return page;
  }

  for (const which of ['SQLite', 'PostgreSQL'] as const) {
    describe(which, () => {
      const skip = which === 'PostgreSQL' && !pgUrl && !required;
      const target = () => {
        const found = targets.find((t) => t.name === which);
        if (!found) throw new Error(`${which} is not served (see the skip message above)`);
        return found;
      };
      const tableUrl = (query = '') => `${server.url}/d/${target().id}/t/gadgets?view=table${query}`;
      const cell = (page: Page, id: number, column: string) =>
        page.locator(`.ncf-grid tbody tr[data-key='{"id":${id}}'] td[data-col="${column}"]`);
      const activeOf = async (id: number) =>
        Boolean(Number((await target().query('SELECT active AS v FROM gadgets WHERE id = ?', [id]))[0]?.v));

      it.skipIf(skip)(
        'edits a boolean with a checkbox: Space toggles, Enter saves, the database agrees',
        async () => {
          const page = await newPage();
          await page.goto(tableUrl());
          const active = cell(page, 2, 'active');
          expect(await active.getAttribute('title')).toMatch(/edit/i);
          await active.dblclick();
          const box = active.locator('.ncf-editor input[type="checkbox"]');
          expect(await box.isChecked()).toBe(false);
          await box.press('Space');
          expect(await box.isChecked()).toBe(true);
          await box.press('Enter');
          await expect.poll(() => activeOf(2)).toBe(true);
          // The cell is drawn again from the server's answer.
          await expect.poll(async () => (await active.textContent())?.trim()).toBe('true');
          // And back, with the mouse.
          await active.dblclick();
          await active.locator('.ncf-editor input[type="checkbox"]').uncheck();
          await active.locator('.ncf-editor button', { hasText: 'Save' }).click();
          await expect.poll(() => activeOf(2)).toBe(false);
          await page.close();
        },
      );

      it.skipIf(skip)('downloads a BLOB cell: exactly the bytes the database holds', async () => {
        const page = await newPage();
        await page.goto(tableUrl());
        const link = cell(page, 1, 'manual').locator('a.ncf-download');
        expect(await link.textContent()).toContain(`${BLOB.length} bytes`);
        const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
        const bytes = readFileSync(await download.path());
        const [stored] = await target().query('SELECT manual AS v FROM gadgets WHERE id = 1');
        expect(Buffer.compare(bytes, Buffer.from(stored?.v as Uint8Array))).toBe(0);
        expect(Buffer.compare(bytes, BLOB)).toBe(0);
        expect(download.suggestedFilename()).toMatch(/\.bin$/);
        await page.close();
      });

      it.skipIf(skip)('cuts long text in the grid and shows all of it on "more"', async () => {
        const page = await newPage();
        await page.goto(tableUrl());
        const notes = cell(page, 1, 'notes');
        expect((await notes.locator('.ncf-cut').textContent())?.length).toBeLessThan(LONG.length);
        // The button is on screen inside the cell (not clipped away by the cut text).
        const more = notes.locator('button.ncf-more');
        const [cellBox, moreBox] = [await notes.boundingBox(), await more.boundingBox()];
        expect((moreBox?.x ?? 0) + (moreBox?.width ?? 0)).toBeLessThanOrEqual(
          (cellBox?.x ?? 0) + (cellBox?.width ?? 0) + 1,
        );
        await more.click();
        expect(await notes.locator('.ncf-full').textContent()).toBe(LONG);
        // The whole text is readable: the cell grows to show it (nothing is clipped).
        const clipped = await notes.evaluate(
          (td) => td.scrollHeight > td.clientHeight + 1 || td.scrollWidth > td.clientWidth + 1,
        );
        expect(clipped).toBe(false);
        await page.close();
      });

      it.skipIf(skip)(
        'edits a cell with a double tap on a touch screen (emulated touch, 390 px)',
        async () => {
          const page = await newPage({ width: 390, height: 844, touch: true });
          await page.goto(tableUrl());
          const label = cell(page, 3, 'label');
          await label.scrollIntoViewIfNeeded();
          await label.tap();
          expect(await label.locator('.ncf-editor').count()).toBe(0);
          await label.tap();
          const input = label.locator('.ncf-editor input');
          await input.waitFor();
          await input.fill('tapped');
          await label.locator('.ncf-editor button', { hasText: 'Save' }).tap();
          await expect
            .poll(async () => (await target().query('SELECT label AS v FROM gadgets WHERE id = 3'))[0]?.v)
            .toBe('tapped');
          await page.close();
        },
      );
    });
  }

  it('fits the admin page and its plugin table into a 390 px wide screen', async () => {
    const page = await newPage({ width: 390, height: 844, touch: true });
    await page.goto(`${server.url}/admin`);
    const table = page.locator('table').first();
    await table.waitFor();
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    const box = await table.boundingBox();
    expect((box?.x ?? 0) + (box?.width ?? Number.POSITIVE_INFINITY)).toBeLessThanOrEqual(390);
    // Every button stays on screen.
    const buttons = await page.locator('main button').evaluateAll((all) =>
      all.map((b) => {
        const r = b.getBoundingClientRect();
        return { left: r.left, right: r.right };
      }),
    );
    expect(buttons.length).toBeGreaterThan(0);
    expect(buttons.filter((b) => b.left < 0 || b.right > 390)).toEqual([]);
    await page.close();
  });

  it('raised no script error on any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
