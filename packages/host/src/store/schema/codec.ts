/**
 * The few places SQLite and PostgreSQL store a value differently, in one spot: the store's
 * queries pass values through a codec and stay dialect-free.
 */
import type { MetadataDialect } from '../metadata.js';

/** Converts host-table values to and from a dialect's representation. */
export interface StoreCodec {
  /** A boolean to bind. */
  bool(value: boolean): boolean | number;
  /** A boolean read back. */
  readBool(value: unknown): boolean;
  /** JSON to bind (text; PostgreSQL casts it to jsonb). */
  json(value: unknown): string;
  /** JSON read back. */
  readJson(value: unknown): unknown;
  /** A time read back, as ISO 8601. */
  readTime(value: unknown): string;
}

const readTime = (value: unknown): string =>
  value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();

/** The codec of a dialect. */
export function codecFor(dialect: MetadataDialect): StoreCodec {
  if (dialect === 'postgres') {
    return {
      bool: (value) => value,
      readBool: (value) => value === true,
      json: (value) => JSON.stringify(value),
      readJson: (value) => value,
      readTime,
    };
  }
  return {
    bool: (value) => (value ? 1 : 0),
    readBool: (value) => value === 1 || value === true,
    json: (value) => JSON.stringify(value),
    readJson: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
    readTime,
  };
}

/** Column types of a dialect, for the host's migrations. */
export interface ColumnTypes {
  /** `integer` (0/1) on SQLite, `boolean` on PostgreSQL. */
  bool: 'integer' | 'boolean';
  /** `text` (ISO 8601) on SQLite, `timestamptz` on PostgreSQL. */
  time: 'text' | 'timestamptz';
  /** `text` on SQLite, `jsonb` on PostgreSQL. */
  json: 'text' | 'jsonb';
  /** Bytes: `blob` on SQLite, `bytea` on PostgreSQL. */
  bytes: 'blob' | 'bytea';
}

/** The column types of a dialect. */
export function columnTypes(dialect: MetadataDialect): ColumnTypes {
  return dialect === 'postgres'
    ? { bool: 'boolean', time: 'timestamptz', json: 'jsonb', bytes: 'bytea' }
    : { bool: 'integer', time: 'text', json: 'text', bytes: 'blob' };
}
