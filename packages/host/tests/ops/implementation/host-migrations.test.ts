// Migrations through a real host: applied before setup, recorded, and a tampered or failing
// migration fails its plugin alone, with the file named.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHost } from '@nocoflo/host';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMetadataStore } from '../../../src/store/index.js';
import { writePluginDir } from '../fixtures/plugin-dirs.js';
import { tempDir } from '../helpers.js';

describe('a host applying plugin migrations', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let dbPath: string;
  let auditPath: string;

  beforeEach(async () => {
    dir = await tempDir();
    dbPath = join(dir.path, '.nocoflo', 'metadata.db');
    const plugins = join(dir.path, 'plugins');
    await mkdir(plugins);
    // setup records how many rows the migrated table held when it ran, read through its own ctx.database.
    auditPath = writePluginDir(plugins, 'audit', 'ops-audit', {
      body: "async setup(ctx) { (globalThis.__opsSetupSaw ??= []).push((await ctx.database.query('SELECT count(*) AS n FROM audit_log')).rows[0].n); },",
      files: {
        'migrations/0001_create.sql': 'CREATE TABLE audit_log (id INTEGER PRIMARY KEY, note TEXT);',
        'migrations/0002_seed.sql': "INSERT INTO audit_log (note) VALUES ('hello');",
      },
    });
    writePluginDir(plugins, 'other', 'ops-other');
    (globalThis as { __opsSetupSaw?: unknown[] }).__opsSetupSaw = [];
  });
  afterEach(() => dir.cleanup());

  const start = async () => {
    const store = await openMetadataStore(dbPath);
    // The test reads what setup saw through a global of the plugin's realm: it runs trusted (inline).
    const host = await createHost({
      root: dir.path,
      scanNodeModules: false,
      store,
      isolation: { default: 'inline' },
    });
    await host.start();
    return { host, store };
  };

  it('applies pending migrations before setup and records them once', async () => {
    const { host, store } = await start();
    expect(host.get('ops-audit')?.state).toBe('enabled');
    expect((globalThis as { __opsSetupSaw?: unknown[] }).__opsSetupSaw).toEqual([1]);
    expect((await store.appliedMigrations('ops-audit')).map((m) => m.file)).toEqual([
      'migrations/0001_create.sql',
      'migrations/0002_seed.sql',
    ]);
    await host.stop();

    const again = await start();
    expect(again.host.get('ops-audit')?.state).toBe('enabled');
    expect((globalThis as { __opsSetupSaw?: unknown[] }).__opsSetupSaw).toEqual([1, 1]);
    await again.host.stop();
  });

  it('fails only the plugin whose applied migration was changed, naming the file', async () => {
    await (await start()).host.stop();
    await writeFile(join(auditPath, 'migrations', '0001_create.sql'), 'CREATE TABLE audit_log (id INTEGER);');
    const { host } = await start();
    const audit = host.get('ops-audit');
    expect(audit?.state).toBe('failed');
    expect(audit?.error?.code).toBe('NCF_MIGRATION_CHANGED');
    expect(audit?.error?.message).toContain('migrations/0001_create.sql');
    expect(host.get('ops-other')?.state).toBe('enabled');
    await host.stop();
  });

  it('rolls a failing migration back and fails only its plugin; fixing the file and reloading recovers', async () => {
    await writeFile(
      join(auditPath, 'migrations', '0003_broken.sql'),
      'CREATE TABLE half (id INTEGER);\nSELECT * FROM nowhere;',
    );
    const { host, store } = await start();
    const audit = host.get('ops-audit');
    expect(audit?.state).toBe('failed');
    expect(audit?.error?.code).toBe('NCF_MIGRATION_FAILED');
    expect(audit?.error?.message).toMatch(/0003_broken\.sql.*nowhere/);
    expect(host.get('ops-other')?.state).toBe('enabled');
    expect((await store.appliedMigrations('ops-audit')).map((m) => m.id)).toEqual([
      '0001_create',
      '0002_seed',
    ]);

    await writeFile(join(auditPath, 'migrations', '0003_broken.sql'), 'CREATE TABLE half (id INTEGER);');
    expect((await host.reload('ops-audit')).state).toBe('enabled');
    expect((await store.appliedMigrations('ops-audit')).map((m) => m.id)).toEqual([
      '0001_create',
      '0002_seed',
      '0003_broken',
    ]);
    await host.stop();
  });
});
