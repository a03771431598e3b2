/**
 * Secret config fields: `secret(z.string())` marks a field of a plugin's config schema as a
 * secret (a password, an API key). The host stores it encrypted, never returns it from any
 * API or page (it is write-only), and redacts it from logs and error messages. The mark is
 * JSON Schema's own `writeOnly` keyword, so it survives `z.toJSONSchema` and crosses any
 * boundary as plain data.
 */
import type { z } from 'zod';

/** The JSON Schema keyword that marks a field as secret (JSON Schema's standard `writeOnly`). */
export const SECRET_KEYWORD = 'writeOnly';

/**
 * Marks a config field as secret: stored encrypted, write-only, redacted from logs.
 *
 * @example
 * ```ts
 * import { definePlugin, secret } from '@nocoflo/sdk';
 * import { z } from 'zod';
 *
 * export default definePlugin({
 *   config: z.object({
 *     endpoint: z.url().default('https://api.example.com'),
 *     apiKey: secret(z.string().min(20)),
 *   }),
 *   setup(ctx) {
 *     ctx.logger.info(`calling ${ctx.config.endpoint}`); // ctx.config.apiKey is the plain value
 *   },
 * });
 * ```
 */
export function secret<T extends z.ZodType>(schema: T): T {
  return schema.meta({ [SECRET_KEYWORD]: true, 'x-nocoflo-secret': true }) as T;
}

/**
 * The paths of the secret fields in a config JSON Schema (as `z.toJSONSchema` writes it),
 * e.g. `[['apiKey'], ['database', 'password']]`. Follows object properties, `$ref`s into
 * `$defs`, and `anyOf` / `oneOf` / `allOf` branches.
 */
export function secretPaths(jsonSchema: unknown): string[][] {
  const found = new Map<string, string[]>();
  const root = jsonSchema as Record<string, unknown>;
  const resolve = (node: Record<string, unknown>): Record<string, unknown> => {
    const ref = node.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/')) {
      let target: unknown = root;
      for (const part of ref.slice(2).split('/')) target = (target as Record<string, unknown>)?.[part];
      if (target && typeof target === 'object') return target as Record<string, unknown>;
    }
    return node;
  };
  const walk = (raw: unknown, path: string[], depth: number) => {
    if (!raw || typeof raw !== 'object' || depth > 32) return;
    const node = resolve(raw as Record<string, unknown>);
    if (node[SECRET_KEYWORD] === true || (raw as Record<string, unknown>)[SECRET_KEYWORD] === true) {
      if (path.length > 0) found.set(JSON.stringify(path), path);
      return;
    }
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      const branches = node[key];
      if (Array.isArray(branches)) for (const branch of branches) walk(branch, path, depth + 1);
    }
    const properties = node.properties;
    if (properties && typeof properties === 'object') {
      for (const [name, child] of Object.entries(properties)) walk(child, [...path, name], depth + 1);
    }
  };
  walk(root, [], 0);
  return [...found.values()];
}
