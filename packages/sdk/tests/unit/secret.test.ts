import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { secret, secretPaths } from '../../src/index.js';

describe('secret config fields', () => {
  it('marks a field writeOnly in its JSON Schema and finds it, nested, optional or in a union', () => {
    const schema = z.object({
      endpoint: z.string(),
      apiKey: secret(z.string()),
      database: z.object({ user: z.string(), password: secret(z.string()).optional() }).optional(),
      auth: z.union([z.object({ token: secret(z.string()) }), z.object({ basic: z.string() })]),
    });
    const json = z.toJSONSchema(schema, { io: 'input' });
    expect(json.properties?.apiKey).toMatchObject({ type: 'string', writeOnly: true });
    expect(secretPaths(json)).toEqual([['apiKey'], ['database', 'password'], ['auth', 'token']]);
  });

  it('keeps the schema working as before', () => {
    const schema = z.object({ apiKey: secret(z.string().min(3)) });
    expect(schema.parse({ apiKey: 'abcd' })).toEqual({ apiKey: 'abcd' });
    expect(schema.safeParse({ apiKey: 'a' }).success).toBe(false);
    expect(secretPaths(z.toJSONSchema(z.object({ plain: z.string() })))).toEqual([]);
  });
});
