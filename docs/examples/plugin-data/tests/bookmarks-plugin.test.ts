// Tests the bookmarks plugin with the testing kit: its migrations run in an in-memory
// database of its own, and ctx.database reads and writes it.
import { fileURLToPath } from 'node:url';
import { definePlugin } from '@nocoflo/sdk';
import { createTestHost } from '@nocoflo/testing';
import { describe, expect, it } from 'vitest';
import plugin, { addBookmark, type Bookmark, bookmarksOf } from '../src/bookmarks-plugin.js';

// The plugin folder: the host runs the migrations/ found there before setup.
const folder = fileURLToPath(new URL('..', import.meta.url));

describe('bookmarks plugin', () => {
  it('stores bookmarks in its own database', async () => {
    await using host = await createTestHost({ plugins: [{ name: 'bookmarks', path: folder, plugin }] });
    expect(host.get('bookmarks')?.state).toBe('enabled');

    const route = host.routes.match('bookmarks', 'POST', '/tables/orders/bookmarks');
    const created = await route?.route.route.handler({
      params: route.params,
      query: {},
      body: { note: 'check the refunds' },
      headers: {},
    });
    expect(created).toMatchObject({
      status: 201,
      body: [{ table_name: 'orders', note: 'check the refunds' }],
    });

    const refused = await route?.route.route.handler({
      params: route.params,
      query: {},
      body: {},
      headers: {},
    });
    expect(refused?.status).toBe(400);
  });

  it('keeps the queries in functions that take the database', async () => {
    const seen: Bookmark[][] = [];
    const probe = definePlugin({
      async setup(ctx) {
        await addBookmark(ctx.database, 'customers', 'VIP list');
        await addBookmark(ctx.database, 'orders', 'late ones');
        seen.push(await bookmarksOf(ctx.database, 'customers'));
      },
    });
    await using host = await createTestHost({
      plugins: [{ name: 'bookmarks', path: folder, plugin: probe }],
    });
    expect(host.get('bookmarks')?.state).toBe('enabled');
    expect(seen).toEqual([[{ id: 1, table_name: 'customers', note: 'VIP list' }]]);
  });
});
