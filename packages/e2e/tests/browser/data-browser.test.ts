/**
 * The data browser in a real browser (playwright-core driving Chromium), on the demo data
 * served by the built CLI: open a table, page, sort, edit a cell (exactly one row changes),
 * see refused edits explained, switch to the chart, and disable / re-enable the chart
 * plugin on the admin page without a restart.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, HOW_TO_GET_CHROMIUM, NO_PLAYWRIGHT_LIMIT } from '../fixtures/browser.js';
import { changedKeys, readRow, snapshot } from '../fixtures/database.js';
import { launchChromium } from '../fixtures/launch-chromium.js';
import { ADMIN_TOKEN, REPO_ROOT, type RunningServer, startServer } from '../fixtures/serve.js';

const executablePath = findChromium();
const required = process.env.CI === 'true';
if (!executablePath && !required) console.warn(`browser test skipped: ${HOW_TO_GET_CHROMIUM}`);

/**
 * Screenshots of every run go to a git-ignored folder; with `UPDATE_DOC_SCREENSHOTS=1` the
 * table and chart pages also refresh the ones the README shows (docs/screenshots).
 */
const SHOTS = join(REPO_ROOT, 'packages/e2e/screenshots');
const DOC_SHOTS = join(REPO_ROOT, 'docs/screenshots');
const DOC_PAGES = ['table', 'chart'];

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const file = join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  if (process.env.UPDATE_DOC_SCREENSHOTS === '1' && DOC_PAGES.includes(name)) {
    mkdirSync(DOC_SHOTS, { recursive: true });
    copyFileSync(file, join(DOC_SHOTS, `${name}.png`));
  }
}

describe.skipIf(!executablePath && !required)('data browser in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!executablePath) throw new Error(`CI=true needs a browser, but ${HOW_TO_GET_CHROMIUM}`);
    server = await startServer();
    browser = await launchChromium(executablePath);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(NO_PLAYWRIGHT_LIMIT);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => void dialog.accept());
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const ids = () => page.locator('.ncf-grid tbody tr td[data-col="id"]').allTextContents();
  const switcherViews = () =>
    page.locator('.ncf-switcher a').evaluateAll((links) => links.map((a) => a.getAttribute('data-view')));
  const cell = (id: number, column: string) =>
    page.locator(`.ncf-grid tbody tr[data-key='{"id":${id}}'] td[data-col="${column}"]`);

  it('opens a table from the home page', async () => {
    await page.goto(server.url);
    await page.getByRole('link', { name: /^orders/ }).click();
    await page.waitForURL(/\/d\/demo\/t\/orders$/);
    expect(await page.locator('h1').textContent()).toBe('orders');
    expect((await ids()).slice(0, 3)).toEqual(['1', '2', '3']);
    expect(await page.locator('.ncf-grid tbody tr').count()).toBe(50);
    await screenshot(page, 'table');
  });

  it('pages forward and back', async () => {
    await page.locator('a[data-nav="next"]').first().click();
    await page.waitForURL(/cursor=/);
    expect((await ids())[0]).toBe('51');
    await page.locator('a[data-nav="prev"]').first().click();
    await page.waitForURL(/cursor=/);
    expect((await ids())[0]).toBe('1');
  });

  it('sorts by a column, both ways', async () => {
    await page.locator('th[data-col="ordered_at"] a').click();
    await page.waitForURL(/sort=ordered_at&dir=asc/);
    await page.locator('th[data-col="ordered_at"] a').click();
    await page.waitForURL(/sort=ordered_at&dir=desc/);
    expect(await page.locator('th[data-col="ordered_at"]').getAttribute('aria-sort')).toBe('descending');
    const times = await page.locator('td[data-col="ordered_at"]').allTextContents();
    expect(times.slice(0, 10)).toEqual([...times.slice(0, 10)].sort().reverse());
    expect(times[0]?.startsWith('2024-12')).toBe(true);
  });

  it('filters, keeping the sort', async () => {
    await page.locator('.ncf-filter select[name="fcol"]').selectOption('status');
    await page.locator('.ncf-filter select[name="fop"]').selectOption('eq');
    await page.locator('.ncf-filter input[name="fval"]').fill('cancelled');
    await page.locator('.ncf-filter button[type="submit"]').click();
    await page.waitForURL(/fcol=status/);
    const statuses = await page.locator('td[data-col="status"]').allTextContents();
    expect(statuses.length).toBeGreaterThan(10);
    expect(new Set(statuses)).toEqual(new Set(['cancelled']));
    expect(page.url()).toContain('sort=ordered_at&dir=desc');
  });

  it('filters a view column as numbers, and offers the view a chart', async () => {
    const expected = Number(
      readRow(server.demoDb, 'SELECT count(*) AS n FROM monthly_revenue WHERE revenue > 600000')?.n,
    );
    expect(expected).toBeGreaterThan(0);
    await page.goto(`${server.url}/d/demo/t/monthly_revenue?view=table&fcol=revenue&fop=gt&fval=600000`);
    expect(await page.locator('.ncf-grid tbody tr').count()).toBe(expected);
    const revenues = await page.locator('td[data-col="revenue"]').allTextContents();
    expect(revenues.every((r) => Number(r) > 600000)).toBe(true);
    expect(await page.locator('th[data-col="revenue"] .ncf-type').textContent()).toBe('float');
    expect(await switcherViews()).toContain('chart');
  });

  it('keeps the table and the filter form when a filter value is mistyped', async () => {
    await page.goto(`${server.url}/d/demo/t/orders?view=table&fcol=customer_id&fop=gt&fval=abc`);
    expect(await page.locator('.ncf-filter .ncf-filter-error').textContent()).toContain('customer_id');
    expect(await page.locator('.ncf-grid tbody tr').count()).toBe(50);
    expect(await page.locator('.ncf-error').count()).toBe(0);
  });

  it('edits a cell: exactly one row changes, and the value is there after a reload', async () => {
    await page.goto(`${server.url}/d/demo/t/orders`);
    const before = snapshot(server.demoDb, 'orders', ['id']);
    await cell(3, 'gift_message').dblclick();
    await page.locator('.ncf-editor input').fill('Edited in Chromium');
    await page.locator('.ncf-editor input').press('Enter');
    await expect.poll(() => cell(3, 'gift_message').textContent()).toBe('Edited in Chromium');
    await page.reload();
    expect(await cell(3, 'gift_message').textContent()).toBe('Edited in Chromium');
    const after = snapshot(server.demoDb, 'orders', ['id']);
    expect(changedKeys(before, after)).toEqual(['[3]']);
    expect(readRow(server.demoDb, 'SELECT gift_message FROM orders WHERE id = 3')?.gift_message).toBe(
      'Edited in Chromium',
    );
  });

  it('shows NULL apart from the empty string', async () => {
    await cell(4, 'gift_message').dblclick();
    await page.locator('.ncf-editor button', { hasText: 'NULL' }).click();
    await expect.poll(() => cell(4, 'gift_message').locator('.ncf-null').count()).toBe(1);
    expect(readRow(server.demoDb, 'SELECT gift_message FROM orders WHERE id = 4')?.gift_message).toBeNull();
  });

  it('refuses an edit of the wrong type, says why, and changes nothing', async () => {
    const before = snapshot(server.demoDb, 'orders', ['id']);
    await cell(5, 'customer_id').dblclick();
    await page.locator('.ncf-editor input').fill('not a number');
    await page.locator('.ncf-editor input').press('Enter');
    const alert = page.locator('.ncf-table-view .ncf-alert');
    await alert.waitFor({ state: 'visible' });
    expect(await alert.getAttribute('data-code')).toBe('NCF_INVALID_VALUE');
    expect(await alert.textContent()).toContain('customer_id');
    expect(changedKeys(before, snapshot(server.demoDb, 'orders', ['id']))).toEqual([]);
  });

  it('refuses an edit of a row deleted meanwhile (stale key), says why, and changes nothing', async () => {
    const rows = `${server.url}/api/datasources/demo/tables/orders/rows`;
    const json = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` };
    const values = {
      customer_id: 1,
      ordered_at: '2025-01-01 12:00:00',
      status: 'processing',
      shipping_country: 'Spain',
    };
    const response = await fetch(rows, { method: 'POST', headers: json, body: JSON.stringify({ values }) });
    const { row } = (await response.json()) as { row: { id: number } };
    const id = row.id;
    await page.goto(`${server.url}/d/demo/t/orders?sort=id&dir=desc`);
    expect((await ids())[0]).toBe(String(id));
    await fetch(rows, { method: 'DELETE', headers: json, body: JSON.stringify({ key: { id } }) });
    const before = snapshot(server.demoDb, 'orders', ['id']);
    await cell(id, 'status').dblclick();
    await page.locator('.ncf-editor input').fill('shipped');
    await page.locator('.ncf-editor input').press('Enter');
    const alert = page.locator('.ncf-table-view .ncf-alert');
    await alert.waitFor({ state: 'visible' });
    expect(await alert.getAttribute('data-code')).toBe('NCF_ROW_NOT_FOUND');
    expect(await alert.textContent()).toMatch(/reload/i);
    expect(changedKeys(before, snapshot(server.demoDb, 'orders', ['id']))).toEqual([]);
  });

  it('shows a plugin veto in the UI and changes nothing', async () => {
    await page.goto(`${server.url}/d/demo/t/products`);
    const before = snapshot(server.demoDb, 'products', ['id']);
    await cell(1, 'name').dblclick();
    await page.locator('.ncf-editor input').fill('Renamed');
    await page.locator('.ncf-editor input').press('Enter');
    const alert = page.locator('.ncf-table-view .ncf-alert');
    await alert.waitFor({ state: 'visible' });
    expect(await alert.textContent()).toContain('the price list is frozen until the stock-take');
    expect(changedKeys(before, snapshot(server.demoDb, 'products', ['id']))).toEqual([]);
  });

  it('adds a row with the form and deletes it again', async () => {
    const count = () => Number(readRow(server.demoDb, 'SELECT count(*) AS n FROM customers')?.n);
    const before = count();
    await page.goto(`${server.url}/d/demo/t/customers`);
    await page.locator('.ncf-add summary').click();
    const form = page.locator('.ncf-add-form');
    await form.locator('input[name="name"][data-type]').fill('Erin E2E');
    await form.locator('input[name="email"][data-type]').fill('erin@example.com');
    await form.locator('input[name="country"][data-type]').fill('Ireland');
    await form.locator('input[name="city"][data-type]').fill('Cork');
    await form.locator('input[name="signed_up_on"][data-type]').fill('2024-06-01');
    await Promise.all([page.waitForEvent('load'), form.locator('button[type="submit"]').click()]);
    expect(count()).toBe(before + 1);
    const added = readRow(server.demoDb, "SELECT * FROM customers WHERE email = 'erin@example.com'");
    expect(added).toMatchObject({ name: 'Erin E2E', city: 'Cork', phone: null });
    // The page says so and shows the new row first, on page 1 of the key order though it sorts last.
    expect(await page.locator('.ncf-added-note').textContent()).toContain(`id ${added?.id}`);
    const shown = page.locator('.ncf-grid tbody tr.ncf-added');
    expect(await shown.locator('td[data-col="email"]').textContent()).toBe('erin@example.com');
    expect(await shown.isVisible()).toBe(true);
    expect(await page.locator('.ncf-grid tbody tr').first().getAttribute('class')).toBe('ncf-added');

    await page.goto(`${server.url}/d/demo/t/customers?sort=id&dir=desc`);
    const newest = page.locator('.ncf-grid tbody tr').first();
    expect(await newest.locator('td[data-col="email"]').textContent()).toBe('erin@example.com');
    await newest.locator('button.ncf-delete').click();
    await expect.poll(count).toBe(before);
    // The row leaves the page once the answer arrives (after the database commit and the audit record).
    await expect
      .poll(() => page.locator('.ncf-grid tbody tr').first().locator('td[data-col="email"]').textContent())
      .not.toBe('erin@example.com');
  });

  it('switches to the chart view and finds an SVG with bars', async () => {
    await page.goto(`${server.url}/d/demo/t/orders`);
    await page.locator('.ncf-switcher a[data-view="chart"]').click();
    await page.waitForURL(/view=chart/);
    // When no chart is drawn, the message says what the page showed instead.
    expect(
      await page.locator('.ncf-chart svg').count(),
      `the chart page showed: ${(await page.locator('main').innerText()).slice(0, 500)}`,
    ).toBe(1);
    // From the keyboard, an arrow only moves through the options; Enter draws.
    const type = page.locator('select[name="type"]');
    let navigations = 0;
    const count = (frame: { parentFrame(): unknown }) => {
      if (!frame.parentFrame()) navigations++;
    };
    page.on('framenavigated', count);
    await type.focus();
    await type.press('ArrowDown');
    await type.selectOption('bar');
    await Promise.all([page.waitForURL(/type=bar/), type.press('Enter')]);
    page.off('framenavigated', count);
    expect(navigations).toBe(1);
    expect(await page.locator('.ncf-chart svg path[ecmeta_ssr_type="chart"]').count()).toBeGreaterThanOrEqual(
      20,
    );
    expect(await page.locator('.ncf-chart-canvas').getAttribute('data-hydrated')).toBe('true');
    // Interactive where scripts run: hovering a bar shows its label and value.
    await page.locator('.ncf-chart svg path[ecmeta_ssr_type="chart"]').nth(5).hover();
    await page.locator('.ncf-chart-tip').waitFor({ state: 'visible' });
    expect(await page.locator('.ncf-chart-tip').textContent()).toMatch(
      /^20\d\d-\d\d: [\d,.]+ \(number of rows\)$/,
    );
    await page.locator('select[name="type"]').selectOption('line');
    await Promise.all([
      page.waitForURL(/type=line/),
      page.locator('.ncf-chart-form button[type="submit"]').click(),
    ]);
    await screenshot(page, 'chart');
  });

  it('remembers the chart for the table', async () => {
    await page.goto(`${server.url}/d/demo/t/orders`);
    expect(await page.locator('.ncf-view').getAttribute('data-view')).toBe('chart');
  });

  it('disables the chart view on the admin page, without a restart, and re-enables it', async () => {
    await page.goto(`${server.url}/admin#token=${ADMIN_TOKEN}`);
    const row = page.locator('tr[data-plugin="@nocoflo/chart-view"]');
    expect(await row.getAttribute('data-state')).toBe('enabled');
    await row.locator('button[data-action="disable"]').click();
    await expect
      .poll(() => page.locator('tr[data-plugin="@nocoflo/chart-view"]').getAttribute('data-state'))
      .toBe('disabled');
    await screenshot(page, 'admin');

    await page.goto(`${server.url}/d/demo/t/orders`);
    // The form view (@nocoflo/form-view) is offered too, after the table for a narrow table.
    expect(await switcherViews()).toEqual(['table', 'form']);
    expect(await page.locator('.ncf-view').getAttribute('data-view')).toBe('table');

    await page.goto(`${server.url}/admin`);
    await page.locator('tr[data-plugin="@nocoflo/chart-view"] button[data-action="enable"]').click();
    await expect
      .poll(() => page.locator('tr[data-plugin="@nocoflo/chart-view"]').getAttribute('data-state'))
      .toBe('enabled');
    await page.goto(`${server.url}/d/demo/t/orders`);
    expect(await switcherViews()).toEqual(['table', 'chart', 'form']);
  });

  it('ran without script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
