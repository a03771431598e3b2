/**
 * `nocoflo secrets`: the key secret config fields are encrypted with.
 *
 * - `nocoflo secrets status`: which key is in use (its id and where it comes from, never the
 *   key) and how many stored values each key sealed.
 * - `nocoflo secrets rotate-key`: re-encrypts every stored secret with a new key (see
 *   `secrets/rotate.ts`). Stop the hosts sharing the store first, or restart them afterwards.
 */
import type { Command } from 'commander';
import { sealedKeyId } from '../secrets/cipher.js';
import { isSecretBox } from '../secrets/config-secrets.js';
import { loadKeyring } from '../secrets/keyring.js';
import { rotateSecretKey } from '../secrets/rotate.js';
import { openMetadataStore } from '../store/open.js';
import {
  dataDirOf,
  reportCommandError,
  type StoreOptions,
  storeOptions,
  storeUrlOf,
} from './store-options.js';

type SecretsOptions = StoreOptions;

/** Counts sealed values by key id in a stored config. */
function countSealed(value: unknown, counts: Map<string, number>, depth = 0): void {
  if (isSecretBox(value)) {
    const id = sealedKeyId(value.$secret);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  } else if (depth < 32 && value && typeof value === 'object') {
    for (const inner of Object.values(value)) countSealed(inner, counts, depth + 1);
  }
}

function withStore(run: (context: { dataDir: string; options: SecretsOptions }) => Promise<void>) {
  return async (_args: unknown, command: Command): Promise<void> => {
    const options = command.opts<SecretsOptions>();
    const dataDir = dataDirOf(options);
    try {
      await run({ dataDir, options });
    } catch (error) {
      reportCommandError(error);
    }
  };
}

/** Registers `nocoflo secrets` and its subcommands on the program. */
export function registerSecretsCommand(program: Command): void {
  const secrets = program
    .command('secrets')
    .description('the key that encrypts secret plugin config: status and rotation');

  storeOptions(secrets.command('status'))
    .description('show the key in use (its id and source, never the key) and what it encrypts')
    .action(
      withStore(async ({ dataDir, options }) => {
        const keyring = loadKeyring({ dataDir });
        const store = await openMetadataStore(storeUrlOf(options, dataDir));
        try {
          const counts = new Map<string, number>();
          for (const config of (await store.readPluginConfigs()).values()) countSealed(config, counts);
          const status = {
            key: { id: keyring.current.id, source: keyring.source },
            decrypts: [...keyring.keys.keys()],
            sealedValues: Object.fromEntries(counts),
          };
          if (options.json) process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
          else {
            process.stdout.write(`key ${status.key.id} (from ${status.key.source})\n`);
            for (const [id, n] of counts) {
              process.stdout.write(
                `  ${n} value(s) sealed with ${id}${keyring.keys.has(id) ? '' : '  (NOT AVAILABLE: give this key)'}\n`,
              );
            }
          }
        } finally {
          await store.close();
        }
      }),
    );

  storeOptions(secrets.command('rotate-key'))
    .description(
      're-encrypt every stored secret with a new key (a new secret.key file, or the NOCOFLO_SECRET_KEY you set, with the old one in NOCOFLO_SECRET_KEY_PREVIOUS)',
    )
    .action(
      withStore(async ({ dataDir, options }) => {
        const keyring = loadKeyring({ dataDir });
        const store = await openMetadataStore(storeUrlOf(options, dataDir));
        try {
          const result = await rotateSecretKey({ store, dataDir, keyring });
          if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          else {
            process.stdout.write(
              `${result.values} secret value(s) now sealed with key ${result.keyId} (${result.source}); restart the hosts using this store.\n`,
            );
          }
        } finally {
          await store.close();
        }
      }),
    );
}
