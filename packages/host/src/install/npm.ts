/**
 * The two places install talks to npm: `npm pack <spec>` to fetch a package as a tarball
 * (then installed like an uploaded one), and `npm install` for a plugin's own runtime
 * dependencies when the app does not already provide them.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Errors, NocofloError } from '@nocoflo/sdk';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(args: string[], cwd: string, timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    execFile(
      NPM,
      args,
      { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: process.env },
      (error, stdout, stderr) => {
        if (error) fail(Object.assign(error, { stdout, stderr }));
        else done({ stdout, stderr });
      },
    );
  });
}

const lastLines = (text: string, n = 4) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('npm warn'))
    .slice(-n)
    .join(' / ');

/**
 * Fetches `spec` (`name`, `name@range`, `git+https://…`, `file:…`) with `npm pack`, run in
 * `appDir` so the app's `.npmrc` applies, into `destination`. Returns the tarball's path.
 *
 * @throws NocofloError `NCF_INSTALL_REJECTED` for a spec that looks like an option;
 * `NCF_INSTALL_FAILED` when npm fails (unknown package, no network), with npm's message.
 */
export async function npmPack(
  spec: string,
  appDir: string,
  destination: string,
  timeoutMs = 120_000,
): Promise<string> {
  if (spec.startsWith('-') || spec.trim() === '') {
    throw NocofloError.create(Errors.InstallRejected, [
      JSON.stringify(spec),
      'it is not an npm package spec',
    ]);
  }
  let stdout: string;
  try {
    ({ stdout } = await run(
      ['pack', '--json', '--ignore-scripts', '--pack-destination', destination, '--', spec],
      appDir,
      timeoutMs,
    ));
  } catch (error) {
    const e = error as Error & { stderr?: string };
    throw NocofloError.create(
      Errors.InstallFailed,
      [spec, `npm pack failed: ${lastLines(e.stderr ?? e.message)}`],
      {
        cause: error,
      },
    );
  }
  let filename: string | undefined;
  try {
    const parsed = JSON.parse(stdout) as { filename?: string }[];
    filename = parsed[0]?.filename;
  } catch {
    filename = stdout.trim().split('\n').pop();
  }
  if (!filename) throw NocofloError.create(Errors.InstallFailed, [spec, 'npm pack did not report a tarball']);
  // npm reports scoped names as `@scope/name-1.0.0.tgz` but writes `scope-name-1.0.0.tgz`.
  const file = filename.replace(/^@/, '').replace('/', '-');
  return join(destination, file);
}

/** Whether `dependency` is found in a `node_modules` folder at or above `from`. */
function resolvableFrom(dependency: string, from: string): boolean {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'node_modules', dependency, 'package.json'))) return true;
    const parent = dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

/**
 * Installs the plugin's runtime `dependencies` into its own `node_modules` when some of
 * them cannot be found from where it will live (e.g. the app already has `zod`), with
 * install scripts disabled.
 *
 * @param folder - The unpacked plugin (staging folder).
 * @param installedAt - The folder the plugin will live in once installed.
 * @returns The dependencies that were missing (and are now installed).
 */
export async function installMissingDependencies(
  folder: string,
  installedAt: string,
  dependencies: Readonly<Record<string, string>>,
  name: string,
  timeoutMs = 300_000,
): Promise<string[]> {
  const missing = Object.keys(dependencies).filter(
    (dependency) => !resolvableFrom(dependency, folder) && !resolvableFrom(dependency, installedAt),
  );
  if (missing.length === 0) return [];
  try {
    await run(
      [
        'install',
        '--omit=dev',
        '--omit=peer',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
      ],
      folder,
      timeoutMs,
    );
  } catch (error) {
    const e = error as Error & { stderr?: string };
    throw NocofloError.create(
      Errors.InstallFailed,
      [
        name,
        `installing its dependencies (${missing.join(', ')}) failed: ${lastLines(e.stderr ?? e.message)}`,
      ],
      { cause: error },
    );
  }
  return missing;
}
