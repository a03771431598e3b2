/**
 * What a `nocoflo serve` start loads: node-tar (archives, read only by installs) and chokidar
 * (`--watch` only) are not among the modules a start imports; chokidar is with `--watch`.
 * A command that logs nowhere (`nocoflo plugins list`) does not load pino either.
 * A real `serve` process (the CLI bundled from source), its ES module loads recorded by a
 * module hook registered with `--import`; the server's own imports (fastify) are recorded
 * too, which shows the recording works.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleChild, resolvableTempRoot, runChild } from '../fixtures/child-process.js';

/** Registers {@link RECORDER_HOOKS} from `--import`, telling them where to write. */
const RECORDER = `
import { register } from 'node:module';
register('./recorder-hooks.mjs', import.meta.url, { data: { log: process.env.NOCOFLO_TEST_LOADED_LOG } });
`;

/** Module hooks that append every URL Node loads through the ES module loader to a file. */
const RECORDER_HOOKS = `
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) {
  log = data.log;
}
export async function load(url, context, next) {
  appendFileSync(log, url + '\\n');
  return next(url, context);
}
`;

const children: ChildProcess[] = [];
const roots: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A fresh root holding the recorder (for `--import`) and its empty log of loaded URLs. */
function recordingRoot(): { root: string; log: string } {
  const root = resolvableTempRoot();
  roots.push(root);
  writeFileSync(join(root, 'recorder.mjs'), RECORDER);
  writeFileSync(join(root, 'recorder-hooks.mjs'), RECORDER_HOOKS);
  const log = join(root, 'loaded.txt');
  writeFileSync(log, '');
  return { root, log };
}

/** Starts `nocoflo serve` with `extra` arguments; resolves with the module URLs loaded once it serves. */
async function urlsLoadedBy(extra: string[]): Promise<string[]> {
  const { root, log } = recordingRoot();
  const child = spawn(
    process.execPath,
    [
      '--import',
      join(root, 'recorder.mjs'),
      await bundleChild('cli'),
      'serve',
      // No datasource plugin is installed in this root: the URL is only there to serve.
      'sqlite::memory:',
      '--serve-unavailable',
      '--root',
      root,
      '--port',
      '0',
      ...extra,
    ],
    {
      env: { ...process.env, NOCOFLO_ADMIN_TOKEN: 'serve-start-modules', NOCOFLO_TEST_LOADED_LOG: log },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (/is serving http:\/\//.test(output)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('close', (code) => reject(new Error(`serve exited (${code}) before serving:\n${output}`)));
  });
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

/** Runs `nocoflo <args>` to its end in a fresh root; resolves with the module URLs it loaded. */
async function urlsLoadedByCommand(args: string[]): Promise<string[]> {
  const { root, log } = recordingRoot();
  const { code, stdout, stderr } = await runChild(
    'cli',
    [...args, '--root', root],
    { NOCOFLO_TEST_LOADED_LOG: log },
    ['--import', join(root, 'recorder.mjs')],
  );
  expect({ code, output: stdout + stderr }).toMatchObject({ code: 0 });
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

const fromPackage = (urls: string[], name: string) =>
  urls.filter((url) => new RegExp(`/node_modules/(\\.pnpm/[^/]+/node_modules/)?${name}/`).test(url));

describe('modules a serve start loads', () => {
  it('neither node-tar nor chokidar (installs and --watch load them on use)', async () => {
    const urls = await urlsLoadedBy([]);
    expect(fromPackage(urls, 'fastify').length).toBeGreaterThan(0);
    expect(fromPackage(urls, 'tar')).toEqual([]);
    expect(fromPackage(urls, 'chokidar')).toEqual([]);
  });

  it('chokidar with --watch', async () => {
    const urls = await urlsLoadedBy(['--watch']);
    expect(fromPackage(urls, 'chokidar').length).toBeGreaterThan(0);
    expect(fromPackage(urls, 'tar')).toEqual([]);
  });
});

describe('modules a command that logs nowhere loads', () => {
  it('plugins list: the host and its store, not pino', async () => {
    const urls = await urlsLoadedByCommand(['plugins', 'list']);
    expect(fromPackage(urls, 'commander').length).toBeGreaterThan(0);
    expect(fromPackage(urls, 'pino')).toEqual([]);
    expect(fromPackage(urls, 'fastify')).toEqual([]);
  });
});
