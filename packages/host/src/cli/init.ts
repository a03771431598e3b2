/**
 * `nocoflo plugin init` moved to its own package, which works in an empty folder:
 * `npm create @nocoflo/plugin@latest <dir>`. The old command stays as a pointer so the
 * people and scripts that still run it learn where it went.
 */
import type { Command } from 'commander';

/** Registers `nocoflo plugin init`, which says to run `npm create @nocoflo/plugin` instead. */
export function registerInitCommand(program: Command): void {
  const plugin = program.commands.find((c) => c.name() === 'plugin') ?? program.command('plugin');
  plugin.description('write new plugins (moved to npm create @nocoflo/plugin)');
  plugin
    .command('init')
    .description('moved: run `npm create @nocoflo/plugin@latest <dir>`')
    .argument('[dir]', 'folder to create')
    .allowUnknownOption()
    .action((dir: string | undefined) => {
      process.stderr.write(
        'nocoflo plugin init has moved to its own package, which works in an empty folder:\n' +
          `  npm create @nocoflo/plugin@latest ${dir ?? 'my-plugin'} -- --kind view   (or --kind datasource)\n`,
      );
      process.exitCode = 1;
    });
}
