/**
 * Secret fields in stored plugin config: a field the plugin's schema marks with `secret()`
 * is stored as `{ "$secret": "<sealed>" }`, opened only when the plugin is set up, never
 * shown, and kept when a config is written without it (write-only).
 */
import { secretPaths } from '@nocoflo/sdk';
import { z } from 'zod';
import { isSealed, open, seal } from './cipher.js';
import type { SecretKeyring } from './keyring.js';

/** A field path, e.g. `['database', 'password']`. */
export type FieldPath = readonly string[];

const pathsCache = new WeakMap<object, FieldPath[]>();

/** The JSON Schema of a plugin's config schema (input side, as operators write it), or undefined. */
export function configJsonSchema(schema: z.ZodType | undefined): Record<string, unknown> | undefined {
  if (!schema) return undefined;
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The secret field paths of a plugin's config schema. */
export function secretFieldsOf(schema: z.ZodType | undefined): FieldPath[] {
  if (!schema) return [];
  let paths = pathsCache.get(schema);
  if (!paths) {
    paths = secretPaths(configJsonSchema(schema));
    pathsCache.set(schema, paths);
  }
  return paths;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether a stored value is a sealed secret. */
export function isSecretBox(value: unknown): value is { $secret: string } {
  return isRecord(value) && Object.keys(value).length === 1 && isSealed(value.$secret);
}

/** The value at a path, or undefined. */
export function getAt(value: unknown, path: FieldPath): unknown {
  let current = value;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** A copy of `value` with `path` set (creating objects on the way); `undefined` removes it. */
export function setAt(value: unknown, path: FieldPath, next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path as [string, ...string[]];
  const base = isRecord(value) ? { ...value } : {};
  const child = setAt(base[head], rest, next);
  if (child === undefined) delete base[head];
  else base[head] = child;
  return base;
}

const context = (plugin: string, path: FieldPath) => `${plugin}#${path.join('.')}`;

/**
 * The config to store: secret fields sealed. A secret field absent from `input` keeps its
 * stored value (`previous`), so a form can leave it empty to keep it.
 */
export function sealSecrets(
  plugin: string,
  input: unknown,
  paths: readonly FieldPath[],
  keyring: () => SecretKeyring,
  previous: unknown,
): unknown {
  let out = input;
  for (const path of paths) {
    const value = getAt(input, path);
    if (value !== undefined && !isSecretBox(value)) {
      out = setAt(out, path, { $secret: seal(keyring(), value, context(plugin, path)) });
    } else if (
      value === undefined &&
      isSecretBox(getAt(previous, path)) &&
      (path.length === 1 || typeof getAt(input, path.slice(0, -1)) === 'object')
    ) {
      out = setAt(out, path, getAt(previous, path));
    }
  }
  return out;
}

/**
 * Stored config with every sealed field opened (walks the whole value, so it works without
 * the schema). `onSecret` sees each opened value (for the redactor).
 */
export function openSecrets(
  plugin: string,
  stored: unknown,
  keyring: () => SecretKeyring,
  onSecret: (value: unknown) => void = () => {},
): unknown {
  const walk = (value: unknown, path: string[], depth: number): unknown => {
    if (isSecretBox(value)) {
      const opened = open(keyring(), value.$secret, context(plugin, path));
      onSecret(opened);
      return opened;
    }
    if (depth > 32 || !isRecord(value)) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, walk(inner, [...path, key], depth + 1)]),
    );
  };
  return walk(stored, [], 0);
}

/** Whether a stored value holds any sealed field (so a keyring is needed to open it). */
export function hasSealed(stored: unknown, depth = 0): boolean {
  if (isSecretBox(stored)) return true;
  if (depth > 32 || !isRecord(stored)) return false;
  return Object.values(stored).some((value) => hasSealed(value, depth + 1));
}

/**
 * What may be shown of a config: every secret field (sealed, or named secret by the schema)
 * removed, and the dotted paths of the secret fields that hold a value.
 */
export function publicConfig(
  stored: unknown,
  paths: readonly FieldPath[],
): { config: unknown; secrets: string[] } {
  const set = new Set<string>();
  const walk = (value: unknown, path: string[], depth: number): unknown => {
    if (isSecretBox(value)) {
      set.add(path.join('.'));
      return undefined;
    }
    if (depth > 32 || !isRecord(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const next = walk(inner, [...path, key], depth + 1);
      if (next !== undefined) out[key] = next;
    }
    return out;
  };
  let config = walk(stored, [], 0);
  for (const path of paths) {
    if (getAt(config, path) !== undefined) {
      set.add(path.join('.'));
      config = setAt(config, path, undefined);
    }
  }
  return { config, secrets: [...set].sort() };
}

/** Dotted paths of the leaves that differ between two configs (objects compared field by field). */
export function changedFields(before: unknown, after: unknown, prefix: string[] = []): string[] {
  const descend =
    (isRecord(before) && (isRecord(after) || after === undefined)) ||
    (before === undefined && isRecord(after));
  if (descend) {
    const left = isRecord(before) ? before : {};
    const right = isRecord(after) ? after : {};
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
    return keys.flatMap((key) => changedFields(left[key], right[key], [...prefix, key]));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix.join('.') || '(whole config)'];
}
