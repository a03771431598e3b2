/**
 * JSON for API responses: cell values JSON cannot hold are spelled as data, so every row
 * serialises: bigint as a decimal string, bytes as `{ "$base64": "…" }`.
 */

/** `JSON.stringify` with bigint and byte values made JSON-safe. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Uint8Array) return { $base64: Buffer.from(v).toString('base64') };
    return v;
  });
}
