// A process killed with SIGKILL in the middle of a migration or an install restarts into a
// consistent state. The children kill themselves at named points (NOCOFLO_CRASH_AT), so
// each test hits exactly the moment it names.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHost } from '@nocoflo/host';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMetadataStore } from '../../../src/store/index.js';
import { runChild } from '../fixtures/child-process.js';
import { writePluginDir } from '../fixtures/plugin-dirs.js';
import { goodPluginTarball } from '../fixtures/tarball.js';
import {
  dropSchema,
  POSTGRES_URL,
  pluginSchema,
  postgresAvailable,
  selectIn,
  tempDir,
  uniqueSchema,
} from '../helpers.js';

/** Rows of a query on a SQLite file, opened read-only; also checks the file's integrity. */
function readSqlite(path: string, sql: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

const hasPostgres = await postgresAvailable();

describe('SIGKILL during a migration', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let pluginPath: string;
  beforeEach(async () => {
    dir = await tempDir();
    pluginPath = writePluginDir(dir.path, 'audit', 'audit', {
      files: {
        'migrations/0001_create.sql': 'CREATE TABLE audit (id INTEGER PRIMARY KEY, note TEXT);',
        'migrations/0002_seed.sql':
          "INSERT INTO audit (id, note) VALUES (1, 'a');\nINSERT INTO audit (id, note) VALUES (2, 'b');\nCREATE TABLE audit_more (id INTEGER);",
      },
    });
  });
  afterEach(() => dir.cleanup());

  const backends = [
    { name: 'sqlite', skip: false },
    { name: 'postgres', skip: !hasPostgres },
  ];
  // Killed inside the namespace's transaction (nothing committed anywhere), or between the
  // namespace's commit and the host's record of it (the namespace's mark remembers).
  const points = ['namespace-migration:before-commit', 'migration:before-commit'];
  for (const backend of backends) {
    for (const point of points) {
      it.skipIf(backend.skip)(
        `${backend.name}, killed at ${point}: nothing is recorded; a restart applies each migration exactly once`,
        async () => {
          let url = join(dir.path, 'data', 'metadata.db');
          let schema: string | undefined;
          if (backend.name === 'postgres') {
            schema = uniqueSchema();
            url = `${POSTGRES_URL}?schema=${schema}`;
          }
          try {
            // Some state that must survive the crash untouched.
            const before = await openMetadataStore(url);
            await before.writePluginState('audit', '1.0.0', false);
            await before.writePluginConfig('audit', { keep: 'me' });
            await before.close();

            const crashed = await runChild('migrate', [url, 'audit', pluginPath], {
              NOCOFLO_CRASH_AT: point,
            });
            expect(crashed.signal).toBe('SIGKILL');

            const after = await openMetadataStore(url);
            try {
              expect(await after.appliedMigrations('audit')).toEqual([]);
              expect((await after.readPluginStates()).get('audit')).toMatchObject({
                version: '1.0.0',
                enabled: false,
              });
              expect(await after.readPluginConfig('audit')).toEqual({ keep: 'me' });
            } finally {
              await after.close();
            }

            const restarted = await runChild('migrate', [url, 'audit', pluginPath]);
            expect(restarted.stderr).toBe('');
            expect(JSON.parse(restarted.stdout)).toEqual({ applied: ['0001_create', '0002_seed'] });
            const final = await openMetadataStore(url);
            try {
              expect((await final.appliedMigrations('audit')).map((m) => m.id)).toEqual([
                '0001_create',
                '0002_seed',
              ]);
            } finally {
              await final.close();
            }
            // The seed ran once: a second run would have failed on the duplicate keys.
            const rows =
              backend.name === 'sqlite'
                ? readSqlite(
                    join(dir.path, 'data', 'plugins', 'audit', 'data.sqlite'),
                    'SELECT id, note FROM audit ORDER BY id',
                  )
                : await selectIn(pluginSchema(schema!, 'audit'), 'SELECT id, note FROM audit ORDER BY id');
            expect(rows).toEqual([
              { id: 1, note: 'a' },
              { id: 2, note: 'b' },
            ]);
          } finally {
            if (schema) await dropSchema(schema);
          }
        },
      );
    }
  }

  it('sqlite: a crash after the first of two migrations keeps the first and applies the second on restart', async () => {
    const url = join(dir.path, 'data', 'metadata.db');
    // Make 0002 the one that crashes: hold it back while 0001 is applied alone.
    const seed = join(pluginPath, 'migrations', '0002_seed.sql');
    await rename(seed, `${seed}.hold`);
    expect(JSON.parse((await runChild('migrate', [url, 'audit', pluginPath])).stdout)).toEqual({
      applied: ['0001_create'],
    });
    await rename(`${seed}.hold`, seed);
    const crashed = await runChild('migrate', [url, 'audit', pluginPath], {
      NOCOFLO_CRASH_AT: 'migration:before-commit',
    });
    expect(crashed.signal).toBe('SIGKILL');
    const restarted = await runChild('migrate', [url, 'audit', pluginPath]);
    expect(JSON.parse(restarted.stdout)).toEqual({ applied: ['0002_seed'] });
  });
});

describe('SIGKILL during an install', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let pluginDir: string;
  let tarball: string;
  beforeEach(async () => {
    dir = await tempDir();
    pluginDir = join(dir.path, 'plugins');
    await mkdir(pluginDir);
    tarball = join(dir.path, 'hello-2.0.0.tgz');
    await writeFile(tarball, goodPluginTarball('@ops/hello', '2.0.0'));
  });
  afterEach(() => dir.cleanup());

  /** What a restarted host finds: `start` recovers interrupted installs, then discovers. */
  async function restart() {
    const recovered: string[] = [];
    const logger = {
      debug() {},
      info() {},
      error() {},
      warn: (message: string) => {
        if (message.includes('interrupted install')) recovered.push(message);
      },
    };
    const store = await openMetadataStore(join(dir.path, '.nocoflo', 'metadata.db'));
    const host = await createHost({
      root: dir.path,
      pluginDirs: ['plugins'],
      scanNodeModules: false,
      store,
      logger,
    });
    await host.start();
    const info = host.get('@ops/hello');
    await host.stop();
    const leftovers = existsSync(join(pluginDir, '.nocoflo-install'))
      ? await readdir(join(pluginDir, '.nocoflo-install'))
      : [];
    return {
      recovered,
      info,
      leftovers,
      folders: (await readdir(pluginDir)).filter((f) => !f.startsWith('.')).sort(),
    };
  }

  for (const point of ['install:after-extract', 'install:after-backup', 'install:after-swap']) {
    it(`an upgrade killed at ${point} restarts with the previous version, whole`, async () => {
      writePluginDir(pluginDir, '@ops+hello', '@ops/hello', { version: '1.0.0' });
      const crashed = await runChild('install', [dir.path, tarball], { NOCOFLO_CRASH_AT: point });
      expect(crashed.signal).toBe('SIGKILL');

      const { info, leftovers, folders, recovered } = await restart();
      // Killed before the journal was written, there is nothing to undo, only a staging folder to drop.
      expect(recovered).toHaveLength(point === 'install:after-extract' ? 0 : 1);
      expect(info).toMatchObject({ version: '1.0.0', state: 'enabled' });
      expect(folders).toEqual(['@ops+hello']);
      expect(JSON.parse(await readFile(join(pluginDir, '@ops+hello', 'package.json'), 'utf8')).version).toBe(
        '1.0.0',
      );
      expect(await readFile(join(pluginDir, '@ops+hello', 'index.js'), 'utf8')).toContain('"1.0.0"');
      expect(leftovers).toEqual([]);
    });
  }

  it('a fresh install killed after the swap restarts without the half-installed plugin', async () => {
    const crashed = await runChild('install', [dir.path, tarball], {
      NOCOFLO_CRASH_AT: 'install:after-swap',
    });
    expect(crashed.signal).toBe('SIGKILL');
    const { info, leftovers, folders, recovered } = await restart();
    expect(recovered).toHaveLength(1);
    expect(info).toBeUndefined();
    expect(folders).toEqual([]);
    expect(leftovers).toEqual([]);
  });

  it('an install that is not killed completes, and a restart keeps it', async () => {
    writePluginDir(pluginDir, '@ops+hello', '@ops/hello', { version: '1.0.0' });
    const done = await runChild('install', [dir.path, tarball]);
    expect(done.stderr).toBe('');
    expect(JSON.parse(done.stdout)).toEqual({ name: '@ops/hello', version: '2.0.0', state: 'enabled' });
    const { info, leftovers, recovered } = await restart();
    expect(recovered).toEqual([]);
    expect(info, JSON.stringify(info?.error)).toMatchObject({ version: '2.0.0', state: 'enabled' });
    expect(leftovers).toEqual([]);
  });
});
