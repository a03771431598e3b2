/**
 * Running commands for the install tests: npm and pnpm in folders outside the workspace,
 * with an environment that carries nothing of the workspace's (pnpm's `npm_config_*`
 * variables, vitest's own variables) into the projects they create.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));

/** The environment of a user's shell: no pnpm, npm-script or vitest variables. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|VITEST|TURBO_|NODE_ENV$|NODE_OPTIONS$)/i.test(key)) continue;
    env[key] = value;
  }
  return env;
}

/** What a finished command printed. */
export interface CommandResult {
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Options of {@link run}. */
export interface RunOptions {
  /** Variables added to the clean environment (e.g. where prebuilt binaries are). */
  env?: NodeJS.ProcessEnv;
}

/** Runs a command; rejects with its whole output when it exits non-zero. */
export function run(
  command: string,
  args: readonly string[],
  cwd: string,
  options: RunOptions = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const env = { ...cleanEnv(), ...options.env };
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else
        reject(
          new Error(
            `\`${command} ${args.join(' ')}\` in ${cwd} exited ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
          ),
        );
    });
  });
}

/** The pinned pnpm: the one that runs this test when started by `pnpm test`, else through npx. */
export function pnpm(): { command: string; args: string[] } {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) return { command: process.execPath, args: [execPath] };
  const { packageManager } = JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as {
    packageManager: string;
  };
  return { command: 'npx', args: ['--yes', packageManager] };
}

/**
 * `npm install` as a user runs it, quiet about audits and funding, using the npm cache first;
 * `env` adds variables such as the local prebuilds folder of `packNativePrebuild`.
 *
 * At normal CPU priority: the installs compile nothing (better-sqlite3 comes as a local
 * prebuild), and they are on the longest path of `npm test`. At the lowest priority, as they
 * ran while they compiled SQLite, anything CPU-bound beside them starved them: the app's
 * install took 307 s beside the host suite, and beside two busy loops it had used 3 s of CPU
 * in 295 s when it was stopped, against 47 s at normal priority.
 */
export function npmInstall(
  cwd: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<CommandResult> {
  return run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...args], cwd, { env });
}
