/**
 * The command line of `npm create @nocoflo/plugin`: `create-plugin [dir] [--kind view|datasource]
 * [--name <npm name>] [--description <text>] [--scheme <scheme>] [--yes]`.
 */
import { parseArgs } from 'node:util';
import { Errors, NocofloError } from '@nocoflo/sdk';
import { PLUGIN_KINDS, type PluginKind } from './scaffold.js';

/** What the command line says; anything absent is asked for (or defaulted with `--yes`). */
export interface CreateArgs {
  /** Folder to create. */
  dir?: string;
  /** Plugin kind. */
  kind?: PluginKind;
  /** npm package name. */
  name?: string;
  /** One-line description. */
  description?: string;
  /** URL scheme of a datasource. */
  scheme?: string;
  /** Take defaults for everything not given; never prompt. */
  yes: boolean;
  /** Print the usage and stop. */
  help: boolean;
}

/** The usage text printed by `--help`. */
export const USAGE = `Usage: npm create @nocoflo/plugin@latest [dir] -- [options]

Writes a nocoflo plugin package into an empty (or new) folder; asks for what is missing.

Options:
  --kind <view|datasource>   what the plugin contributes (default with --yes: view)
  --name <npm name>          package name (default: the folder's name)
  --description <text>       one line for package.json and the README
  --scheme <scheme>          URL scheme of a datasource (default: from the name)
  -y, --yes                  take the defaults, ask nothing
  -h, --help                 show this text
`;

/** Parses the arguments after the command; a bad one is a ScaffoldRefused error with a hint. */
export function parseCreateArgs(argv: readonly string[]): CreateArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw NocofloError.create(Errors.ScaffoldRefused, [
      '.',
      (error as Error).message.replace(/\.$/, ''),
      'Run with --help to see the options.',
    ]);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    throw NocofloError.create(Errors.ScaffoldRefused, [
      positionals[1] ?? '.',
      `one folder is expected, got ${positionals.length}: ${positionals.join(', ')}`,
      'Quote a description with spaces: --description "Shows orders as cards".',
    ]);
  }
  const kind = values.kind;
  if (kind !== undefined && !(PLUGIN_KINDS as readonly string[]).includes(kind)) {
    throw NocofloError.create(Errors.ScaffoldRefused, [
      positionals[0] ?? '.',
      `"${kind}" is not a plugin kind`,
      `Use --kind ${PLUGIN_KINDS.join(' or --kind ')}.`,
    ]);
  }
  return {
    ...(positionals[0] !== undefined ? { dir: positionals[0] } : {}),
    ...(kind !== undefined ? { kind: kind as PluginKind } : {}),
    ...(values.name !== undefined ? { name: values.name } : {}),
    ...(values.description !== undefined ? { description: values.description } : {}),
    ...(values.scheme !== undefined ? { scheme: values.scheme } : {}),
    yes: values.yes ?? false,
    help: values.help ?? false,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      kind: { type: 'string' },
      name: { type: 'string' },
      description: { type: 'string' },
      scheme: { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
