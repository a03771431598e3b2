/**
 * The form view in a real browser (playwright-core driving Chromium) on Chinook, served by
 * the built CLI from SQLite and from PostgreSQL: edit a Customer (wide: the form is its
 * default view), move through Invoices (opened from the table view's row link, then first /
 * previous / next / last and along the foreign key), insert and delete an InvoiceLine. Every
 * write is checked in the database itself: exactly the row meant, nothing else. Keyboard
 * only where it matters (Ctrl+S saves, Enter follows a link), and readable at 390 px.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
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
import { REPO_ROOT, type RunningServer, startServer } from '../fixtures/serve.js';

/** Screenshots go to the git-ignored folder; `UPDATE_DOC_SCREENSHOTS=1` refreshes docs/screenshots/form*.png. */
async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(REPO_ROOT, 'packages/e2e/screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: name.endsWith('390') });
  if (process.env.UPDATE_DOC_SCREENSHOTS === '1') {
    copyFileSync(join(dir, `${name}.png`), join(REPO_ROOT, 'docs/screenshots', `${name}.png`));
  }
}

const executablePath = findChromium();
const required = process.env.CI === 'true';
const pgUrl = process.env.NOCOFLO_PG_URL;
if (!executablePath && !required) console.warn(`form view browser test skipped: ${HOW_TO_GET_CHROMIUM}`);
if (!pgUrl && !required) {
  console.warn(
    'form view browser test on PostgreSQL skipped: set NOCOFLO_PG_URL, e.g. postgres://postgres@127.0.0.1:5432/test',
  );
}

type Column = 'customerId' | 'company' | 'invoiceId' | 'lineId' | 'trackId' | 'unitPrice' | 'quantity';
type Target = ChinookTarget<'customer' | 'invoice' | 'line', Column>;

/** Whether an InvoiceLine insert must name its key (PostgreSQL's Chinook has no default for it). */
const lineKeyRequired = (t: Target) => t.name === 'PostgreSQL';

const available = Boolean(executablePath || required) && hasChinook;

describe.skipIf(!available)('form view in Chromium, on Chinook', () => {
  let browser: Browser;
  let server: RunningServer;
  let chinook: ChinookTargets<'customer' | 'invoice' | 'line', Column> | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!executablePath) throw new Error(`CI=true needs a browser, but ${HOW_TO_GET_CHROMIUM}`);
    if (!pgUrl && required)
      throw new Error('CI=true needs NOCOFLO_PG_URL for the PostgreSQL half of this test');
    chinook = await startChinookTargets({
      prefix: 'form-e2e',
      pgUrl,
      tables: { customer: 'Customer', invoice: 'Invoice', line: 'InvoiceLine' },
      cols: {
        customerId: 'CustomerId',
        company: 'Company',
        invoiceId: 'InvoiceId',
        lineId: 'InvoiceLineId',
        trackId: 'TrackId',
        unitPrice: 'UnitPrice',
        quantity: 'Quantity',
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

  async function newPage(width = 1280): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.setDefaultTimeout(NO_PLAYWRIGHT_LIMIT);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => void dialog.accept());
    return page;
  }

  const field = (page: Page, column: string) => page.locator(`.ncf-field[data-col="${column}"] [data-kind]`);

  for (const which of ['SQLite', 'PostgreSQL'] as const) {
    describe(which, () => {
      const target = (): Target => {
        if (!chinook) throw new Error('Chinook was not set up (see beforeAll)');
        return chinook.get(which);
      };
      const tableUrl = (table: string, query = '') =>
        `${server.url}/d/${target().id}/t/${encodeURIComponent(table)}${query}`;

      it.skipIf(which === 'PostgreSQL' && !pgUrl && !required)(
        'edits a Customer in its default view, the form: exactly that row changes',
        async () => {
          const t = target();
          const page = await newPage();
          const key = t.cols.customerId;
          const before = await t.query(`SELECT * FROM "${t.tables.customer}" ORDER BY "${key}"`);
          await page.goto(tableUrl(t.tables.customer));
          expect(await page.locator('.ncf-view').getAttribute('data-view')).toBe('form');
          expect(await field(page, key).inputValue()).toBe('1');
          await field(page, t.cols.company).fill('Edited in Chromium');
          await field(page, t.cols.company).press('Control+s');
          await page.locator('.ncf-saved').waitFor({ state: 'visible' });
          expect(await page.locator('.ncf-saved').textContent()).toContain(t.cols.company);
          const after = await t.query(`SELECT * FROM "${t.tables.customer}" ORDER BY "${key}"`);
          const changed = after.filter((row, i) => JSON.stringify(row) !== JSON.stringify(before[i]));
          expect(changed.map((row) => Number(row[key]))).toEqual([1]);
          expect(changed[0]?.[t.cols.company]).toBe('Edited in Chromium');
          // A reload shows the stored value.
          await page.reload();
          expect(await field(page, t.cols.company).inputValue()).toBe('Edited in Chromium');
          if (which === 'SQLite') await screenshot(page, 'form');
          await page.close();
        },
      );

      it.skipIf(which === 'PostgreSQL' && !pgUrl && !required)(
        'moves through Invoices from the table view: next, previous, last, first, and along the foreign key',
        async () => {
          const t = target();
          const page = await newPage();
          const id = t.cols.invoiceId;
          const ids = (await t.query(`SELECT "${id}" FROM "${t.tables.invoice}" ORDER BY "${id}"`)).map((r) =>
            Number(r[id]),
          );
          await page.goto(tableUrl(t.tables.invoice));
          expect(await page.locator('.ncf-view').getAttribute('data-view')).toBe('table');
          await page.locator('.ncf-grid tbody tr').first().locator('td.ncf-open a').click();
          await page.waitForURL(/view=form/);
          const shown = async () => Number(await field(page, id).inputValue());
          expect(await shown()).toBe(ids[0]);
          await page.locator('a[data-nav="next"]').click();
          await page.waitForURL(/key=/);
          expect(await shown()).toBe(ids[1]);
          // Keyboard: focus the link and press Enter.
          await page.locator('a[data-nav="next"]').focus();
          await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
          expect(await shown()).toBe(ids[2]);
          await Promise.all([page.waitForEvent('load'), page.locator('a[data-nav="prev"]').click()]);
          expect(await shown()).toBe(ids[1]);
          await Promise.all([page.waitForEvent('load'), page.locator('a[data-nav="last"]').click()]);
          expect(await shown()).toBe(ids[ids.length - 1]);
          expect(await page.locator('[data-nav="next"]').getAttribute('aria-disabled')).toBe('true');
          await Promise.all([page.waitForEvent('load'), page.locator('a[data-nav="first"]').click()]);
          expect(await shown()).toBe(ids[0]);
          expect(await page.locator('[data-nav="prev"]').getAttribute('aria-disabled')).toBe('true');
          const customer = (
            await t.query(`SELECT "${t.cols.customerId}" FROM "${t.tables.invoice}" WHERE "${id}" = ?`, [
              ids[0],
            ])
          )[0]?.[t.cols.customerId];
          await Promise.all([page.waitForEvent('load'), page.locator('a.ncf-fk').first().click()]);
          expect(decodeURIComponent(page.url())).toContain(`/t/${t.tables.customer}?view=form`);
          expect(await field(page, t.cols.customerId).inputValue()).toBe(String(customer));
          await page.close();
        },
      );

      it.skipIf(which === 'PostgreSQL' && !pgUrl && !required)(
        'inserts an InvoiceLine and deletes it again, asking first',
        async () => {
          const t = target();
          const page = await newPage();
          const line = t.tables.line;
          const count = async () => Number((await t.query(`SELECT count(*) AS n FROM "${line}"`))[0]?.n);
          const before = await count();
          const nextId =
            Number((await t.query(`SELECT max("${t.cols.lineId}") AS m FROM "${line}"`))[0]?.m) + 1;
          await page.goto(tableUrl(line, '?view=form&new=1'));
          expect(await page.locator('.ncf-form-view').getAttribute('data-mode')).toBe('new');
          if (lineKeyRequired(t)) await field(page, t.cols.lineId).fill(String(nextId));
          await field(page, t.cols.invoiceId).fill('1');
          await field(page, t.cols.trackId).fill('2');
          await field(page, t.cols.unitPrice).fill('0.99');
          await field(page, t.cols.quantity).fill('3');
          await Promise.all([page.waitForURL(/key=/), page.locator('button.ncf-save').click()]);
          expect(await count()).toBe(before + 1);
          const inserted = await t.query(`SELECT * FROM "${line}" WHERE "${t.cols.lineId}" = ?`, [nextId]);
          expect(inserted).toHaveLength(1);
          expect(Number(inserted[0]?.[t.cols.quantity])).toBe(3);
          expect(String(inserted[0]?.[t.cols.unitPrice])).toBe('0.99');
          expect(await field(page, t.cols.lineId).inputValue()).toBe(String(nextId));
          await Promise.all([page.waitForEvent('load'), page.locator('button.ncf-delete').click()]);
          expect(await count()).toBe(before);
          expect(await t.query(`SELECT * FROM "${line}" WHERE "${t.cols.lineId}" = ?`, [nextId])).toEqual([]);
          await page.close();
        },
      );
    });
  }

  it('is readable at 390 px: the form fits the width, one field per line', async () => {
    const page = await newPage(390);
    await page.goto(`${server.url}/d/chinook/t/Customer`);
    const fits = await page.locator('.ncf-form-view').evaluate((form) => {
      const right = Math.max(
        ...[...form.querySelectorAll('*')].map((node) => node.getBoundingClientRect().right),
      );
      const width = (globalThis as unknown as { innerWidth: number }).innerWidth;
      return { right, width, scroll: form.scrollWidth <= form.clientWidth };
    });
    expect(fits.scroll).toBe(true);
    expect(fits.right).toBeLessThanOrEqual(fits.width);
    const [label, input] = await Promise.all([
      page.locator('.ncf-field[data-col="Company"] > label').boundingBox(),
      field(page, 'Company').boundingBox(),
    ]);
    expect(input!.y).toBeGreaterThan(label!.y + label!.height - 1);
    await screenshot(page, 'form-390');
    await page.close();
  });

  it('ran without script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
