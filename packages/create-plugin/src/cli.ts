#!/usr/bin/env node
/**
 * `npm create @nocoflo/plugin@latest [dir] -- [--kind view|datasource] [--name …]
 * [--description …] [--yes]`: writes a plugin package, then says what to run next.
 */
import { relative } from 'node:path';
import { errorMessage, isNocofloError } from '@nocoflo/sdk';
import { parseCreateArgs, USAGE } from './args.js';
import { PromptCancelled, resolveOptions } from './prompt.js';
import { scaffoldPlugin } from './scaffold.js';

async function main(argv: readonly string[]): Promise<void> {
  const args = parseCreateArgs(argv);
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const options = await resolveOptions(args, Boolean(process.stdin.isTTY && process.stdout.isTTY));
  const result = await scaffoldPlugin(options);
  const where = relative(process.cwd(), result.dir) || '.';
  process.stdout.write(
    `Wrote ${result.name} (${options.kind} plugin) in ${where}:\n` +
      result.files.map((f) => `  ${f}\n`).join('') +
      `\nNext:\n${where === '.' ? '' : `  cd ${where}\n`}  npm install\n  npm test       # build + conformance suite\n  npm run dev    # a host on demo data that reloads the plugin on change\n`,
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof PromptCancelled) {
    process.exitCode = 130;
    return;
  }
  if (isNocofloError(error))
    process.stderr.write(`error ${error.code}: ${error.message}\n  hint: ${error.hint}\n`);
  else process.stderr.write(`${errorMessage(error)}\n`);
  process.exitCode = 1;
});
