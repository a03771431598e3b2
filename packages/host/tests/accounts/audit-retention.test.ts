/**
 * Audit retention on SQLite and PostgreSQL stores: the setting is shared by hosts on one
 * store, pruning removes only entries older than the cutoff and records itself, a serving
 * host applies the retention in force (stored, else the config file's), and `nocoflo audit`
 * sets and applies it from the command line.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger } from '@nocoflo/sdk';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AUDIT_RETENTION_INTERVAL_MS,
  pruneAuditTrail,
  type RepeatEvery,
  scheduleAuditRetention,
} from '../../src/accounts/audit-retention.js';
import type { AccountStore } from '../../src/accounts/index.js';
import { type MetadataStore, openMetadataStore } from '../../src/store/index.js';
import { resolvableTempRoot, runChild } from '../ops/fixtures/child-process.js';
import { dropSchema, POSTGRES_URL, postgresAvailable, tempDir, uniqueSchema } from '../ops/helpers.js';

const hasPostgres = await postgresAvailable();
const LONG_AGO = '2020-01-01T00:00:00.000Z';

interface Backend {
  name: string;
  skip: boolean;
  open(): Promise<{ url: string; age: (id: string) => Promise<void>; cleanup: () => Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    skip: false,
    async open() {
      const dir = await tempDir();
      const url = join(dir.path, 'metadata.db');
      return {
        url,
        // Entries are never changed through the store; the test ages one directly.
        async age(id) {
          const db = new Database(url);
          try {
            db.prepare('UPDATE audit_log SET at = ? WHERE id = ?').run(LONG_AGO, id);
          } finally {
            db.close();
          }
        },
        cleanup: dir.cleanup,
      };
    },
  },
  {
    name: 'postgres',
    skip: !hasPostgres,
    async open() {
      const schema = uniqueSchema('ncf_retention');
      return {
        url: `${POSTGRES_URL}?schema=${schema}`,
        async age(id) {
          const client = new pg.Client({ connectionString: POSTGRES_URL });
          await client.connect();
          try {
            await client.query(`UPDATE "${schema}".audit_log SET at = $1 WHERE id = $2`, [LONG_AGO, id]);
          } finally {
            await client.end();
          }
        },
        cleanup: () => dropSchema(schema),
      };
    },
  },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`audit retention on ${backend.name}`, () => {
    const stores: MetadataStore[] = [];
    let cleanup: (() => Promise<void>) | undefined;
    let age: (id: string) => Promise<void>;
    let url: string;

    const open = async (): Promise<AccountStore> => {
      if (stores.length === 0) {
        const opened = await backend.open();
        url = opened.url;
        age = opened.age;
        cleanup = opened.cleanup;
      }
      const store = await openMetadataStore(url);
      stores.push(store);
      return store.accounts();
    };

    afterEach(async () => {
      await Promise.all(stores.splice(0).map((store) => store.close()));
      await cleanup?.();
      cleanup = undefined;
    });

    it('keeps the setting in the store, shared by every host on it', async () => {
      const first = await open();
      const second = await open();
      expect(await first.readAuditRetention()).toBeUndefined();
      await first.writeAuditRetention(30);
      expect(await second.readAuditRetention()).toBe(30);
      for (const bad of [0, -1, 1.5]) {
        await expect(first.writeAuditRetention(bad)).rejects.toMatchObject({ code: 'NCF_BAD_REQUEST' });
      }
      expect(await second.readAuditRetention()).toBe(30);
      await second.writeAuditRetention(undefined);
      expect(await first.readAuditRetention()).toBeUndefined();
    });

    it('removes only entries older than the cutoff, and records the pruning', async () => {
      const accounts = await open();
      const old = await accounts.appendAudit({ actor: 'cli', action: 'user.add', detail: { user: 'old' } });
      const recent = await accounts.appendAudit({
        actor: 'cli',
        action: 'user.add',
        detail: { user: 'new' },
      });
      await age(old.id);

      const done = await pruneAuditTrail(accounts, { days: 30, actor: 'user:ada' });
      expect(done.removed).toBe(1);
      expect(await accounts.getAudit(old.id)).toBeUndefined();
      expect(await accounts.getAudit(recent.id)).toBeDefined();
      const [pruning] = await accounts.listAudit({ action: 'audit.prune' });
      expect(pruning).toMatchObject({
        actor: 'user:ada',
        detail: { olderThanDays: 30, removed: 1, before: done.before },
      });

      // Nothing to remove: recorded when an operator asked, not when the schedule ran.
      expect((await pruneAuditTrail(accounts, { days: 30, actor: 'cli' })).removed).toBe(0);
      expect(await accounts.listAudit({ action: 'audit.prune' })).toHaveLength(2);
      await pruneAuditTrail(accounts, { days: 30, actor: 'retention', quiet: true });
      expect(await accounts.listAudit({ action: 'audit.prune' })).toHaveLength(2);
    });

    it('applies the retention again every hour, as long as it is scheduled (an injected clock)', async () => {
      const accounts = await open();
      await accounts.writeAuditRetention(7);
      // A clock of the test's own: the scheduled run fires when the test moves time on.
      const clock = {
        now: 0,
        timers: [] as { run: () => void; ms: number; next: number; stopped: boolean }[],
      };
      const every: RepeatEvery = (run, ms) => {
        const timer = { run, ms, next: clock.now + ms, stopped: false };
        clock.timers.push(timer);
        return () => {
          timer.stopped = true;
        };
      };
      const advance = (ms: number) => {
        const until = clock.now + ms;
        for (;;) {
          const due = clock.timers
            .filter((t) => !t.stopped && t.next <= until)
            .sort((a, b) => a.next - b.next)[0];
          if (!due) break;
          clock.now = due.next;
          due.next += due.ms;
          due.run();
        }
        clock.now = until;
      };
      const prunings = async () => (await accounts.listAudit({ action: 'audit.prune' })).length;
      const agedEntry = async (user: string) => {
        const entry = await accounts.appendAudit({ actor: 'cli', action: 'user.add', detail: { user } });
        await age(entry.id);
        return entry.id;
      };

      const first = await agedEntry('first');
      const stop = scheduleAuditRetention(accounts, { logger: silentLogger, every });
      expect(clock.timers.map((t) => t.ms)).toEqual([AUDIT_RETENTION_INTERVAL_MS]);
      expect(AUDIT_RETENTION_INTERVAL_MS).toBe(60 * 60 * 1000);
      // At start.
      await expect.poll(() => accounts.getAudit(first)).toBeUndefined();
      await expect.poll(prunings).toBe(1);

      // Not before the hour is over; then at each hour.
      const second = await agedEntry('second');
      advance(59 * 60 * 1000);
      expect(await accounts.getAudit(second)).toBeDefined();
      expect(await prunings()).toBe(1);
      advance(60 * 1000);
      await expect.poll(() => accounts.getAudit(second)).toBeUndefined();
      await expect.poll(prunings).toBe(2);
      const third = await agedEntry('third');
      advance(60 * 60 * 1000);
      await expect.poll(() => accounts.getAudit(third)).toBeUndefined();
      await expect.poll(prunings).toBe(3);

      // Stopped (the server closing): no more runs.
      stop();
      const kept = await agedEntry('kept');
      advance(3 * 60 * 60 * 1000);
      expect(await accounts.getAudit(kept)).toBeDefined();
      expect(await prunings()).toBe(3);
    });

    it('is applied by a serving host: the stored days, else the config file’s', async () => {
      const accounts = await open();
      const old = await accounts.appendAudit({ actor: 'cli', action: 'user.add', detail: { user: 'old' } });
      await age(old.id);
      // The config file's days, with none stored.
      const stop = scheduleAuditRetention(accounts, { fallbackDays: 90, logger: silentLogger });
      try {
        await expect.poll(() => accounts.getAudit(old.id)).toBeUndefined();
        await expect
          .poll(() => accounts.listAudit({ action: 'audit.prune' }))
          .toMatchObject([{ actor: 'retention', detail: { olderThanDays: 90, removed: 1 } }]);
      } finally {
        stop();
      }

      // A stored setting wins over the file; none and no file: kept forever.
      const older = await accounts.appendAudit({
        actor: 'cli',
        action: 'user.add',
        detail: { user: 'older' },
      });
      await age(older.id);
      await accounts.writeAuditRetention(7);
      const stopped = scheduleAuditRetention(accounts, { fallbackDays: 100_000, logger: silentLogger });
      try {
        await expect
          .poll(async () => (await accounts.listAudit({ action: 'audit.prune' }))[0]?.detail)
          .toMatchObject({ olderThanDays: 7, removed: 1 });
      } finally {
        stopped();
      }
    });
  });
}

describe('nocoflo audit', () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('sets, shows and applies the retention, each change recorded as cli', async () => {
    root = resolvableTempRoot();
    const audit = (...args: string[]) => runChild('cli', ['audit', ...args, '--root', root!], {});
    const none = await audit('prune');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/NCF_BAD_REQUEST.*no retention is set/);
    const bad = await audit('retention', 'ten');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/NCF_BAD_REQUEST/);

    expect((await audit('retention', '30')).stdout).toContain('kept 30 days');
    expect(JSON.parse((await audit('retention', '--json')).stdout)).toEqual({ retentionDays: 30 });

    const file = join(root, '.nocoflo', 'metadata.db');
    const store = await openMetadataStore(file);
    let old: string;
    try {
      old = (await store.accounts().appendAudit({ actor: 'cli', action: 'user.add' })).id;
    } finally {
      await store.close();
    }
    const db = new Database(file);
    db.prepare('UPDATE audit_log SET at = ? WHERE id = ?').run(LONG_AGO, old);
    db.close();

    const pruned = await audit('prune', '--json');
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(JSON.parse(pruned.stdout)).toMatchObject({ removed: 1, olderThanDays: 30 });
    expect((await audit('retention', 'off')).stdout).toContain('kept forever');

    const after = await openMetadataStore(file);
    try {
      const trail = await after.accounts().listAudit({ actor: 'cli' });
      expect(trail.map((entry) => entry.action)).toEqual([
        'audit.retention',
        'audit.prune',
        'audit.retention',
      ]);
      expect(await after.accounts().getAudit(old)).toBeUndefined();
    } finally {
      await after.close();
    }
  });
});
