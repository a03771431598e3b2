#!/usr/bin/env node
/**
 * The `nocoflo` command line.
 */
import { Command } from 'commander';
import { registerInitCommand } from './cli/init.js';
import { registerPluginsCommand } from './cli/plugins.js';
import { registerServeCommand } from './cli/serve.js';
import { HOST_VERSION } from './version.js';

const program = new Command('nocoflo')
  .description('nocoflo: browse and edit data through plugins')
  .version(HOST_VERSION);
registerPluginsCommand(program);
registerInitCommand(program);
registerServeCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
