// Secret config fields on SQLite and PostgreSQL: stored sealed (the plaintext is nowhere in
// the store), handed to the plugin opened, never returned by the API, kept when a write
// leaves them out, redacted from logs and errors, unreadable with the wrong key, and
// re-sealed by a key rotation.
import { statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHost, createServer, type PluginHost } from '@nocoflo/host';
import { definePlugin, isNocofloError, type Logger, secret } from '@nocoflo/sdk';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateKeyText, keyringOf, loadKeyring, type SecretKeyring } from '../../../src/secrets/keyring.js';
import { rotateSecretKey } from '../../../src/secrets/rotate.js';
import { type MetadataStore, openMetadataStore } from '../../../src/store/index.js';
import { dropSchema, POSTGRES_URL, postgresAvailable, selectIn, tempDir, uniqueSchema } from '../helpers.js';

const hasPostgres = await postgresAvailable();
const API_KEY = 'sk-live-4f9a8b7c6d5e4f3a2b1c';
const DB_PASSWORD = 'pw-correct-horse-battery';

const schema = z.object({
  endpoint: z.string().default('https://api.example.com'),
  apiKey: secret(z.string().min(12)),
  database: z.object({ user: z.string(), password: secret(z.string()).optional() }).optional(),
});

interface Seen {
  config: z.output<typeof schema>;
}

const backends = [
  { name: 'sqlite' as const, skip: false },
  { name: 'postgres' as const, skip: !hasPostgres },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`secret config on ${backend.name}`, () => {
    let dir: { path: string; cleanup: () => Promise<void> };
    let storeUrl: string;
    let storeSchema: string | undefined;
    let seen: Seen[];
    let lines: string[];
    let keyring: SecretKeyring;

    beforeEach(async () => {
      dir = await tempDir();
      await mkdir(join(dir.path, '.nocoflo'));
      if (backend.name === 'postgres') {
        storeSchema = uniqueSchema('ncf_secrets');
        storeUrl = `${POSTGRES_URL}?schema=${storeSchema}`;
      } else storeUrl = join(dir.path, '.nocoflo', 'metadata.db');
      seen = [];
      lines = [];
      keyring = keyringOf(generateKeyText());
    });
    afterEach(async () => {
      if (storeSchema) await dropSchema(storeSchema);
      await dir.cleanup();
    });

    const logger: Logger = {
      debug: (m, d) => lines.push(`${m} ${JSON.stringify(d ?? {})}`),
      info: (m, d) => lines.push(`${m} ${JSON.stringify(d ?? {})}`),
      warn: (m, d) => lines.push(`${m} ${JSON.stringify(d ?? {})}`),
      error: (m, d) => lines.push(`${m} ${JSON.stringify(d ?? {})}`),
    };

    const start = async (
      withKeyring: SecretKeyring = keyring,
    ): Promise<{ host: PluginHost; store: MetadataStore }> => {
      const store = await openMetadataStore(storeUrl);
      const host = await createHost({
        root: dir.path,
        scanNodeModules: false,
        store,
        logger,
        secretKeyring: withKeyring,
      });
      await host.start();
      await host.register(
        definePlugin({
          config: schema,
          setup(ctx) {
            seen.push({ config: ctx.config });
            ctx.logger.info(`calling ${ctx.config.endpoint} with key ${ctx.config.apiKey}`);
            if (ctx.config.endpoint === 'fail') throw new Error(`the API refused key ${ctx.config.apiKey}`);
          },
        }),
        { name: 'billing', version: '1.0.0' },
      );
      return { host, store };
    };

    /** Everything the store holds for the plugin's config, as raw text. */
    const rawConfig = async (): Promise<string> => {
      if (backend.name === 'sqlite') {
        const db = new Database(storeUrl, { readonly: true });
        try {
          return JSON.stringify(db.prepare('SELECT * FROM plugin_config').all());
        } finally {
          db.close();
        }
      }
      return JSON.stringify(await selectIn(storeSchema!, 'SELECT name, config::text FROM plugin_config'));
    };

    it('seals secrets at rest, opens them for the plugin only, and never returns them', async () => {
      const { host, store } = await start();
      try {
        await host.setConfig(
          'billing',
          { apiKey: API_KEY, database: { user: 'app', password: DB_PASSWORD } },
          { actor: 'cli' },
        );
        expect(host.get('billing')?.state).toBe('enabled');
        expect(seen.at(-1)?.config).toEqual({
          endpoint: 'https://api.example.com',
          apiKey: API_KEY,
          database: { user: 'app', password: DB_PASSWORD },
        });

        const raw = await rawConfig();
        expect(raw).not.toContain(API_KEY);
        expect(raw).not.toContain(DB_PASSWORD);
        expect(raw).toContain('ncf1:');
        expect(raw).toMatch(/user\\?":\s?\\?"app/);

        expect(await host.getConfig('billing')).toEqual({ database: { user: 'app' } });
        const view = await host.configView('billing');
        expect(view.secrets).toEqual(['apiKey', 'database.password']);
        expect(view.schema).toMatchObject({ properties: { apiKey: { writeOnly: true } } });

        // Through the HTTP API too, and in the config history.
        const app = await createServer({ host, datasources: [], adminToken: 'admin-secret-token', store });
        try {
          const auth = { authorization: 'Bearer admin-secret-token' };
          const responses = await Promise.all([
            app.inject({ url: '/admin/plugins/billing/config', headers: auth }),
            app.inject({ url: '/admin/plugins/billing', headers: auth }),
            app.inject({ url: '/admin/plugins', headers: auth }),
          ]);
          for (const response of responses) {
            expect(response.statusCode).toBe(200);
            expect(response.body).not.toContain(API_KEY);
            expect(response.body).not.toContain(DB_PASSWORD);
          }
          expect(responses[0]?.json()).toMatchObject({
            config: { database: { user: 'app' } },
            secrets: ['apiKey', 'database.password'],
            changes: [{ actor: 'cli', fields: ['apiKey', 'database.password', 'database.user'] }],
          });

          // A write without the secrets keeps them; the change names what changed.
          const put = await app.inject({
            method: 'PUT',
            url: '/admin/plugins/billing/config',
            headers: auth,
            payload: { endpoint: 'https://eu.example.com', database: { user: 'app' } },
          });
          expect(put.statusCode).toBe(200);
          expect(put.body).not.toContain(API_KEY);
          expect(seen.at(-1)?.config).toMatchObject({ endpoint: 'https://eu.example.com', apiKey: API_KEY });
          expect(seen.at(-1)?.config.database?.password).toBe(DB_PASSWORD);
          const history = (await app.inject({ url: '/admin/plugins/billing/config', headers: auth })).json()
            .changes;
          expect(history[0]).toMatchObject({ actor: 'admin-token', fields: ['endpoint'] });

          // A rejected value names the field, shows no secret, and changes nothing.
          const bad = await app.inject({
            method: 'PUT',
            url: '/admin/plugins/billing/config',
            headers: auth,
            payload: { apiKey: 'short' },
          });
          expect(bad.statusCode).toBe(400);
          expect(bad.json().error.details.issues).toEqual([
            { path: ['apiKey'], message: expect.any(String) },
          ]);
          expect(seen.at(-1)?.config.apiKey).toBe(API_KEY);
        } finally {
          await app.close();
        }

        // The plugin logged its key and failed with it in the message: both redacted.
        expect(lines.some((line) => line.includes('with key [redacted]'))).toBe(true);
        await host.setConfig('billing', { endpoint: 'fail' });
        const failed = host.get('billing');
        expect(failed?.state).toBe('failed');
        expect(failed?.error?.message).toContain('the API refused key [redacted]');
        for (const line of lines) {
          expect(line).not.toContain(API_KEY);
          expect(line).not.toContain(DB_PASSWORD);
        }
      } finally {
        await host.stop();
      }
    });

    it('fails only the plugin when its secrets were sealed with another key, naming the keys, not the values', async () => {
      const first = await start();
      await first.host.setConfig('billing', { apiKey: API_KEY });
      await first.host.stop();

      const otherKey = keyringOf(generateKeyText());
      const second = await start(otherKey);
      try {
        const info = second.host.get('billing');
        expect(info?.state).toBe('failed');
        expect(info?.error?.code).toBe('NCF_SECRET_UNAVAILABLE');
        expect(info?.error?.message).toContain(keyring.current.id);
        expect(info?.error?.message).toContain(otherKey.current.id);
        expect(JSON.stringify(info)).not.toContain(API_KEY);
      } finally {
        await second.host.stop();
      }
    });

    it('re-seals every secret with a new key on rotation; the old key alone no longer opens them', async () => {
      const dataDir = join(dir.path, '.nocoflo');
      const fileKeyring = loadKeyring({ dataDir, env: {} });
      expect(statSync(join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
      const first = await start(fileKeyring);
      await first.host.setConfig('billing', {
        apiKey: API_KEY,
        database: { user: 'u', password: DB_PASSWORD },
      });
      await first.host.stop();
      const before = await rawConfig();

      const store = await openMetadataStore(storeUrl);
      const result = await rotateSecretKey({ store, dataDir, keyring: fileKeyring });
      await store.close();
      expect(result.values).toBe(2);
      expect(result.keyId).not.toBe(fileKeyring.current.id);
      const after = await rawConfig();
      expect(after).not.toBe(before);
      expect(after).toContain(`ncf1:${result.keyId}:`);
      expect(after).not.toContain(`ncf1:${fileKeyring.current.id}:`);
      expect(await readFile(join(dataDir, 'secret.key.previous'), 'utf8')).toContain(
        fileKeyring.current.bytes.toString('hex'),
      );

      // The host loads the new key from the file and opens everything.
      seen = [];
      const rotated = await start(loadKeyring({ dataDir, env: {} }));
      try {
        expect(rotated.host.get('billing')?.state).toBe('enabled');
        expect(seen.at(-1)?.config.apiKey).toBe(API_KEY);
      } finally {
        await rotated.host.stop();
      }
      // The old key on its own cannot open the rotated values.
      const old = await start(keyringOf(fileKeyring.current.bytes.toString('hex')));
      try {
        expect(old.host.get('billing')?.error?.code).toBe('NCF_SECRET_UNAVAILABLE');
      } finally {
        await old.host.stop();
      }
    });
  });
}

describe('the secret key', () => {
  it('comes from NOCOFLO_SECRET_KEY (then leaves the environment), refuses a malformed one, else a 0600 file', async () => {
    const dir = await tempDir();
    try {
      const text = generateKeyText();
      const env: NodeJS.ProcessEnv = {
        NOCOFLO_SECRET_KEY: text,
        NOCOFLO_SECRET_KEY_PREVIOUS: generateKeyText(),
      };
      const fromEnv = loadKeyring({ dataDir: dir.path, env });
      expect(fromEnv.source).toBe('NOCOFLO_SECRET_KEY');
      expect(fromEnv.keys.size).toBe(2);
      expect(env).toEqual({});

      const error = (() => {
        try {
          loadKeyring({ dataDir: dir.path, env: { NOCOFLO_SECRET_KEY: 'too-short' } });
        } catch (e) {
          return e;
        }
      })();
      expect(isNocofloError(error, 'NCF_SECRET_REFUSED')).toBe(true);
      expect((error as Error).message).not.toContain('too-short');

      const generated = loadKeyring({ dataDir: dir.path, env: {} });
      expect(generated.source).toBe(join(dir.path, 'secret.key'));
      expect(statSync(generated.source).mode & 0o777).toBe(0o600);
      expect(loadKeyring({ dataDir: dir.path, env: {} }).current.id).toBe(generated.current.id);
    } finally {
      await dir.cleanup();
    }
  });
});
