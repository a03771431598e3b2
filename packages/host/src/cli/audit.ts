/**
 * `nocoflo audit retention [days|off]` and `nocoflo audit prune`: how long the audit trail
 * keeps entries (a store setting, shared by hosts on one store; a serving host applies it
 * hourly), and removing older entries now. Both are recorded in the trail (actor `cli`).
 */
import { Errors, NocofloError } from '@nocoflo/sdk';
import type { Command } from 'commander';
import { pruneAuditTrail } from '../accounts/audit-retention.js';
import { storeOptions } from './store-options.js';
import { print, withAccounts } from './users.js';

/** A whole number of days, at least 1. */
function parseDays(text: string, what: string): number {
  const days = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(days) || days < 1) {
    throw NocofloError.create(Errors.BadRequest, [
      `${what} is a whole number of days, at least 1, not "${text}"`,
    ]);
  }
  return days;
}

/** Registers `nocoflo audit` and its subcommands on the program. */
export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('the audit trail: retention and pruning');

  storeOptions(
    audit.command('retention').argument('[days]', 'days to keep entries, or "off" to keep them forever'),
  )
    .description(
      'show or set how many days audit entries are kept (a serving host removes older ones hourly)',
    )
    .action(
      withAccounts(async (accounts, options, [days]) => {
        if (days === undefined) {
          const current = await accounts.readAuditRetention();
          print(
            options,
            { retentionDays: current ?? null },
            current === undefined
              ? 'Audit entries are kept forever (unless the config file sets audit.retentionDays).'
              : `Audit entries are kept ${current} days.`,
          );
          return;
        }
        const value = days === 'off' ? undefined : parseDays(days, 'the retention');
        await accounts.writeAuditRetention(value);
        await accounts.appendAudit({
          actor: 'cli',
          action: 'audit.retention',
          detail: { retentionDays: value ?? null },
        });
        print(
          options,
          { retentionDays: value ?? null },
          value === undefined
            ? 'Audit entries are now kept forever.'
            : `Audit entries are now kept ${value} days.`,
        );
      }),
    );

  storeOptions(audit.command('prune'))
    .description('remove audit entries older than the retention (or --older-than) now; recorded in the trail')
    .option('--older-than <days>', 'remove entries older than this many days')
    .action(
      withAccounts(async (accounts, options) => {
        const days =
          options.olderThan !== undefined
            ? parseDays(options.olderThan, '--older-than')
            : await accounts.readAuditRetention();
        if (days === undefined) {
          throw NocofloError.create(Errors.BadRequest, [
            'no retention is set: pass --older-than <days>, or set one with `nocoflo audit retention <days>`',
          ]);
        }
        const done = await pruneAuditTrail(accounts, { days, actor: 'cli' });
        print(
          options,
          { ...done, olderThanDays: days },
          `Removed ${done.removed} audit entries older than ${days} days.`,
        );
      }),
    );
}
