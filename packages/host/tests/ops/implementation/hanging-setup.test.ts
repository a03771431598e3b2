// Issue #12, item 2: a setup that never settles fails that plugin, not the process. Tested in
// child processes, because the test runner's own timers keep its event loop busy and hide
// the bug: with nothing else open, Node used to exit mid-start (13 for a script's top-level
// await, 0 for `nocoflo serve`, silently).
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleChild, resolvableTempRoot, runChild } from '../fixtures/child-process.js';
import { writePluginDir } from '../fixtures/plugin-dirs.js';

const TOKEN = 'hanging-setup-admin-token';

async function rootWithHangingPlugin(): Promise<string> {
  const root = resolvableTempRoot();
  const plugins = join(root, 'plugins');
  await mkdir(plugins, { recursive: true });
  writePluginDir(plugins, 'hangs', 'hangs', { body: 'async setup() { await new Promise(() => {}); },' });
  writePluginDir(plugins, 'fine', 'fine', { body: 'setup() {},' });
  return root;
}

describe('a setup that never settles fails that plugin, not the process', () => {
  let child: ChildProcess | undefined;
  let root: string | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('a script awaiting host.start() gets the plugin failed with NCF_PLUGIN_CALLBACK_TIMEOUT and exits 0', async () => {
    root = await rootWithHangingPlugin();
    const result = await runChild('start-host', [root, '300']);
    expect(result.stderr).not.toMatch(/unsettled top-level await/i);
    expect(result.code).toBe(0);
    const plugins = JSON.parse(result.stdout.trim().split('\n').pop() ?? '[]');
    expect(plugins).toEqual([
      { name: 'fine', state: 'enabled' },
      { name: 'hangs', state: 'failed', code: 'NCF_PLUGIN_CALLBACK_TIMEOUT' },
    ]);
  });

  it('nocoflo serve --callback-timeout keeps serving the other plugins', async () => {
    root = await rootWithHangingPlugin();
    const cli = await bundleChild('cli');
    const spawned = spawn(
      process.execPath,
      [
        cli,
        'serve',
        // No datasource plugin is installed in this root: the URL is only there to serve.
        'sqlite::memory:',
        '--serve-unavailable',
        '--root',
        root,
        '--port',
        '0',
        '--callback-timeout',
        '300',
        '--verbose',
      ],
      { env: { ...process.env, NOCOFLO_ADMIN_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = spawned;
    let output = '';
    const base = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk;
        const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match?.[1]) resolve(match[1]);
      };
      spawned.stdout.on('data', onData);
      spawned.stderr.on('data', onData);
      spawned.on('close', (code) =>
        reject(new Error(`nocoflo serve exited (${code}) before listening:\n${output}`)),
      );
    });
    expect(output).toMatch(/plugin hangs failed: .*setup/);
    const response = await fetch(`${base}/admin/plugins`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    const { available } = (await response.json()) as {
      available: { name: string; state: string; error?: { code: string } }[];
    };
    expect(available.find((p) => p.name === 'hangs')).toMatchObject({
      state: 'failed',
      error: { code: 'NCF_PLUGIN_CALLBACK_TIMEOUT' },
    });
    expect(available.find((p) => p.name === 'fine')?.state).toBe('enabled');
    // Still serving, and still alive afterwards.
    expect((await fetch(`${base}/`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect(spawned.exitCode).toBeNull();
  });
});
