// `nocoflo plugins list --json` without a server names what each plugin declares (views,
// datasources, hook taps), as the admin API does for a running host; `plugins --help` names
// the `info` subcommand it has.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvableTempRoot, runChild } from '../fixtures/child-process.js';
import { writePluginDir } from '../fixtures/plugin-dirs.js';

const NO_TOKEN = { NOCOFLO_ADMIN_TOKEN: undefined };
const DECLARING = `
  views: [{ name: 'cards', title: 'Cards', canHandle: () => 1, render: () => ({ html: '' }) }],
  datasources: [{ name: 'memo', schemes: ['memo'], open: async () => { throw new Error('unused'); } }],
  hooks: { afterQuery: async () => {} },
`;

describe('nocoflo plugins list (local) and help', () => {
  let root: string;
  const cli = (...args: string[]) => runChild('cli', ['plugins', ...args], NO_TOKEN);

  beforeAll(async () => {
    root = resolvableTempRoot();
    const plugins = join(root, 'plugins');
    await mkdir(plugins, { recursive: true });
    writePluginDir(plugins, 'declaring', 'ops-declaring', { body: DECLARING });
    writePluginDir(plugins, 'plain', 'ops-plain');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('--json shows the contributions each plugin declares', async () => {
    const result = await cli('list', '--json', '--root', root);
    expect(result.code, result.stderr).toBe(0);
    const list = JSON.parse(result.stdout) as { name: string; contributions: Record<string, string[]> }[];
    expect(list.find((p) => p.name === 'ops-declaring')?.contributions).toEqual({
      views: ['cards'],
      datasources: ['memo'],
      services: [],
      hooks: ['afterQuery'],
    });
    expect(list.find((p) => p.name === 'ops-plain')?.contributions).toEqual({
      views: [],
      datasources: [],
      services: [],
      hooks: [],
    });
  });

  it('--help names the info subcommand, and no "inspect" that does not exist', async () => {
    const help = await cli('--help');
    expect(help.stdout).toMatch(/\binfo\b/);
    expect(help.stdout).not.toContain('inspect');
  });
});
