/**
 * `nocoflo users add|list|remove|set-role|reset-password`: accounts in the host's store.
 *
 * Passwords never come from the command line (every user of the machine can read a
 * process's arguments): `--password-stdin` reads one line from standard input, else
 * `NOCOFLO_PASSWORD` is used, else a random password is generated and printed once.
 * Every change is recorded in the audit trail with the actor `cli`.
 */
import { randomBytes } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { Errors, NocofloError } from '@nocoflo/sdk';
import type { Command } from 'commander';
import { assertRole } from '../accounts/kysely-account-store.js';
import type { AccountStore, Role } from '../accounts/types.js';
import { openMetadataStore } from '../store/open.js';
import {
  dataDirOf,
  reportCommandError,
  type StoreOptions,
  storeOptions,
  storeUrlOf,
} from './store-options.js';

/** Options the account commands share (and their own). */
export interface UsersOptions extends StoreOptions {
  role?: string;
  passwordStdin?: boolean;
  olderThan?: string;
}

/** The password to set, and whether it was generated (then it is printed once). */
async function newPassword(options: UsersOptions): Promise<{ password: string; generated: boolean }> {
  if (options.passwordStdin) {
    const line = (await text(process.stdin)).split(/\r?\n/)[0] ?? '';
    return { password: line, generated: false };
  }
  const fromEnv = process.env.NOCOFLO_PASSWORD;
  delete process.env.NOCOFLO_PASSWORD;
  if (fromEnv) return { password: fromEnv, generated: false };
  return { password: randomBytes(12).toString('base64url'), generated: true };
}

/** A command action run with the store's accounts open (closed after); errors print with their code. */
export function withAccounts(
  run: (accounts: AccountStore, options: UsersOptions, args: string[]) => Promise<void>,
) {
  return async (...received: unknown[]): Promise<void> => {
    const command = received.at(-1) as Command;
    // An optional argument left out arrives as undefined (it is only ever the last ones).
    const args = received
      .slice(0, -2)
      .filter((arg) => arg !== undefined)
      .map(String);
    const options = command.opts<UsersOptions>();
    try {
      const store = await openMetadataStore(storeUrlOf(options, dataDirOf(options)));
      try {
        await run(store.accounts(), options, args);
      } finally {
        await store.close();
      }
    } catch (error) {
      reportCommandError(error);
    }
  };
}

/** Prints JSON with --json, else the line. */
export const print = (options: UsersOptions, json: unknown, line: string) =>
  process.stdout.write(options.json ? `${JSON.stringify(json, null, 2)}\n` : `${line}\n`);

/** Registers `nocoflo users` and its subcommands on the program. */
export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description('accounts that sign in to the web app');

  storeOptions(users.command('add').argument('<name>', 'sign-in name'))
    .description('create a user (password from --password-stdin or NOCOFLO_PASSWORD, else generated)')
    .option('--role <role>', 'viewer, editor or admin', 'viewer')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action(
      withAccounts(async (accounts, options, [name = '']) => {
        const role = options.role ?? 'viewer';
        assertRole(role);
        const { password, generated } = await newPassword(options);
        const user = await accounts.createUser(name, role, password);
        await accounts.appendAudit({ actor: 'cli', action: 'user.add', detail: { user: user.name, role } });
        print(
          options,
          { user, ...(generated ? { password } : {}) },
          `Created ${user.name} (${user.role}).${generated ? `\nPassword (shown once): ${password}` : ''}`,
        );
      }),
    );

  storeOptions(users.command('list'))
    .description('list users and their roles')
    .action(
      withAccounts(async (accounts, options) => {
        const list = await accounts.listUsers();
        print(
          options,
          { users: list },
          list.length === 0
            ? 'No users yet: `nocoflo users add <name> --role admin`, or open the setup link `nocoflo serve` prints.'
            : list.map((u) => `${u.name}\t${u.role}\tcreated ${u.createdAt}`).join('\n'),
        );
      }),
    );

  storeOptions(users.command('remove').argument('<name>', 'sign-in name'))
    .description('remove a user with its grants, tokens and sessions')
    .action(
      withAccounts(async (accounts, options, [name = '']) => {
        if (!(await accounts.removeUser(name))) throw NocofloError.create(Errors.UserNotFound, [name]);
        await accounts.appendAudit({ actor: 'cli', action: 'user.remove', detail: { user: name } });
        print(options, { removed: name }, `Removed ${name}.`);
      }),
    );

  storeOptions(
    users
      .command('set-role')
      .argument('<name>', 'sign-in name')
      .argument('<role>', 'viewer, editor or admin'),
  )
    .description("change a user's role")
    .action(
      withAccounts(async (accounts, options, [name = '', role = '']) => {
        assertRole(role);
        const user = await accounts.setRole(name, role as Role);
        await accounts.appendAudit({ actor: 'cli', action: 'user.set-role', detail: { user: name, role } });
        print(options, { user }, `${user.name} is now ${user.role}.`);
      }),
    );

  storeOptions(users.command('reset-password').argument('<name>', 'sign-in name'))
    .description(
      "set a user's password (from --password-stdin or NOCOFLO_PASSWORD, else generated); ends its sessions",
    )
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action(
      withAccounts(async (accounts, options, [name = '']) => {
        const { password, generated } = await newPassword(options);
        const user = await accounts.setPassword(name, password);
        await accounts.appendAudit({ actor: 'cli', action: 'user.reset-password', detail: { user: name } });
        print(
          options,
          { user, ...(generated ? { password } : {}) },
          `Password of ${user.name} changed; its sessions ended.${generated ? `\nNew password (shown once): ${password}` : ''}`,
        );
      }),
    );
}
