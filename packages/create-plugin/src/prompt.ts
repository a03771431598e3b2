/**
 * Fills in what the command line left out: asks in a terminal (with @clack/prompts), takes
 * the defaults with `--yes`, and refuses with the missing flags named when there is no
 * terminal to ask in (CI, a pipe).
 */
import { basename } from 'node:path';
import { cancel, intro, isCancel, select, text } from '@clack/prompts';
import { Errors, NocofloError } from '@nocoflo/sdk';
import type { CreateArgs } from './args.js';
import type { PluginKind, ScaffoldOptions } from './scaffold.js';

const DEFAULT_DIR = 'my-nocoflo-plugin';

/** Thrown when the user cancels a prompt (Ctrl+C); the CLI exits quietly. */
export class PromptCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'PromptCancelled';
  }
}

function answer<T>(value: T | symbol): T {
  if (isCancel(value)) {
    cancel('Nothing was written.');
    throw new PromptCancelled();
  }
  return value as T;
}

/** Resolves the scaffold options from the arguments, asking for the rest when allowed. */
export async function resolveOptions(args: CreateArgs, interactive: boolean): Promise<ScaffoldOptions> {
  const missing = [
    args.dir === undefined ? '<dir>' : undefined,
    args.kind === undefined ? '--kind view|datasource' : undefined,
  ].filter((m): m is string => m !== undefined);
  if (args.yes || missing.length === 0 || !interactive) {
    if (!args.yes && missing.length > 0) {
      throw NocofloError.create(Errors.ScaffoldRefused, [
        args.dir ?? '.',
        `there is no terminal to ask in, and ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing`,
        `Pass ${missing.join(' ')} (and --name, --description), or --yes for the defaults.`,
      ]);
    }
    return {
      dir: args.dir ?? DEFAULT_DIR,
      kind: args.kind ?? 'view',
      ...(args.name !== undefined ? { name: args.name } : {}),
      ...(args.description !== undefined ? { description: args.description } : {}),
      ...(args.scheme !== undefined ? { scheme: args.scheme } : {}),
    };
  }
  intro('nocoflo plugin');
  const dir =
    args.dir ??
    answer<string>(
      await text({
        message: 'Folder for the new plugin',
        placeholder: DEFAULT_DIR,
        defaultValue: DEFAULT_DIR,
      }),
    );
  const kind =
    args.kind ??
    answer<PluginKind>(
      await select<PluginKind>({
        message: 'What does it contribute?',
        options: [
          { value: 'view', label: 'A view', hint: 'how a table is shown' },
          { value: 'datasource', label: 'A datasource', hint: 'where rows come from' },
        ],
      }),
    );
  const name =
    args.name ??
    answer<string>(
      await text({
        message: 'npm package name',
        placeholder: basename(dir),
        defaultValue: basename(dir),
      }),
    );
  const description =
    args.description ??
    answer<string>(
      await text({ message: 'One-line description', placeholder: '(optional)', defaultValue: '' }),
    );
  return {
    dir,
    kind,
    name,
    ...(description ? { description } : {}),
    ...(args.scheme !== undefined ? { scheme: args.scheme } : {}),
  };
}
