import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isNocofloError } from '@nocoflo/sdk';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import plugin, { openSqlite, sqliteDatasource } from '../../src/index.js';
import { type TempFolder, tempFolder } from '../fixtures/temp-db.js';

let temp: TempFolder;
beforeEach(() => {
  temp = tempFolder();
});
afterEach(() => temp.cleanup());

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string; hint: string };
  }
  throw new Error('expected a rejection');
}

describe('the plugin', () => {
  it('contributes one datasource for sqlite: and sqlite3:', () => {
    expect(plugin.datasources?.map((d) => [d.name, [...d.schemes]])).toEqual([
      ['sqlite', ['sqlite', 'sqlite3']],
    ]);
    expect(plugin.datasources?.[0]).toBe(sqliteDatasource);
  });
});

describe('opening', () => {
  it('opens relative (against cwd), absolute and sqlite3: URLs of existing files', async () => {
    temp.createDb('rel.db', 'CREATE TABLE a(x); INSERT INTO a VALUES (1)');
    for (const [url, cwd] of [
      ['sqlite:./rel.db', temp.dir],
      ['sqlite:rel.db', temp.dir],
      [`sqlite://${temp.path('rel.db')}`, '/'],
      [`sqlite3:${temp.path('rel.db')}`, '/'],
    ] as const) {
      const ds = await sqliteDatasource.open(url, { cwd });
      expect((await ds.readPage('a')).rows, url).toEqual([{ rowid: 1, x: 1 }]);
      expect(ds.url).toBe(url);
      await ds.close();
    }
  });

  it('opens :memory: databases, empty and writable', async () => {
    const ds = await openSqlite('sqlite::memory:');
    expect(await ds.listTables()).toEqual([]);
    ds.db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)');
    expect(await ds.insert('t', { v: 'a' })).toEqual({ id: 1, v: 'a' });
    await ds.close();
  });

  it('refuses a missing file with a hint, unless mode=rwc asks to create it', async () => {
    const missing = await rejection(openSqlite('sqlite:./nope.db', { cwd: temp.dir }));
    expect(missing.code).toBe('NCF_CONNECTION_FAILED');
    expect(missing.message).toContain('nope.db');
    expect(missing.hint).toContain('mode=rwc');
    const noFolder = await rejection(openSqlite('sqlite:./no/such/folder.db', { cwd: temp.dir }));
    expect(noFolder.code).toBe('NCF_CONNECTION_FAILED');
    expect(noFolder.hint).toContain('folder');
    const created = await openSqlite('sqlite:./new.db?mode=rwc', { cwd: temp.dir });
    expect((await created.testConnection()).ok).toBe(true);
    await created.close();
    expect(readFileSync(temp.path('new.db')).subarray(0, 15).toString()).toBe('SQLite format 3');
  });

  it('refuses a file that is not a database with NCF_CONNECTION_FAILED', async () => {
    writeFileSync(temp.path('notes.db'), 'these are notes, not a database '.repeat(200));
    const error = await rejection(openSqlite(`sqlite:${temp.path('notes.db')}`));
    expect(error.code).toBe('NCF_CONNECTION_FAILED');
    expect(error.message).toContain('not a SQLite database');
  });

  it('switches writable files to WAL and leaves read-only ones alone', async () => {
    const file = temp.createDb('wal.db', 'CREATE TABLE t(id INTEGER PRIMARY KEY)');
    const readOnly = await openSqlite(`sqlite:${file}`, { readOnly: true });
    expect(readOnly.db.pragma('journal_mode', { simple: true })).toBe('delete');
    await readOnly.close();
    const writable = await openSqlite(`sqlite:${file}`);
    expect(writable.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(writable.db.pragma('foreign_keys', { simple: true })).toBe(1);
    await writable.close();
  });

  it('opened read-only (option or ?mode=ro), it reports no write capability and refuses writes', async () => {
    const file = temp.createDb(
      'ro.db',
      "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a')",
    );
    for (const [url, options] of [
      [`sqlite:${file}`, { readOnly: true }],
      [`sqlite:${file}?mode=ro`, {}],
    ] as const) {
      const ds = await openSqlite(url, options);
      expect(ds.capabilities.write).toBe(false);
      expect((await ds.describeTable('t')).writable).toBe(false);
      for (const write of [
        ds.insert('t', { v: 'b' }),
        ds.update('t', { id: 1 }, { v: 'b' }),
        ds.delete('t', { id: 1 }),
      ]) {
        expect((await rejection(write)).code).toBe('NCF_READ_ONLY');
      }
      expect((await ds.readPage('t')).rows).toEqual([{ id: 1, v: 'a' }]);
      await ds.close();
    }
    const memory = await openSqlite('sqlite::memory:', { readOnly: true });
    expect(() => memory.db.exec('CREATE TABLE x(y)')).toThrow();
    await memory.close();
  });

  it('testConnection reports a database file deleted after opening', async () => {
    const file = temp.createDb('gone.db', 'CREATE TABLE t(id INTEGER PRIMARY KEY)');
    const ds = await openSqlite(`sqlite:${file}`);
    expect((await ds.testConnection()).ok).toBe(true);
    rmSync(file);
    const error = await rejection(ds.testConnection());
    expect(error.code).toBe('NCF_CONNECTION_FAILED');
    expect(error.message).toContain('no longer exists');
    await ds.close();
  });

  it('tests the connection and reports the SQLite version', async () => {
    const ds = await openSqlite('sqlite::memory:');
    const info = await ds.testConnection();
    expect(info.serverVersion).toMatch(/^SQLite 3\.\d+\.\d+$/);
    expect(info.latencyMs).toBeGreaterThanOrEqual(0);
    await ds.close();
  });

  it('close releases the connection and ends open streams; later calls reject NCF_DATASOURCE_CLOSED', async () => {
    const file = temp.createDb(
      'c.db',
      'CREATE TABLE t(id INTEGER PRIMARY KEY); WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 50) INSERT INTO t SELECT v FROM n',
    );
    const ds = await openSqlite(`sqlite:${file}`);
    const iterator = ds.stream('t', { batchSize: 10 })[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ id: 1 });
    await ds.close();
    expect(ds.db.open).toBe(false);
    // The database file is free: another connection can take an exclusive lock at once.
    const other = new Database(file, { timeout: 0 });
    other.exec('BEGIN EXCLUSIVE; COMMIT');
    other.close();
    expect((await rejection(iterator.next())).code).toBe('NCF_DATASOURCE_CLOSED');
    const error = await rejection(ds.listTables());
    expect(isNocofloError(error, 'NCF_DATASOURCE_CLOSED')).toBe(true);
    await ds.close();
  });
});
