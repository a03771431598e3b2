import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isNocofloError } from '@nocoflo/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readConfigFile } from '../../../src/store/config-file.js';
import { tempDir } from '../helpers.js';

describe('config file', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  const write = async (text: string) => {
    const file = join(dir.path, 'nocoflo.config.json');
    await writeFile(file, text);
    return file;
  };

  it('reads per-plugin values', async () => {
    const file = await write(JSON.stringify({ plugins: { '@acme/audit': { table: 'orders' } } }));
    expect(await readConfigFile(file)).toEqual({ plugins: { '@acme/audit': { table: 'orders' } } });
    expect(await readConfigFile(await write('{}'))).toEqual({ plugins: {} });
  });

  it('names the file and the problem for broken JSON, a wrong shape or an unknown key', async () => {
    for (const [text, reason] of [
      ['{ "plugins": ', /JSON|Unexpected|end/],
      ['{ "plugins": [] }', /plugins: /],
      ['{ "plugin": {} }', /plugin/],
    ] as const) {
      const file = await write(text);
      const error = await readConfigFile(file).catch((e: unknown) => e);
      expect(isNocofloError(error, 'NCF_CONFIG_FILE_INVALID')).toBe(true);
      expect((error as Error).message).toContain(file);
      expect((error as Error).message).toMatch(reason);
    }
  });
});
