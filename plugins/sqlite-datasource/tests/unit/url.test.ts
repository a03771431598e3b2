import { isNocofloError } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';
import { parseSqliteUrl } from '../../src/index.js';

describe('parseSqliteUrl', () => {
  it('resolves relative paths against cwd and keeps absolute ones', () => {
    expect(parseSqliteUrl('sqlite:./data.db', '/srv/app').filename).toBe('/srv/app/data.db');
    expect(parseSqliteUrl('sqlite:data/x.db', '/srv/app').filename).toBe('/srv/app/data/x.db');
    expect(parseSqliteUrl('sqlite:///abs/path.db', '/srv/app').filename).toBe('/abs/path.db');
    expect(parseSqliteUrl('sqlite:/abs/path.db', '/srv/app').filename).toBe('/abs/path.db');
    expect(parseSqliteUrl('sqlite3:./my%20db.db', '/srv').filename).toBe('/srv/my db.db');
  });

  it('reads :memory: with either scheme', () => {
    for (const url of ['sqlite::memory:', 'sqlite3::memory:', 'SQLITE::memory:']) {
      const location = parseSqliteUrl(url, '/');
      expect(location.memory, url).toBe(true);
      expect(location.filename).toBe(':memory:');
    }
  });

  it('reads options from the query string', () => {
    const location = parseSqliteUrl('sqlite:./a.db?mode=ro&timeout=250&foreign_keys=off&wal=false', '/x');
    expect(location).toMatchObject({ readOnly: true, busyTimeoutMs: 250, foreignKeys: false, wal: false });
    expect(parseSqliteUrl('sqlite:./a.db?mode=rwc', '/x').create).toBe(true);
    expect(parseSqliteUrl('sqlite:./a.db?readonly=true', '/x').readOnly).toBe(true);
  });

  it('refuses other schemes, unknown options and empty paths with a hint', () => {
    for (const url of ['postgres://x', 'sqlite:./a.db?journal=wal', 'sqlite:', 'sqlite:./a.db?mode=rw+']) {
      let error: unknown;
      try {
        parseSqliteUrl(url, '/');
      } catch (caught) {
        error = caught;
      }
      expect(isNocofloError(error, 'NCF_CONNECTION_FAILED'), url).toBe(true);
      expect((error as { hint: string }).hint.length).toBeGreaterThan(10);
    }
  });
});
