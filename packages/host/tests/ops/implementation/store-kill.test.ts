// A process writing to the SQLite metadata store is killed (SIGKILL) again and again at
// arbitrary points of its write loop; after each kill the store opens, passes SQLite's
// integrity check, and holds every round the writer reported as done.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMetadataStore } from '../../../src/store/index.js';
import { killAfterLines } from '../fixtures/child-process.js';
import { tempDir } from '../helpers.js';

describe('SIGKILL while writing the SQLite store', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  it('always restarts into a readable store holding every committed change', async () => {
    const path = join(dir.path, 'metadata.db');
    let next = 0;
    for (const lines of [3, 40, 7, 120, 1, 25]) {
      const run = await killAfterLines('store-writer', [path, String(next)], lines);
      expect(run.signal).toBe('SIGKILL');
      expect(run.stderr).toBe('');
      const done = run.stdout
        .split('\n')
        .filter((line) => /^\d+$/.test(line))
        .map(Number);
      expect(done.length).toBeGreaterThanOrEqual(lines);
      const last = done[done.length - 1]!;

      const db = new Database(path, { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();

      const store = await openMetadataStore(path);
      try {
        // The last reported round is fully there (state, config and view preference, written
        // in that order); a round in progress when killed may be partly there, never torn.
        const plugin = `plugin-${last % 7}`;
        const state = (await store.readPluginStates()).get(plugin);
        expect(state?.version.startsWith('1.0.')).toBe(true);
        expect(Number(state?.version.slice(4))).toBeGreaterThanOrEqual(last);
        const config = (await store.readPluginConfig(plugin)) as { round: number; blob: string };
        expect(config.round).toBeGreaterThanOrEqual(last);
        expect(config.blob).toBe('x'.repeat(config.round % 500));
        expect(await store.readViewPreference(`sqlite:db#t${last % 5}`)).toMatch(/^view-\d+$/);
      } finally {
        await store.close();
      }
      next = last + 1;
    }
  });
});
