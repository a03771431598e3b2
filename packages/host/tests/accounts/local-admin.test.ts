/**
 * The demo's first admin is created once even when several hosts start together on one
 * fresh store (two `nocoflo serve --demo` on one PostgreSQL store, or one SQLite file): each
 * gets the same admin, and the audit trail records one creation.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureLocalAdmin } from '../../src/cli/local-admin.js';
import { type MetadataStore, openMetadataStore } from '../../src/store/index.js';
import { dropSchema, POSTGRES_URL, postgresAvailable, tempDir, uniqueSchema } from '../ops/helpers.js';

const hasPostgres = await postgresAvailable();

const backends = [
  {
    name: 'sqlite',
    skip: false,
    async location() {
      const dir = await tempDir();
      return { url: join(dir.path, 'metadata.db'), cleanup: dir.cleanup };
    },
  },
  {
    name: 'postgres',
    skip: !hasPostgres,
    async location() {
      const schema = uniqueSchema('ncf_local_admin');
      return { url: `${POSTGRES_URL}?schema=${schema}`, cleanup: () => dropSchema(schema) };
    },
  },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`the local admin on ${backend.name}`, () => {
    const stores: MetadataStore[] = [];
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((store) => store.close()));
      await cleanup?.();
    });

    it('is created once by hosts racing on a fresh store', async () => {
      const location = await backend.location();
      cleanup = location.cleanup;
      // Opened one after the other (the store's own migrations are not what is raced here).
      for (let i = 0; i < 4; i++) stores.push(await openMetadataStore(location.url));
      const admins = await Promise.all(stores.map((store) => ensureLocalAdmin(store.accounts())));
      expect(new Set(admins.map((admin) => admin.id)).size).toBe(1);
      expect(admins[0]).toMatchObject({ name: 'admin', role: 'admin' });
      const accounts = stores[0]!.accounts();
      expect(await accounts.countUsers()).toBe(1);
      expect(await accounts.listAudit({ action: 'user.add' })).toHaveLength(1);
      // Later starts find it.
      expect((await ensureLocalAdmin(stores[1]!.accounts())).id).toBe(admins[0]!.id);
    });
  });
}
