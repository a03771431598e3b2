/**
 * Every page type of the web app in a real browser (playwright-core driving Chromium), on
 * the demo data: axe-core finds no serious or critical accessibility violation, and at
 * 1280×800 and at 390×844 nothing overflows the viewport (every element's box ends inside
 * it, or inside a box that scrolls on its own, like the grid and the chart). The same checks
 * run in the dark theme (`prefers-color-scheme: dark`), where axe's contrast rule proves the
 * text, the grid and the filter, search and facet controls stay readable.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, HOW_TO_GET_CHROMIUM, NO_PLAYWRIGHT_LIMIT } from '../fixtures/browser.js';
import { launchChromium } from '../fixtures/launch-chromium.js';
import { ADMIN_TOKEN, type RunningServer, startServer } from '../fixtures/serve.js';

const executablePath = findChromium();
const required = process.env.CI === 'true';
if (!executablePath && !required) console.warn(`accessibility test skipped: ${HOW_TO_GET_CHROMIUM}`);

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One page of each type, by its path. */
const PAGES: Record<string, string> = {
  home: '/',
  'table view': '/d/demo/t/orders?view=table',
  'table view of a database view': '/d/demo/t/monthly_revenue?view=table',
  'table view with a filter, a quick search and facets':
    '/d/demo/t/orders?view=table&fcol=status&fop=eq&fval=shipped&q=a',
  'table view with a refused filter condition': '/d/demo/t/orders?view=table&fcol=id&fop=gt&fval=abc',
  'row page with the rows that reference it': `/d/demo/t/customers?view=table&row=${encodeURIComponent('{"id":1}')}`,
  'chart view': '/d/demo/t/orders?view=chart',
  'form view': '/d/demo/t/customers?view=form',
  'unknown table': '/d/demo/t/no_such_table',
  admin: `/admin#token=${ADMIN_TOKEN}`,
};

/** What shows that a page is of its type, where a wrong key or setting would fall back to another. */
const SHOWS: Record<string, string> = {
  'row page with the rows that reference it': '.ncf-row-page',
  'chart view': '.ncf-chart svg',
};

/** Screen sizes and colour schemes: each page is checked in each. */
const VIEWPORTS: { width: number; height: number; colorScheme: 'light' | 'dark' }[] = [
  { width: 1280, height: 800, colorScheme: 'light' },
  { width: 390, height: 844, colorScheme: 'light' },
  { width: 1280, height: 800, colorScheme: 'dark' },
  { width: 390, height: 844, colorScheme: 'dark' },
];

/** Serious and critical axe violations: rule, impact and the first offending elements. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's Content-Security-Policy (no inline scripts) stays on.
  await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate(
    "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))",
  )) as { id: string; impact: string; nodes: string[] }[];
  return result
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.join(', ')}`);
}

/**
 * Elements whose box ends past the right edge of the viewport without a scrolling (or
 * clipping) ancestor to hold them, and whether the page itself scrolls sideways.
 */
async function overflowing(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const width = document.documentElement.clientWidth;
    const held = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const overflow = getComputedStyle(p).overflowX;
        if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') return true;
      }
      return false;
    };
    const out = [];
    if (document.documentElement.scrollWidth > width + 1) out.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + width);
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (box.right > width + 1 && !held(el)) {
        out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' ends at ' + Math.round(box.right));
      }
    }
    return out.slice(0, 10);
  })()`)) as string[];
}

describe.skipIf(!executablePath && !required)('accessibility and layout of every page type', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!executablePath) throw new Error(`CI=true needs a browser, but ${HOW_TO_GET_CHROMIUM}`);
    server = await startServer();
    browser = await launchChromium(executablePath);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const { colorScheme, ...viewport } of VIEWPORTS) {
    describe(`at ${viewport.width}×${viewport.height}, ${colorScheme} theme`, () => {
      for (const [name, path] of Object.entries(PAGES)) {
        it(`${name}: no serious or critical axe violation, nothing overflows`, async () => {
          const page = await browser.newPage({ viewport, colorScheme });
          page.setDefaultTimeout(NO_PLAYWRIGHT_LIMIT);
          try {
            await page.goto(`${server.url}${path}`);
            if (SHOWS[name]) expect(await page.locator(SHOWS[name]).count(), SHOWS[name]).toBe(1);
            expect((await overflowing(page)).join('\n')).toBe('');
            expect((await seriousViolations(page)).join('\n')).toBe('');
          } finally {
            await page.close();
          }
        });
      }
    });
  }
});
