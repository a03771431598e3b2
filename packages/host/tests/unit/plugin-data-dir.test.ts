// A plugin's data folder is the only host folder an isolated plugin may read and write, so
// it must never contain (or be) a place where the host keeps its secrets.
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pluginDataDir } from '../../src/namespaces/plugin-data-dir.js';
import { SECRET_KEY_FILE } from '../../src/secrets/keyring.js';
import { ADMIN_TOKEN_FILE } from '../../src/server/admin-token.js';
import { defaultMetadataStorePath } from '../../src/store/open.js';

const dataDir = resolve('/srv/app/.nocoflo');
const hostFiles = [
  defaultMetadataStorePath(dataDir),
  join(dataDir, ADMIN_TOKEN_FILE),
  join(dataDir, SECRET_KEY_FILE),
];

describe("a plugin's data folder", () => {
  it('keeps the layout of package names', () => {
    expect(pluginDataDir(dataDir, '@acme/audit')).toBe(join(dataDir, 'plugins', 'acme__audit'));
    expect(pluginDataDir(dataDir, 'table-view')).toBe(join(dataDir, 'plugins', 'table-view'));
  });

  it('never holds the store, the admin token or the secret key, whatever the name', () => {
    for (const name of [
      '..',
      '.',
      '',
      '@x/..',
      '../..',
      'a/../../b',
      '..\\..',
      '@../x',
      'x/y/z',
      '.hidden',
    ]) {
      const folder = pluginDataDir(dataDir, name);
      expect(relative(join(dataDir, 'plugins'), folder).startsWith('..'), name).toBe(false);
      expect(folder, name).not.toBe(join(dataDir, 'plugins'));
      for (const file of hostFiles)
        expect(relative(folder, file).startsWith('..'), `${name} / ${file}`).toBe(true);
    }
  });
});
