#!/usr/bin/env node
/**
 * The `nocoflo` command line.
 */
import { isNocofloError } from '@nocoflo/sdk';
import { Command } from 'commander';
import { HOST_VERSION } from './version.js';

/**
 * Each top-level command and the module that registers it, in the order `nocoflo --help` lists
 * them. A command's module is imported only when that command runs (or for help): `serve` alone
 * loads the web server (fastify and its plugins, pino, chokidar), so `nocoflo plugins list` or
 * `nocoflo users add` starting without it start in about half the CPU time.
 */
const COMMANDS: Record<string, () => Promise<(program: Command) => void>> = {
  plugins: async () => (await import('./cli/plugins.js')).registerPluginsCommand,
  plugin: async () => (await import('./cli/init.js')).registerInitCommand,
  serve: async () => (await import('./cli/serve.js')).registerServeCommand,
  dev: async () => (await import('./cli/dev.js')).registerDevCommand,
  secrets: async () => (await import('./cli/secrets.js')).registerSecretsCommand,
  users: async () => (await import('./cli/users.js')).registerUsersCommand,
  tokens: async () => (await import('./cli/tokens.js')).registerTokensCommand,
  audit: async () => (await import('./cli/audit.js')).registerAuditCommand,
};

const program = new Command('nocoflo')
  .description('nocoflo: browse and edit data through plugins')
  .version(HOST_VERSION);
// A known command name first registers that command only; anything else (no command, --help,
// `help <command>`, a mistyped name that commander suggests a fix for) registers them all.
const named = process.argv[2];
const wanted =
  named !== undefined && Object.hasOwn(COMMANDS, named)
    ? [COMMANDS[named] as () => Promise<(program: Command) => void>]
    : Object.values(COMMANDS);
for (const register of await Promise.all(wanted.map((load) => load()))) register(program);

// Commands report their own failures; this catches what escapes them. A nocoflo error keeps
// its code and hint, which say what to do.
program.parseAsync(process.argv).catch((error: unknown) => {
  if (isNocofloError(error)) {
    console.error(`error ${error.code}: ${error.message}\n  hint: ${error.hint}`);
  } else {
    console.error(error instanceof Error ? error.message : error);
  }
  process.exitCode = 1;
});
