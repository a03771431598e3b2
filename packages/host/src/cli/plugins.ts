/**
 * `nocoflo plugins …`: inspect the plugins a host would run.
 */
import type { Command } from 'commander';
import { createHost } from '../create-host.js';

/** Registers `nocoflo plugins list` on the program. */
export function registerPluginsCommand(program: Command): void {
  const plugins = program.command('plugins').description('inspect and manage plugins');
  plugins
    .command('list')
    .description(
      'list the plugins found under --root (node_modules and plugin directories), with their state',
    )
    .option('--root <dir>', 'host root folder', process.cwd())
    .option('--plugins-dir <dir...>', 'plugin directories, relative to the root', ['plugins'])
    .option('--json', 'print JSON for scripts')
    .action(async (options: { root: string; pluginsDir: string[]; json?: boolean }) => {
      const host = await createHost({ root: options.root, pluginDirs: options.pluginsDir });
      await host.start();
      const list = host.list();
      await host.stop();
      if (options.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      } else {
        console.table(
          list.map((p) => ({
            name: p.name,
            version: p.version,
            state: p.state,
            source: p.source,
            error: p.error?.message ?? '',
          })),
        );
      }
      if (list.some((p) => p.state === 'failed')) process.exitCode = 1;
    });
}
