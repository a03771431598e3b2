/**
 * The admin page's config editor in a real browser (playwright-core driving Chromium), on
 * the built CLI: the form is generated from the plugin's zod schema, a bad value is shown
 * next to its field and changes nothing, a good one is applied with a reload of the plugin,
 * the secret field is write-only (never on the page or in any answer, kept when left
 * empty), and every change is listed with who made it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, HOW_TO_GET_CHROMIUM, NO_PLAYWRIGHT_LIMIT } from '../fixtures/browser.js';
import { launchChromium } from '../fixtures/launch-chromium.js';
import { ADMIN_TOKEN, REPO_ROOT, type RunningServer, startServer } from '../fixtures/serve.js';

const executablePath = findChromium();
const required = process.env.CI === 'true';
const PLUGIN = 'e2e-config-form';
const KEY = 'sk-e2e-0123456789abcdef';
const SMTP_PASSWORD = 'smtp-password-never-shown';

describe.skipIf(!executablePath && !required)('plugin config editor in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const answers: string[] = [];

  beforeAll(async () => {
    if (!executablePath) throw new Error(`CI=true needs a browser, but ${HOW_TO_GET_CHROMIUM}`);
    server = await startServer();
    browser = await launchChromium(executablePath);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(NO_PLAYWRIGHT_LIMIT);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('response', async (response) => {
      if (response.url().includes('/admin/')) answers.push(await response.text().catch(() => ''));
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const seen = async () =>
    (
      await fetch(`${server.url}/plugins/${PLUGIN}/seen`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json();
  const field = (path: string) => page.locator(`.ncf-config-form [data-path="${path}"]`);
  const openEditor = async () => {
    // A whole new document: going to the same URL again would only change the hash, keeping
    // the last editor (and its "Saved" status) on screen while the new one loads.
    await page.goto('about:blank');
    await page.goto(`${server.url}/admin#token=${ADMIN_TOKEN}`);
    await page.locator(`button[data-configure="${PLUGIN}"]`).click();
    await field('title').waitFor();
  };

  it('generates the form from the schema and shows a bad value next to its field, changing nothing', async () => {
    await openEditor();
    expect(await field('mode').evaluate((el) => el.tagName)).toBe('SELECT');
    expect(await field('limit').getAttribute('type')).toBe('number');
    expect(await field('apiKey').getAttribute('type')).toBe('password');
    expect(await field('smtp.password').getAttribute('type')).toBe('password');
    expect(await field('title').getAttribute('placeholder')).toBe('default: Reports');

    await field('title').fill('Monthly');
    await field('limit').fill('0');
    await field('apiKey').fill(KEY);
    await page.locator('.ncf-config-form button[type=submit]').click();
    const error = page.locator('.ncf-config-form [data-error-for="limit"]');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toMatch(/>=\s*1|at least|too small/i);
    expect(await field('limit').getAttribute('aria-invalid')).toBe('true');
    expect(await seen()).toMatchObject({ title: 'Reports', limit: 50, keyMatches: false });
  });

  it('applies a good value with a reload of the plugin; the secret reaches the plugin and nothing else', async () => {
    await field('limit').fill('20');
    await field('mode').selectOption({ label: 'thorough' });
    await field('smtp.host').fill('mail.example.com');
    await field('smtp.password').fill(SMTP_PASSWORD);
    await page.locator('.ncf-config-form button[type=submit]').click();
    await page.locator('.ncf-config-status', { hasText: 'Saved' }).waitFor();
    expect(await page.locator('.ncf-config-status').textContent()).toBe(`Saved; ${PLUGIN} is enabled.`);
    expect(await field('apiKey').inputValue()).toBe('');
    expect(await field('apiKey').getAttribute('placeholder')).toBe('set; leave empty to keep it');
    expect(await page.locator('.ncf-history li').count()).toBe(1);
    expect(await seen()).toEqual({
      title: 'Monthly',
      limit: 20,
      mode: 'thorough',
      smtpHost: 'mail.example.com',
      keyMatches: true,
      hasSmtpPassword: true,
    });
    mkdirSync(join(REPO_ROOT, 'packages/e2e/screenshots'), { recursive: true });
    await page.screenshot({
      path: join(REPO_ROOT, 'packages/e2e/screenshots/admin-config.png'),
      fullPage: true,
    });
  });

  it('keeps secrets left empty, never shows them, and lists who changed what', async () => {
    await openEditor();
    expect(await field('apiKey').getAttribute('placeholder')).toBe('set; leave empty to keep it');
    expect(await field('title').inputValue()).toBe('Monthly');
    await field('title').fill('Weekly');
    await page.locator('.ncf-config-form button[type=submit]').click();
    await page.locator('.ncf-config-status', { hasText: 'Saved' }).waitFor();
    expect(await seen()).toMatchObject({ title: 'Weekly', keyMatches: true, hasSmtpPassword: true });

    await openEditor();
    const history = await page.locator('.ncf-history li').allTextContents();
    expect(history[0]).toMatch(/by admin-token: title$/);
    expect(history[1]).toMatch(/by admin-token: apiKey, limit, mode, smtp\.host, smtp\.password, title$/);

    const html = await page.content();
    for (const text of [html, ...answers, server.output()]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(SMTP_PASSWORD);
    }
    expect(pageErrors).toEqual([]);
  });
});
