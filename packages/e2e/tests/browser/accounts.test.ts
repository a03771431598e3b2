/**
 * Accounts in a real browser (playwright-core driving Chromium) against the built CLI: each
 * role signs in through the form and sees what it may do. The viewer gets no edit
 * affordance; the editor edits `orders` but only reads `customers` (a grant the admin sets
 * on the users page); an edit made meanwhile by someone else shows as a conflict that the
 * editor applies again; the admin reverts the editor's change from the audit page.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, HOW_TO_GET_CHROMIUM, NO_PLAYWRIGHT_LIMIT } from '../fixtures/browser.js';
import { readRow } from '../fixtures/database.js';
import { launchChromium } from '../fixtures/launch-chromium.js';
import { ADMIN_TOKEN, CLI, type RunningServer, startServer } from '../fixtures/serve.js';

const executablePath = findChromium();
const required = process.env.CI === 'true';
if (!executablePath && !required) console.warn(`browser test skipped: ${HOW_TO_GET_CHROMIUM}`);

const USERS = { viewer: 'viewer', editor: 'editor', admin: 'admin' } as const;
const password = (name: string) => `${name}-password-1`;

/** A small shop: orders (editable by the editor) and customers (read-only for it). */
function createShop(file: string): void {
  const db = new Database(file);
  db.exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, status TEXT NOT NULL, qty INTEGER NOT NULL);
    INSERT INTO customers VALUES (1, 'Ada'), (2, 'Grace');
    INSERT INTO orders VALUES (1, 1, 'new', 10), (2, 2, 'new', 20), (3, 1, 'paid', 30);`);
  db.close();
}

describe.skipIf(!executablePath && !required)('accounts in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let work: string;
  let shop: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!executablePath) throw new Error(`CI=true needs a browser, but ${HOW_TO_GET_CHROMIUM}`);
    work = mkdtempSync(join(tmpdir(), 'ncf-accounts-'));
    shop = join(work, 'shop.sqlite');
    createShop(shop);
    const dataDir = join(work, 'data');
    for (const [name, role] of Object.entries(USERS)) {
      const added = spawnSync(
        process.execPath,
        [CLI, 'users', 'add', name, '--role', role, '--data-dir', dataDir],
        {
          env: { ...process.env, NOCOFLO_PASSWORD: password(name) },
          encoding: 'utf8',
        },
      );
      if (added.status !== 0) throw new Error(`users add ${name} failed: ${added.stderr}`);
    }
    server = await startServer({ urls: [`sqlite:${shop}`], dataDir, localAdmin: false });
    browser = await launchChromium(executablePath);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function signedIn(name: keyof typeof USERS): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(NO_PLAYWRIGHT_LIMIT);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${server.url}/d/shop/t/orders`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.locator('input[name="name"]').fill(name);
    await page.locator('input[name="password"]').fill(password(name));
    await page.locator('.ncf-sign-in button[type="submit"]').click();
    await page.waitForURL(/\/d\/shop\/t\/orders$/);
    await expect.poll(() => page.locator('.ncf-account').textContent()).toContain(name);
    return page;
  }

  const orderQty = (id: number) => readRow(shop, 'SELECT qty FROM orders WHERE id = ?', id)?.qty;

  it('refuses a wrong password and signs nobody in', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(NO_PLAYWRIGHT_LIMIT);
    await page.goto(`${server.url}/sign-in`);
    await page.locator('input[name="name"]').fill('editor');
    await page.locator('input[name="password"]').fill('not the password');
    await page.locator('.ncf-sign-in button[type="submit"]').click();
    await expect.poll(() => page.locator('.ncf-error').textContent()).toContain('wrong');
    await page.close();
  });

  it('lets the admin narrow the editor to reading customers on the users page', async () => {
    const page = await signedIn('admin');
    await page.goto(`${server.url}/admin/users`);
    const row = page.locator('tr[data-user="editor"]');
    await row.locator('select[name="datasource"]').selectOption('shop');
    await row.locator('input[name="table"]').fill('customers');
    await row.locator('select[name="access"]').selectOption('read');
    await row.locator('form[action$="/grants"] button').click();
    await expect
      .poll(() => page.locator('tr[data-user="editor"] .ncf-grants').textContent())
      .toContain('shop.customers: read');
    // Nothing the page shows carries a password hash.
    expect(await page.content()).not.toMatch(/scrypt\$/);
    await page.close();
  });

  it('shows the viewer the data with no edit affordance', async () => {
    const page = await signedIn('viewer');
    await expect.poll(() => page.locator('.ncf-grid tbody tr').count()).toBe(3);
    expect(await page.locator('td.ncf-editable').count()).toBe(0);
    expect(await page.locator('button.ncf-delete').count()).toBe(0);
    expect(await page.locator('.ncf-add').count()).toBe(0);
    // The API refuses the write too, whatever the page shows.
    const status = await page.evaluate(async () => {
      const response = await fetch('/api/datasources/shop/tables/orders/rows', {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: { id: 1 }, changes: { qty: 99 } }),
      });
      return response.status;
    });
    expect(status).toBe(403);
    expect(orderQty(1)).toBe(10);
    await page.close();
  });

  it('lets the editor edit orders, not customers, and resolve a conflict by applying the edit again', async () => {
    const page = await signedIn('editor');
    const qtyCell = (id: number) =>
      page.locator(`.ncf-grid tbody tr:has(td[data-col="id"]:text-is("${id}")) td[data-col="qty"]`);
    await qtyCell(1).dblclick();
    await page.locator('.ncf-editor input').fill('11');
    await page.locator('.ncf-editor input').press('Enter');
    await expect.poll(() => orderQty(1)).toBe(11);

    // Someone else changes order 2 after the page was read.
    const other = await fetch(`${server.url}/api/datasources/shop/tables/orders/rows`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ key: { id: 2 }, changes: { qty: 25 } }),
    });
    expect(other.status).toBe(200);
    await qtyCell(2).dblclick();
    await page.locator('.ncf-editor input').fill('21');
    await page.locator('.ncf-editor input').press('Enter');
    const alert = page.locator('.ncf-alert');
    await expect.poll(() => alert.getAttribute('data-code')).toBe('NCF_ROW_CHANGED');
    expect(await alert.textContent()).toContain('is now 25');
    expect(orderQty(2)).toBe(25);
    await expect.poll(() => qtyCell(2).textContent()).toBe('25');
    await page.locator('.ncf-alert button.ncf-retry').click();
    await expect.poll(() => orderQty(2)).toBe(21);

    await page.goto(`${server.url}/d/shop/t/customers`);
    await expect.poll(() => page.locator('.ncf-grid tbody tr').count()).toBe(2);
    expect(await page.locator('td.ncf-editable').count()).toBe(0);
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('lets the admin revert the editor change from the audit page', async () => {
    const page = await signedIn('admin');
    await page.goto(`${server.url}/admin/audit?actor=user%3Aeditor&action=row.update`);
    const entries = page.locator('table.ncf-audit tbody tr[data-action="row.update"]');
    await expect.poll(() => entries.count()).toBe(2);
    // Oldest of the editor's updates: order 1, 10 → 11.
    await entries.last().locator('button', { hasText: 'Revert' }).click();
    await expect.poll(() => page.locator('.ncf-notice').textContent()).toContain('Reverted');
    expect(orderQty(1)).toBe(10);
    await page.goto(`${server.url}/admin/audit?action=row.revert`);
    expect(await page.locator('table.ncf-audit tbody tr[data-action="row.revert"]').count()).toBe(1);
    await page.close();
  });
});
