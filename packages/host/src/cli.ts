#!/usr/bin/env node
/**
 * The `nocoflo` command line.
 */
import { isNocofloError } from '@nocoflo/sdk';
import { Command } from 'commander';
import { registerAuditCommand } from './cli/audit.js';
import { registerDevCommand } from './cli/dev.js';
import { registerInitCommand } from './cli/init.js';
import { registerPluginsCommand } from './cli/plugins.js';
import { registerSecretsCommand } from './cli/secrets.js';
import { registerServeCommand } from './cli/serve.js';
import { registerTokensCommand } from './cli/tokens.js';
import { registerUsersCommand } from './cli/users.js';
import { HOST_VERSION } from './version.js';

const program = new Command('nocoflo')
  .description('nocoflo: browse and edit data through plugins')
  .version(HOST_VERSION);
registerPluginsCommand(program);
registerInitCommand(program);
registerServeCommand(program);
registerDevCommand(program);
registerSecretsCommand(program);
registerUsersCommand(program);
registerTokensCommand(program);
registerAuditCommand(program);

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
