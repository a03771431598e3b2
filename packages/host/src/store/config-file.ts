/**
 * The config file: per-plugin config an operator keeps in version control, e.g.
 * `nocoflo.config.json`:
 *
 * ```json
 * { "plugins": { "@acme/audit": { "table": "orders" } } }
 * ```
 *
 * Its values are the defaults the host validates with each plugin's zod schema; a value
 * set at runtime (CLI, admin API) is stored in the metadata store and wins over the file
 * until it is unset again.
 */
import { readFile } from 'node:fs/promises';
import { Errors, errorMessage, NocofloError } from '@nocoflo/sdk';
import { z } from 'zod';

/** The default config file name, looked up in the app folder. */
export const CONFIG_FILE_NAME = 'nocoflo.config.json';

const configFileSchema = z.strictObject({
  $schema: z.string().optional(),
  plugins: z.record(z.string().min(1), z.unknown()).default({}),
});

/** A parsed config file. */
export interface ConfigFile {
  /** A JSON Schema URL for editors; the host ignores it. */
  $schema?: string | undefined;
  /** Config by plugin name; each value is checked by that plugin's own zod schema. */
  plugins: Record<string, unknown>;
}

/**
 * Reads and checks a config file. Only its shape is checked here; each plugin's value is
 * validated by the plugin's own schema when the host starts it.
 *
 * @throws NocofloError `NCF_CONFIG_FILE_INVALID` naming the file and what is wrong.
 */
export async function readConfigFile(path: string): Promise<ConfigFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw NocofloError.create(Errors.ConfigFileInvalid, [path, errorMessage(error)], { cause: error });
  }
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) {
    const reason = parsed.error.issues
      .map((issue) => `${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}`)
      .join('; ');
    throw NocofloError.create(Errors.ConfigFileInvalid, [path, reason]);
  }
  return parsed.data;
}
