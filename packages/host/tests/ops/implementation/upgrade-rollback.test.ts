// Issue #12, item 5: a failed or killed upgrade. The rule (docs/operating.md): a plugin
// version never runs on data migrated past what it knows. When v2's migrations committed and
// v2 then failed (or the process was SIGKILLed) and v1 is put back, v1 is refused with
// NCF_MIGRATION_AHEAD naming the migrations, none of its code runs, and the install says so.
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHost, installPlugin } from '@nocoflo/host';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMetadataStore } from '../../../src/store/index.js';
import { runChild } from '../fixtures/child-process.js';
import { writePluginDir } from '../fixtures/plugin-dirs.js';
import { goodPluginTarball } from '../fixtures/tarball.js';
import { dropSchema, POSTGRES_URL, postgresAvailable, tempDir, uniqueSchema } from '../helpers.js';

const hasPostgres = await postgresAvailable();
const V1_MIGRATION = { 'migrations/0001_base.sql': 'CREATE TABLE base (id INTEGER PRIMARY KEY);' };
const V2_FILES = {
  'migrations/0001_base.sql': 'CREATE TABLE base (id INTEGER PRIMARY KEY);',
  'migrations/0002_more.sql': 'CREATE TABLE more (id INTEGER PRIMARY KEY);',
};

for (const backend of [
  { name: 'sqlite' as const, skip: false },
  { name: 'postgres' as const, skip: !hasPostgres },
]) {
  describe.skipIf(backend.skip)(`a failed or killed upgrade (${backend.name})`, () => {
    let dir: { path: string; cleanup: () => Promise<void> };
    let storeUrl: string;
    let schema = '';
    let pluginDir: string;
    beforeEach(async () => {
      dir = await tempDir();
      pluginDir = join(dir.path, 'plugins');
      await mkdir(pluginDir);
      if (backend.name === 'postgres') {
        schema = uniqueSchema('ncf_rollback');
        storeUrl = `${POSTGRES_URL}?schema=${schema}`;
      } else storeUrl = join(dir.path, '.nocoflo', 'metadata.db');
      writePluginDir(pluginDir, '@ops+hello', '@ops/hello', { version: '1.0.0', files: V1_MIGRATION });
    });
    afterEach(async () => {
      if (schema) await dropSchema(schema);
      await dir.cleanup();
    });

    const start = async () => {
      const store = await openMetadataStore(storeUrl);
      const host = await createHost({
        root: dir.path,
        pluginDirs: ['plugins'],
        scanNodeModules: false,
        store,
      });
      await host.start();
      return { host, store };
    };
    const expectRefusedV1 = (
      info: { version: string; state: string; error?: { code: string; message: string } } | undefined,
    ) => {
      expect(info?.version).toBe('1.0.0');
      expect(info?.state).toBe('failed');
      expect(info?.error?.code).toBe('NCF_MIGRATION_AHEAD');
      expect(info?.error?.message).toMatch(/0002_more/);
    };

    it('the failure path: v2 migrates then fails in setup; v1 is put back, refused, and the install says so', async () => {
      const first = await start();
      expect(first.host.get('@ops/hello')?.state).toBe('enabled');
      const tarball = goodPluginTarball('@ops/hello', '2.0.0', {
        entry: `export default { [Symbol.for('nocoflo.plugin')]: true, setup() { throw new Error('v2 is broken'); } };`,
        files: V2_FILES,
      });
      const error = await installPlugin(first.host, { data: tarball }, { installDependencies: false }).catch(
        (e) => e,
      );
      expect(error.code).toBe('NCF_INSTALL_FAILED');
      expect(error.message).toMatch(/v2 is broken/);
      expect(error.message).toMatch(/previous version 1\.0\.0 was put back but does not run: .*0002_more/);
      expectRefusedV1(first.host.get('@ops/hello'));
      // The store says what happened: v2's migration stays recorded; nothing pretends otherwise.
      expect((await first.store.appliedMigrations('@ops/hello')).map((m) => m.id)).toEqual([
        '0001_base',
        '0002_more',
      ]);
      await first.host.stop();
      // A restart keeps refusing, with the same reason.
      const again = await start();
      expectRefusedV1(again.host.get('@ops/hello'));
      await again.host.stop();
    });

    it('the SIGKILL path: killed after v2 migrations committed; the restart puts v1 back and refuses it', async () => {
      const first = await start();
      await first.host.stop();
      const tarball = join(dir.path, 'hello-2.0.0.tgz');
      await writeFile(tarball, goodPluginTarball('@ops/hello', '2.0.0', { files: V2_FILES }));
      const crashed = await runChild('install', [dir.path, tarball, storeUrl], {
        NOCOFLO_CRASH_AT: 'plugin:after-migrations',
      });
      expect(crashed.signal).toBe('SIGKILL');
      const after = await start();
      expectRefusedV1(after.host.get('@ops/hello'));
      const work = join(pluginDir, '.nocoflo-install');
      expect(existsSync(work) ? readdirSync(work) : []).toEqual([]);
      await after.host.stop();
    });
  });
}
