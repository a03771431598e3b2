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
 *
 * It may also say where plugin code runs (the host option `isolation`):
 *
 * ```json
 * { "isolation": { "default": "worker", "plugins": { "@acme/audit": "process" }, "maxHeapMbByPlugin": { "@acme/audit": 512 } } }
 * ```
 *
 * A level or heap limit stored with `nocoflo plugins set-isolation` wins over the file; the
 * file wins over the default (`worker`, 256 MB).
 *
 * And how long the audit trail keeps entries (days; a value stored with `nocoflo audit
 * retention` or on the admin audit page wins over the file; neither: kept forever):
 *
 * ```json
 * { "audit": { "retentionDays": 365 } }
 * ```
 */
import { readFile } from 'node:fs/promises';
import { Errors, errorMessage, NocofloError } from '@nocoflo/sdk';
import { z } from 'zod';
import type { IsolationOptions } from '../runtime/isolation-options.js';

/** The default config file name, looked up in the app folder. */
export const CONFIG_FILE_NAME = 'nocoflo.config.json';

const level = z.enum(['inline', 'worker', 'process']);
const heapMb = z.number().int().min(16).max(65_536);
const delayMs = z.number().int().min(0);

const isolationSchema = z.strictObject({
  default: level.optional(),
  plugins: z.record(z.string().min(1), level).optional(),
  maxHeapMb: heapMb.optional(),
  maxHeapMbByPlugin: z.record(z.string().min(1), heapMb).optional(),
  restart: z
    .strictObject({
      maxFailures: z.number().int().min(0).optional(),
      windowMs: delayMs.optional(),
      baseDelayMs: delayMs.optional(),
      maxDelayMs: delayMs.optional(),
    })
    .optional(),
});

const configFileSchema = z.strictObject({
  $schema: z.string().optional(),
  plugins: z.record(z.string().min(1), z.unknown()).default({}),
  isolation: isolationSchema.optional(),
  audit: z.strictObject({ retentionDays: z.number().int().min(1).optional() }).optional(),
});

/** A parsed config file. */
export interface ConfigFile {
  /** A JSON Schema URL for editors; the host ignores it. */
  $schema?: string | undefined;
  /** Config by plugin name; each value is checked by that plugin's own zod schema. */
  plugins: Record<string, unknown>;
  /** Where plugin code runs (the host option `isolation`); `inline` names a plugin trusted. */
  isolation?: IsolationOptions | undefined;
  /** The audit trail's retention: entries older than `retentionDays` days are removed. */
  audit?:
    | {
        /** Days audit entries are kept while no retention is stored; absent: forever. */
        retentionDays?: number | undefined;
      }
    | undefined;
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
  const { isolation, ...rest } = parsed.data;
  return isolation ? { ...rest, isolation: withoutUndefined(isolation) } : rest;
}

/** Drops keys whose value is undefined (the host options are exact optional types). */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
