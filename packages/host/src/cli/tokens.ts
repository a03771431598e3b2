/**
 * `nocoflo tokens create|list|revoke`: API tokens in the host's store, each owned by a user.
 *
 * A token acts for its owner (`--user`, required: the command line signs nobody in) with at
 * most the owner's rights: a role no stronger than the owner's (`--role`, default the
 * owner's), plugin permissions only for an admin owner, its owner's grants. It can expire
 * (`--expires`), and its secret is printed once. Every change is audited with the actor `cli`.
 */
import { Errors, NocofloError } from '@nocoflo/sdk';
import type { Command } from 'commander';
import { assertRole } from '../accounts/kysely-account-store.js';
import { storeOptions } from './store-options.js';
import { print, type UsersOptions, withAccounts } from './users.js';

/** Options of `nocoflo tokens`. */
interface TokenOptions extends UsersOptions {
  user?: string;
  expires?: string;
  permission?: string[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Registers `nocoflo tokens` and its subcommands on the program. */
export function registerTokensCommand(program: Command): void {
  const tokens = program.command('tokens').description('API tokens, each acting for a user');

  storeOptions(tokens.command('create').argument('<name>', 'a label for the token'))
    .description("create a token for a user, with at most that user's rights; the secret is printed once")
    .requiredOption('--user <name>', 'the user the token acts for (its owner)')
    .option('--role <role>', "viewer, editor or admin, at most the owner's (default the owner's role)")
    .option('--expires <date>', 'when the token stops working (ISO 8601 date or time)')
    .option(
      '--permission <key>',
      'a plugin-route permission the token holds (repeatable; admins only)',
      collect,
    )
    .action(
      withAccounts(async (accounts, raw, [name = '']) => {
        const options = raw as TokenOptions;
        const owner = await accounts.findUser(options.user ?? '');
        if (!owner) throw NocofloError.create(Errors.UserNotFound, [options.user ?? '']);
        if (options.role !== undefined) assertRole(options.role);
        const { secret, token } = await accounts.createToken(owner.id, name, {
          ...(options.role ? { role: options.role } : {}),
          ...(options.expires ? { expiresAt: options.expires } : {}),
          permissions: options.permission ?? [],
        });
        await accounts.appendAudit({
          actor: 'cli',
          action: 'token.create',
          detail: {
            token: token.name,
            user: owner.name,
            role: token.role,
            permissions: token.permissions,
            ...(token.expiresAt ? { expiresAt: token.expiresAt } : {}),
          },
        });
        print(
          options,
          { token: { ...token, user: owner.name }, secret },
          `Created token ${token.name} (id ${token.id}) for ${owner.name}, acting as ${token.role}${token.expiresAt ? `, until ${token.expiresAt}` : ''}.\nSecret (shown once): ${secret}`,
        );
      }),
    );

  storeOptions(tokens.command('list'))
    .description('list tokens (never their secrets)')
    .option('--user <name>', "only this user's tokens")
    .action(
      withAccounts(async (accounts, raw) => {
        const options = raw as TokenOptions;
        const owner = options.user ? await accounts.findUser(options.user) : undefined;
        if (options.user && !owner) throw NocofloError.create(Errors.UserNotFound, [options.user]);
        const names = new Map((await accounts.listUsers()).map((u) => [u.id, u.name]));
        const list = (await accounts.listTokens(owner?.id)).map((t) => ({
          ...t,
          user: t.userId ? (names.get(t.userId) ?? null) : null,
        }));
        print(
          options,
          { tokens: list },
          list.length === 0
            ? 'No tokens.'
            : list
                .map(
                  (t) =>
                    `${t.id}\t${t.name}\t${t.user ?? '(no owner: refused)'}\t${t.role ?? ''}\t${t.expiresAt ? `expires ${t.expiresAt}` : 'no expiry'}${t.permissions.length ? `\t${t.permissions.join(',')}` : ''}`,
                )
                .join('\n'),
        );
      }),
    );

  storeOptions(tokens.command('revoke').argument('<id>', 'the token id (from `nocoflo tokens list`)'))
    .description('revoke a token')
    .action(
      withAccounts(async (accounts, options, [id = '']) => {
        if (!(await accounts.revokeToken(id)))
          throw NocofloError.create(Errors.NotFound, ['DELETE', `token ${id}`]);
        await accounts.appendAudit({ actor: 'cli', action: 'token.revoke', detail: { token: id } });
        print(options, { revoked: id }, `Revoked token ${id}.`);
      }),
    );
}
