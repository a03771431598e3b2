/**
 * Audit retention: entries older than N days are removed, and each removal is itself
 * recorded in the trail (`audit.prune`, with the cutoff and how many went). The days are a
 * store setting (shared by hosts on one store; set with `nocoflo audit retention` or on the
 * admin audit page), else the config file's `audit.retentionDays`, else entries are kept
 * forever. A serving host applies it at start and then hourly.
 */
import { errorMessage, type Logger } from '@nocoflo/sdk';
import type { AccountStore } from './types.js';

/** The action recorded for each pruning. */
export const AUDIT_PRUNE_ACTION = 'audit.prune';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How often a serving host applies the retention. */
export const AUDIT_RETENTION_INTERVAL_MS = 60 * 60 * 1000;

/** What one pruning did. */
export interface AuditPruning {
  /** Entries recorded before this (ISO 8601) were removed. */
  before: string;
  /** How many were removed. */
  removed: number;
}

/**
 * Removes entries older than `days` and records it (actor `actor`). A scheduled run with
 * nothing to remove records nothing (`quiet`), so the trail does not fill with no-ops.
 */
export async function pruneAuditTrail(
  accounts: AccountStore,
  options: { days: number; actor: string; quiet?: boolean; now?: Date },
): Promise<AuditPruning> {
  const now = options.now ?? new Date();
  const before = new Date(now.getTime() - options.days * DAY_MS).toISOString();
  const removed = await accounts.pruneAudit(before);
  if (removed > 0 || !options.quiet) {
    await accounts.appendAudit({
      actor: options.actor,
      action: AUDIT_PRUNE_ACTION,
      detail: { olderThanDays: options.days, before, removed },
    });
  }
  return { before, removed };
}

/** The retention in force: the stored setting, else `fallbackDays` (the config file's). */
export async function auditRetentionDays(
  accounts: AccountStore,
  fallbackDays: number | undefined,
): Promise<number | undefined> {
  return (await accounts.readAuditRetention()) ?? fallbackDays;
}

/**
 * Runs `run` every `ms` without keeping the process alive; returns the function that stops
 * it. What {@link scheduleAuditRetention} repeats with, unless given another (tests).
 */
export type RepeatEvery = (run: () => void, ms: number) => () => void;

const repeatWithInterval: RepeatEvery = (run, ms) => {
  const timer = setInterval(run, ms);
  timer.unref();
  return () => clearInterval(timer);
};

/**
 * Applies the retention in force now and every `intervalMs` (hourly by default; the timer
 * does not keep the process alive); returns the function that stops it.
 */
export function scheduleAuditRetention(
  accounts: AccountStore,
  options: {
    fallbackDays?: number | undefined;
    logger: Logger;
    intervalMs?: number;
    /** The scheduler (default `setInterval`, unref'd); tests pass a clock of their own. */
    every?: RepeatEvery;
  },
): () => void {
  let running: Promise<void> | undefined;
  const apply = () => {
    running ??= (async () => {
      try {
        const days = await auditRetentionDays(accounts, options.fallbackDays);
        if (days === undefined) return;
        const done = await pruneAuditTrail(accounts, { days, actor: 'retention', quiet: true });
        if (done.removed > 0)
          options.logger.info(`audit retention: removed ${done.removed} entries older than ${days} days`);
      } catch (error) {
        options.logger.warn(`audit retention failed: ${errorMessage(error)}`);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  void apply();
  return (options.every ?? repeatWithInterval)(
    () => void apply(),
    options.intervalMs ?? AUDIT_RETENTION_INTERVAL_MS,
  );
}
