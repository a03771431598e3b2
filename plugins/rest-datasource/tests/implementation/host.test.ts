import { rowVersion } from '@nocoflo/sdk';
import { createTestHost } from '@nocoflo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin from '../../src/index.js';
import { type ApiServer, startApiServer } from '../fixtures/api-server.js';

let api: ApiServer;
beforeAll(async () => {
  api = await startApiServer();
  api.setDataset('shop', {
    products: { types: { id: 'integer', title: 'text' }, key: ['id'], rows: [{ id: 1, title: 'Tea 🍵' }] },
  });
});
afterAll(async () => {
  await api?.close();
});

describe('in a host', () => {
  it('opens http: URLs with the specs of its config, read-only', async () => {
    const base = `${api.url}/shop`;
    const host = await createTestHost({
      plugins: [{ name: '@nocoflo/rest-datasource', plugin }],
      config: {
        '@nocoflo/rest-datasource': {
          apis: {
            [base]: {
              tables: {
                products: { path: '/page/products', rows: '/data', key: 'id', pagination: { style: 'page' } },
              },
            },
          },
        },
      },
    });
    try {
      expect(host.get('@nocoflo/rest-datasource')?.state).toBe('enabled');
      const ds = await host.datasources.open(base);
      expect((await ds.readPage('products')).rows).toEqual([{ id: 1, title: 'Tea 🍵' }]);
      expect(ds.capabilities).toMatchObject({ write: false, aggregate: false, stream: true });
      await expect(ds.insert('products', { id: 2, title: 'x' })).rejects.toMatchObject({
        code: 'NCF_READ_ONLY',
      });
      await ds.close();
    } finally {
      await host.stop();
    }
  });

  it('has no write path, so two hosts cannot lose an update through it: conditional writes are refused too', async () => {
    const base = `${api.url}/shop`;
    const spec = {
      tables: {
        products: { path: '/page/products', rows: '/data', key: 'id', pagination: { style: 'page' } },
      },
    };
    // Two hosts on the same API, each editing the row it read.
    const hosts = await Promise.all(
      [1, 2].map(() =>
        createTestHost({
          plugins: [{ name: '@nocoflo/rest-datasource', plugin }],
          config: { '@nocoflo/rest-datasource': { apis: { [base]: spec } } },
        }),
      ),
    );
    try {
      const sources = await Promise.all(hosts.map((host) => host.datasources.open(base)));
      for (const ds of sources) {
        // It does not claim conditional writes: it writes nothing at all.
        expect(ds.capabilities.write).toBe(false);
        expect(ds.capabilities.conditionalWrites ?? false).toBe(false);
        const [row] = (await ds.readPage('products')).rows;
        const ifVersion = rowVersion(row ?? {});
        await expect(
          ds.update('products', { id: 1 }, { title: 'Coffee' }, { ifVersion }),
        ).rejects.toMatchObject({ code: 'NCF_READ_ONLY' });
        await expect(ds.delete('products', { id: 1 }, { ifVersion })).rejects.toMatchObject({
          code: 'NCF_READ_ONLY',
        });
      }
      for (const ds of sources)
        expect((await ds.readPage('products')).rows).toEqual([{ id: 1, title: 'Tea 🍵' }]);
      await Promise.all(sources.map((ds) => ds.close()));
    } finally {
      await Promise.all(hosts.map((host) => host.stop()));
    }
  });

  it('refuses a config that is not a spec, naming what is wrong', async () => {
    const host = await createTestHost({
      plugins: [{ name: '@nocoflo/rest-datasource', plugin }],
      config: {
        '@nocoflo/rest-datasource': { apis: { 'https://x.example': { tables: { t: { path: '/t' } } } } },
      },
    });
    try {
      const info = host.get('@nocoflo/rest-datasource');
      expect(info?.state).toBe('failed');
      expect(info?.error?.code).toBe('NCF_CONFIG_INVALID');
      expect(info?.error?.message).toMatch(/key/);
    } finally {
      await host.stop();
    }
  });
});
